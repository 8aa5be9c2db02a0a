#pragma once
// Result drawings that a method writes next to its heat grids (engine/GridSamples.h holds the
// frame contract): curves over an axis, trees of labelled nodes and point sets. Plain data; the
// "Heat Maps" tab draws them without knowing which method wrote them (NAS-LID writes LID
// profiles over depth, its split hierarchy and predicted-against-true rank scatters).
//
// Payload keys (each an array of objects, all optional; see GridSamples.h for the frame):
//   "curves":   [{"title": "LID profiles", "x_label": "block", "y_label": "LID",
//                 "x_ticks": ["stem", "cell0", ...],   optional names of x = 0, 1, 2, ...
//                 "series": [{"name": "|nor_conv_3x3~0|+...", "y": [numbers],
//                             "x": [numbers]}]}]       x optional: 0, 1, ... by default;
//                                                       else as long as y; null y = a gap
//   "trees":    [{"title": "Split hierarchy",
//                 "root": {"label": "root", "detail": "edge 0→1: {none, skip} | {...}",
//                          "children": [ node, ... ]}}]  at most 32 levels deep
//   "scatters": [{"title": "lid: rank", "x_label": "true rank", "y_label": "predicted rank",
//                 "diagonal": true,                     draw y = x (a perfect prediction)
//                 "series": [{"name": "lid", "x": [numbers], "y": [numbers],
//                             "labels": ["arch", ...]}]}]   labels optional; else as long as x
// Parsing throws Error(ParseError) naming the drawing and the problem; the frame reader turns
// that into one listed problem for the frame.
#include <string>
#include <vector>

#include "common/Json.h"

namespace nas {

struct CurveSeries {
  std::string name;
  std::vector<double> x, y;  // same length; y NaN = no value
};

struct CurveChart {
  std::string title, xLabel, yLabel;
  std::vector<std::string> xTicks;  // names of x = 0, 1, ...; empty: numbers
  std::vector<CurveSeries> series;
};

struct TreeChartNode {
  std::string label, detail;  // detail: more lines ("\n"), e.g. the ops a leaf keeps
  std::vector<TreeChartNode> children;
};

struct TreeChart {
  std::string title;
  TreeChartNode root;
};

struct ScatterSeries {
  std::string name;
  std::vector<double> x, y;
  std::vector<std::string> labels;  // empty, or one per point (tooltips)
};

struct ScatterChart {
  std::string title, xLabel, yLabel;
  bool diagonal = false;
  std::vector<ScatterSeries> series;
};

constexpr int kMaxTreeDepth = 32;

Json curveChartToJson(const CurveChart& chart);
CurveChart parseCurveChart(const Json& j);
Json treeChartToJson(const TreeChart& chart);
TreeChart parseTreeChart(const Json& j);
Json scatterChartToJson(const ScatterChart& chart);
ScatterChart parseScatterChart(const Json& j);

}  // namespace nas
