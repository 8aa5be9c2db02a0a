#pragma once
// The axes shared by the curve and scatter views of the "Heat Maps" tab: a plot rectangle inside
// the widget, data ranges padded to round ticks, the data-to-pixel mapping and the drawing of
// the frame, ticks, tick labels (numbers, or names for x = 0, 1, ...) and axis titles.
#include <QColor>
#include <QFontMetrics>
#include <QRect>
#include <QString>
#include <QStringList>
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
};

// Series colours (ColorBrewer "Set1"-like, readable on white), cycling.
QColor seriesColor(int index);

}  // namespace nas::ui
