#include "grids/ChartAxes.h"

#include <QFontMetrics>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <limits>

namespace nas::ui {

namespace {

constexpr int kMargin = 8;
constexpr int kTick = 4;

void range(const std::vector<double>& v, double& lo, double& hi) {
  lo = std::numeric_limits<double>::infinity();
  hi = -lo;
  for (double x : v)
    if (std::isfinite(x)) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  if (!std::isfinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi - lo < 1e-12) {
    lo -= 0.5;
    hi += 0.5;
  }
}

// About five round steps over [lo, hi].
double step(double lo, double hi) {
  const double raw = (hi - lo) / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

QString number(double v, double stepSize) {
  const int digits = std::clamp(int(std::ceil(-std::log10(stepSize))), 0, 6);
  return QString::number(v, 'f', digits);
}

}  // namespace

QColor seriesColor(int index) {
  static const QColor colors[] = {QColor(0xe4, 0x1a, 0x1c), QColor(0x37, 0x7e, 0xb8), QColor(0x4d, 0xaf, 0x4a),
                                  QColor(0x98, 0x4e, 0xa3), QColor(0xff, 0x7f, 0x00), QColor(0xa6, 0x56, 0x28),
                                  QColor(0xf7, 0x81, 0xbf), QColor(0x66, 0x66, 0x66)};
  return colors[std::size_t(index) % (sizeof colors / sizeof colors[0])];
}

void ChartAxes::fit(const std::vector<double>& xs, const std::vector<double>& ys) {
  range(xs, xMin, xMax);
  range(ys, yMin, yMax);
  // A little room so points on the edge are not cut by the frame.
  const double px = (xMax - xMin) * 0.04, py = (yMax - yMin) * 0.06;
  xMin -= px;
  xMax += px;
  yMin -= py;
  yMax += py;
}

void ChartAxes::layout(const QRect& chartArea, const QFontMetrics& fm) {
  area = chartArea;
  const int titleH = title.isEmpty() ? 0 : fm.height() + kMargin;
  int yTickW = 0;
  const double ys = step(yMin, yMax);
  for (double v = std::ceil(yMin / ys) * ys; v <= yMax; v += ys) yTickW = std::max(yTickW, fm.horizontalAdvance(number(v, ys)));
  int xTickH = fm.height();
  if (!xTicks.isEmpty()) {  // names are drawn rotated by 45 degrees
    int w = 0;
    for (const auto& t : xTicks) w = std::max(w, fm.horizontalAdvance(t));
    xTickH = int(std::min(w, 120) * 0.71) + fm.height();
  }
  const int left = area.left() + kMargin + (yLabel.isEmpty() ? 0 : fm.height() + kMargin) + yTickW + kTick + 2;
  const int top = area.top() + kMargin + titleH;
  const int bottom = area.bottom() - kMargin - (xLabel.isEmpty() ? 0 : fm.height() + kMargin) - xTickH - kTick;
  plot = QRect(QPoint(left, top), QPoint(std::max(left + 10, area.right() - kMargin), std::max(top + 10, bottom)));
}

QPointF ChartAxes::map(double x, double y) const {
  const double fx = (x - xMin) / (xMax - xMin), fy = (y - yMin) / (yMax - yMin);
  return {plot.left() + fx * plot.width(), plot.bottom() - fy * plot.height()};
}

void ChartAxes::draw(QPainter& p) const {
  const QFontMetrics fm(p.font());
  p.setPen(QColor(0x33, 0x33, 0x33));
  if (!title.isEmpty())
    p.drawText(QRect(plot.left(), plot.top() - fm.height() - kMargin, plot.width(), fm.height()), Qt::AlignCenter,
               fm.elidedText(title, Qt::ElideRight, plot.width()));
  p.setPen(QColor(0xe6, 0xe6, 0xe6));
  const double ys = step(yMin, yMax);
  for (double v = std::ceil(yMin / ys) * ys; v <= yMax; v += ys) {
    const int y = int(map(xMin, v).y());
    p.setPen(QColor(0xe6, 0xe6, 0xe6));
    p.drawLine(plot.left(), y, plot.right(), y);
    p.setPen(QColor(0x33, 0x33, 0x33));
    const QString s = number(v, ys);
    p.drawText(QRect(0, y - fm.height() / 2, plot.left() - kTick - 2, fm.height()), Qt::AlignRight | Qt::AlignVCenter, s);
  }
  p.setPen(QColor(0x33, 0x33, 0x33));
  if (xTicks.isEmpty()) {
    const double xs = step(xMin, xMax);
    for (double v = std::ceil(xMin / xs) * xs; v <= xMax; v += xs) {
      const int x = int(map(v, yMin).x());
      p.drawLine(x, plot.bottom(), x, plot.bottom() + kTick);
      const QString s = number(v, xs);
      p.drawText(QRect(x - 40, plot.bottom() + kTick, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop, s);
    }
  } else {
    for (int i = 0; i < xTicks.size(); ++i) {
      if (i < xMin || i > xMax) continue;
      const int x = int(map(i, yMin).x());
      p.drawLine(x, plot.bottom(), x, plot.bottom() + kTick);
      p.save();
      p.translate(x, plot.bottom() + kTick + fm.ascent());
      p.rotate(-45);
      p.drawText(QPoint(-fm.horizontalAdvance(fm.elidedText(xTicks[i], Qt::ElideRight, 120)), 0),
                 fm.elidedText(xTicks[i], Qt::ElideRight, 120));
      p.restore();
    }
  }
  p.setPen(QColor(0x99, 0x99, 0x99));
  p.setBrush(Qt::NoBrush);
  p.drawRect(plot);
  p.setPen(QColor(0x33, 0x33, 0x33));
  // Axis titles: x under the tick labels (at the widget's bottom margin), y rotated on the left.
  if (!xLabel.isEmpty())
    p.drawText(QRect(plot.left(), area.bottom() - kMargin - fm.height(), plot.width(), fm.height()),
               Qt::AlignCenter, xLabel);
  if (!yLabel.isEmpty()) {
    p.save();
    p.translate(kMargin + fm.ascent(), plot.center().y());
    p.rotate(-90);
    p.drawText(QRect(-plot.height() / 2, -fm.ascent(), plot.height(), fm.height()), Qt::AlignCenter, yLabel);
    p.restore();
  }
}

void drawEmptyChart(QPainter& p, const QRect& area, const QString& text) {
  p.fillRect(area, Qt::white);
  p.setPen(Qt::gray);
  p.drawText(area, Qt::AlignCenter, text);
}

}  // namespace nas::ui
