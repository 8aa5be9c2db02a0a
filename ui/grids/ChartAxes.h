#pragma once
// The axes shared by the curve and scatter views of the "Heat Maps" tab: a plot rectangle inside
// the widget, data ranges padded to round ticks, the data-to-pixel mapping and the drawing of
// the frame, ticks, tick labels (numbers, or names for x = 0, 1, ...) and axis titles.
#include <QColor>
#include <QFontMetrics>
#include <QPoint>
#include <QRect>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <cmath>
#include <vector>

class QPainter;

namespace nas::ui {

struct ChartAxes {
  QRect plot;                     // where the data goes, in widget pixels
  QRect area;                     // the whole chart (plot, tick labels, axis titles)
  double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
  QStringList xTicks;             // names of x = 0, 1, ...; empty: numbers
  QString xLabel, yLabel, title;

  // Ranges from the data (finite values only); a constant range is widened to be drawable.
  void fit(const std::vector<double>& xs, const std::vector<double>& ys);
  // The plot rectangle inside `area` leaving room for the title, tick labels and axis titles.
  void layout(const QRect& area, const QFontMetrics& fm);
  QPointF map(double x, double y) const;
  void draw(QPainter& p) const;
  // Ranges from every series' points (anything with `x` and `y` vectors).
  template <class Series>
  void fitSeries(const std::vector<Series>& series);
  // The finite point nearest `pos` within `radius` pixels: {series, index}, or {-1, -1}.
  template <class Series>
  QPoint nearest(const std::vector<Series>& series, const QPoint& pos, double radius) const;
};

// What a chart without data shows: `text` centred in grey on white.
void drawEmptyChart(QPainter& p, const QRect& area, const QString& text);

template <class Series>
void ChartAxes::fitSeries(const std::vector<Series>& series) {
  std::vector<double> xs, ys;
  for (const auto& s : series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  fit(xs, ys);
}

template <class Series>
QPoint ChartAxes::nearest(const std::vector<Series>& series, const QPoint& pos, double radius) const {
  double best = radius;
  QPoint hit(-1, -1);
  for (int s = 0; s < int(series.size()); ++s) {
    const auto& c = series[std::size_t(s)];
    for (std::size_t i = 0; i < std::min(c.x.size(), c.y.size()); ++i) {
      if (!std::isfinite(c.x[i]) || !std::isfinite(c.y[i])) continue;
      const QPointF d = map(c.x[i], c.y[i]) - QPointF(pos);
      const double dist = std::hypot(d.x(), d.y());
      if (dist <= best) {
        best = dist;
        hit = {s, int(i)};
      }
    }
  }
  return hit;
}

// Series colours (ColorBrewer "Set1"-like, readable on white), cycling.
QColor seriesColor(int index);

}  // namespace nas::ui
