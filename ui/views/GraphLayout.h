#pragma once
// Lays out a GraphForm with Graphviz's `dot` program (left to right) and returns plain geometry
// in scene units (points, y downwards), so that any view can draw it. `dot` runs as a separate
// process (found on the PATH, or at $NAS_DOT); results are cached by the graph's DOT text.
// Throws nas::Error: NotFound without `dot`, InvalidArgument for an edge to a missing node,
// Internal when the layout fails.

#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QVector>

#include "searchspace/GraphForm.h"

namespace nas::ui {

struct LayoutNode {
  int id = 0;          // GraphNode::id
  QString label;
  QString role;
  QPointF center;
  QSizeF size;
};

struct LayoutEdge {
  int edgeIndex = -1;      // index into GraphForm::edges
  int from = 0, to = 0;    // node ids
  // Cubic Bezier control points as Graphviz gives them: p0, then (c1, c2, p) triples.
  QVector<QPointF> path;
  bool hasArrow = false;   // arrow from path.last() to arrowTip
  QPointF arrowTip;
  bool hasLabel = false;
  QPointF labelCenter;
  QSizeF labelSize;
};

struct GraphGeometry {
  QRectF bounds;
  QVector<LayoutNode> nodes;
  QVector<LayoutEdge> edges;  // only the edges that were laid out
};

struct GraphLayoutOptions {
  bool includeInactive = true;  // lay out `none` edges too (false: they are left out)
  bool edgeLabels = true;       // reserve room for op labels on the edges
  double fontSize = 11.0;       // points (= scene pixels) of edge labels; node labels +2
  QString rankdir = QStringLiteral("LR");
};

class GraphLayout {
 public:
  static GraphGeometry layout(const nas::GraphForm& graph, const GraphLayoutOptions& options = {});
};

}  // namespace nas::ui
