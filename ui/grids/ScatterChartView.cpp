#include "grids/ScatterChartView.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace nas::ui {

namespace {
constexpr int kLegendRow = 16;
constexpr double kHitRadius = 6;
}  // namespace

ScatterChartView::ScatterChartView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumHeight(240);
}

void ScatterChartView::setChart(const nas::ScatterChart& chart) {
  chart_ = chart;
  updateGeometry();
  update();
}

ChartAxes ScatterChartView::axes() const {
  ChartAxes a;
  std::vector<double> xs, ys;
  for (const auto& s : chart_.series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  if (chart_.diagonal) {  // one range for both axes, so the diagonal is the 45-degree line
    std::vector<double> both = xs;
    both.insert(both.end(), ys.begin(), ys.end());
    a.fit(both, both);
  } else {
    a.fit(xs, ys);
  }
  a.title = QString::fromStdString(chart_.title);
  a.xLabel = QString::fromStdString(chart_.xLabel);
  a.yLabel = QString::fromStdString(chart_.yLabel);
  const int legend = chart_.series.size() > 1 ? int(chart_.series.size()) * kLegendRow + 4 : 0;
  a.layout(rect().adjusted(0, 0, 0, -legend), QFontMetrics(font()));
  return a;
}

QPointF ScatterChartView::pointPosition(int series, int index) const {
  const auto& s = chart_.series.at(std::size_t(series));
  return axes().map(s.x.at(std::size_t(index)), s.y.at(std::size_t(index)));
}

QPoint ScatterChartView::pointAt(const QPoint& pos) const { return axes().nearest(chart_.series, pos, kHitRadius); }

void ScatterChartView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  if (chart_.series.empty()) return drawEmptyChart(p, rect(), tr("No points"));
  p.fillRect(rect(), Qt::white);
  const ChartAxes a = axes();
  a.draw(p);
  p.setClipRect(a.plot.adjusted(-4, -4, 4, 4));
  if (chart_.diagonal) {
    p.setPen(QPen(QColor(0xaa, 0xaa, 0xaa), 1, Qt::DashLine));
    const double lo = std::max(a.xMin, a.yMin), hi = std::min(a.xMax, a.yMax);
    p.drawLine(a.map(lo, lo), a.map(hi, hi));
  }
  for (int s = 0; s < int(chart_.series.size()); ++s) {
    const auto& c = chart_.series[std::size_t(s)];
    QColor fill = seriesColor(s);
    fill.setAlphaF(0.75f);
    p.setPen(QPen(seriesColor(s).darker(130), 1));
    p.setBrush(fill);
    for (std::size_t i = 0; i < c.x.size(); ++i) p.drawEllipse(a.map(c.x[i], c.y[i]), 4, 4);
  }
  p.setClipping(false);
  if (chart_.series.size() > 1) {
    const QFontMetrics fm(font());
    int y = height() - int(chart_.series.size()) * kLegendRow - 2;
    for (int s = 0; s < int(chart_.series.size()); ++s, y += kLegendRow) {
      p.setPen(Qt::NoPen);
      p.setBrush(seriesColor(s));
      p.drawEllipse(QPointF(14, y + kLegendRow / 2.0), 4, 4);
      p.setPen(QColor(0x33, 0x33, 0x33));
      p.drawText(QRect(24, y, width() - 30, kLegendRow), Qt::AlignLeft | Qt::AlignVCenter,
                 fm.elidedText(QString::fromStdString(chart_.series[std::size_t(s)].name), Qt::ElideRight, width() - 30));
    }
  }
}

bool ScatterChartView::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* he = static_cast<QHelpEvent*>(e);
    const QPoint hit = pointAt(he->pos());
    if (hit.x() < 0) {
      QToolTip::hideText();
      return true;
    }
    const auto& s = chart_.series[std::size_t(hit.x())];
    const std::size_t i = std::size_t(hit.y());
    QString text = QStringLiteral("%1: %2\n%3: %4")
                       .arg(QString::fromStdString(chart_.xLabel.empty() ? "x" : chart_.xLabel))
                       .arg(s.x[i], 0, 'g', 4)
                       .arg(QString::fromStdString(chart_.yLabel.empty() ? "y" : chart_.yLabel))
                       .arg(s.y[i], 0, 'g', 4);
    if (i < s.labels.size()) text = QString::fromStdString(s.labels[i]) + QLatin1Char('\n') + text;
    QToolTip::showText(he->globalPos(), text);
    return true;
  }
  return QWidget::event(e);
}

}  // namespace nas::ui
