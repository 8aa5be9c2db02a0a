#include "grids/CurveChartView.h"

#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <cmath>

namespace nas::ui {

namespace {
constexpr int kLegendRow = 16;
constexpr int kLegendWidth = 220;  // per entry; long names are elided
constexpr double kHitRadius = 6;
}  // namespace

CurveChartView::CurveChartView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumHeight(260);
}

void CurveChartView::setChart(const nas::CurveChart& chart) {
  chart_ = chart;
  updateGeometry();
  update();
}

int CurveChartView::legendHeight() const {
  const int perRow = std::max(1, (width() - 16) / kLegendWidth);
  const int n = int(chart_.series.size());
  return n == 0 ? 0 : ((n + perRow - 1) / perRow) * kLegendRow + 4;
}

ChartAxes CurveChartView::axes() const {
  ChartAxes a;
  a.fitSeries(chart_.series);
  for (const auto& t : chart_.xTicks) a.xTicks << QString::fromStdString(t);
  if (!a.xTicks.isEmpty()) {  // names sit on whole numbers: show every one of them
    a.xMin = std::min(a.xMin, -0.3);
    a.xMax = std::max(a.xMax, a.xTicks.size() - 0.7);
  }
  a.title = QString::fromStdString(chart_.title);
  a.xLabel = QString::fromStdString(chart_.xLabel);
  a.yLabel = QString::fromStdString(chart_.yLabel);
  a.layout(rect().adjusted(0, 0, 0, -legendHeight()), QFontMetrics(font()));
  return a;
}

QPointF CurveChartView::pointPosition(int series, int index) const {
  const auto& s = chart_.series.at(std::size_t(series));
  return axes().map(s.x.at(std::size_t(index)), s.y.at(std::size_t(index)));
}

QPoint CurveChartView::pointAt(const QPoint& pos) const { return axes().nearest(chart_.series, pos, kHitRadius); }

void CurveChartView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  if (chart_.series.empty()) return drawEmptyChart(p, rect(), tr("No curves"));
  p.fillRect(rect(), Qt::white);
  const ChartAxes a = axes();
  a.draw(p);
  p.setClipRect(a.plot.adjusted(-3, -3, 3, 3));
  for (int s = 0; s < int(chart_.series.size()); ++s) {
    const auto& c = chart_.series[std::size_t(s)];
    const QColor color = seriesColor(s);
    QPainterPath path;
    bool open = false;
    for (std::size_t i = 0; i < c.y.size(); ++i) {
      if (!std::isfinite(c.y[i])) {  // a gap
        open = false;
        continue;
      }
      const QPointF pt = a.map(c.x[i], c.y[i]);
      open ? path.lineTo(pt) : path.moveTo(pt);
      open = true;
    }
    p.setPen(QPen(color, 2));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    p.setBrush(color);
    for (std::size_t i = 0; i < c.y.size(); ++i)
      if (std::isfinite(c.y[i])) p.drawEllipse(a.map(c.x[i], c.y[i]), 3, 3);
  }
  p.setClipping(false);
  // Legend under the plot, wrapped over rows.
  const QFontMetrics fm(font());
  const int perRow = std::max(1, (width() - 16) / kLegendWidth);
  const int top = height() - legendHeight();
  for (int s = 0; s < int(chart_.series.size()); ++s) {
    const int x = 8 + (s % perRow) * kLegendWidth, y = top + (s / perRow) * kLegendRow;
    p.setPen(QPen(seriesColor(s), 2));
    p.drawLine(x, y + kLegendRow / 2, x + 16, y + kLegendRow / 2);
    p.setPen(QColor(0x33, 0x33, 0x33));
    p.drawText(QRect(x + 20, y, kLegendWidth - 24, kLegendRow), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(QString::fromStdString(chart_.series[std::size_t(s)].name), Qt::ElideMiddle,
                             kLegendWidth - 24));
  }
}

bool CurveChartView::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* he = static_cast<QHelpEvent*>(e);
    const QPoint hit = pointAt(he->pos());
    if (hit.x() < 0) {
      QToolTip::hideText();
      return true;
    }
    const auto& s = chart_.series[std::size_t(hit.x())];
    const std::size_t i = std::size_t(hit.y());
    const long k = std::lround(s.x[i]);
    const QString x = k >= 0 && std::size_t(k) < chart_.xTicks.size() && std::abs(s.x[i] - double(k)) < 1e-9
                          ? QString::fromStdString(chart_.xTicks[std::size_t(k)])
                          : QString::number(s.x[i]);
    QToolTip::showText(he->globalPos(), QStringLiteral("%1\n%2: %3").arg(QString::fromStdString(s.name), x,
                                                                          QString::number(s.y[i], 'g', 4)));
    return true;
  }
  return QWidget::event(e);
}

}  // namespace nas::ui
