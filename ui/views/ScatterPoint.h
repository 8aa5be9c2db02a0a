#pragma once
// One point of a scatter view, in plot units, and how the plot shows them.
#include <QString>
#include <QtGlobal>

namespace nas::ui {

struct ScatterPoint {
  qint64 id = 0;
  double x = 0, y = 0, c = 0;  // c: NaN when absent
  bool faded = false;          // drawn small and translucent, under the others (earlier rounds, say)
};

// What a ScatterPlot draws the points as.
struct ScatterAxes {
  QString xTitle, yTitle, colorTitle;
  bool colorMetric = false;  // a colour metric is chosen (points without a value are grey)
  bool maximizeX = false, maximizeY = true;
  bool front = true;  // the Pareto front is shown
};

}  // namespace nas::ui
