#pragma once
// Lays out a GraphForm with Graphviz's `dot` program (left to right) and returns plain geometry
// in scene units (points, y downwards), so that any view can draw it. `dot` runs as a separate
// process (found on the PATH, or at $NAS_DOT); results are cached by the graph's DOT text.
// Throws nas::Error: NotFound without `dot`, InvalidArgument for an edge to a missing node,
// Internal when the layout fails.
//
// `dot` takes 10-60 ms on a busy machine, too long for the GUI thread (bench_ui_stalls saw a
// 57 ms event while a new best architecture was drawn): views ask the cache first and, on a
// miss, lay out with layoutInBackground(), which runs `dot` on a thread of its own.

#include <QByteArray>
#include <QFuture>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QVector>
#include <optional>

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

// What a background layout gives back: the geometry, or the error's text (never an exception).
struct GraphLayoutResult {
  GraphGeometry geometry;
  QString error;  // non-empty: the layout failed, geometry is empty
};

// One graph's input to `dot` and its cache key, built once per layout (the DOT text is the
// larger part of the key; building it is what a cache lookup costs).
struct GraphLayoutRequest {
  QByteArray dot;  // the text `dot` lays out
  QByteArray key;  // dot plus the node roles, which are part of the result but not of the text
};

class GraphLayout {
 public:
  // Synchronous: runs `dot` on the calling thread when the layout is not cached.
  static GraphGeometry layout(const nas::GraphForm& graph, const GraphLayoutOptions& options = {});
  // The layout's DOT text and cache key. Cheap, starts no process. Throws InvalidArgument for
  // an edge to a missing node.
  static GraphLayoutRequest request(const nas::GraphForm& graph, const GraphLayoutOptions& options = {});
  static QByteArray key(const nas::GraphForm& graph, const GraphLayoutOptions& options = {}) {
    return request(graph, options).key;
  }
  // The cached layout for `key`, if there is one.
  static std::optional<GraphGeometry> cached(const QByteArray& key);
  // Lays out `request` (request(graph, options)) on a thread of a small pool; the result is
  // cached as layout() caches it. The future's one result carries the error as text. Layouts
  // still running when the application object is destroyed are waited for there.
  static QFuture<GraphLayoutResult> layoutInBackground(const nas::GraphForm& graph, const GraphLayoutOptions& options,
                                                       GraphLayoutRequest request);
};

}  // namespace nas::ui
