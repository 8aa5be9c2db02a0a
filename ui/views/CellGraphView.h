#pragma once
// Draws one architecture's cell (any GraphForm) laid out by Graphviz: nodes as rounded boxes,
// edges as the layout's splines with arrowheads, labelled and coloured by op, with a legend;
// an edge that carries a weight (GraphEdge::weight, a search's architecture weight) is drawn as
// wide as its weight says (edgeWidth), and the legend then explains the widths.
// `none` edges are hidden or dashed. Wheel / Ctrl +/- zoom, drag pans, double-click or
// fitToView() fits. Edges can be highlighted (compare mode). Export to SVG and PNG.

#include <QGraphicsView>
#include <QSet>

#include "searchspace/GraphForm.h"
#include "views/GraphLayout.h"

class QAction;
class QGraphicsScene;

namespace nas::ui {

class CellGraphView : public QGraphicsView {
  Q_OBJECT
 public:
  enum class NoneEdges { Hidden, Dashed };
  // Item tags, in QGraphicsItem::data(kRoleKey), for tests and tools.
  static constexpr int kRoleKey = 0;   // "node", "edge", "legend", "title"
  static constexpr int kIndexKey = 1;  // node id or edge index

  explicit CellGraphView(QWidget* parent = nullptr);

  void setGraph(const nas::GraphForm& graph);
  const nas::GraphForm& graph() const { return graph_; }
  void clear();
  void setTitle(const QString& title);
  // Edge indices (into GraphForm::edges) drawn highlighted: thicker, with a halo.
  void setHighlightedEdges(const QSet<int>& edges);
  const QSet<int>& highlightedEdges() const { return highlighted_; }
  void setNoneEdges(NoneEdges mode);
  NoneEdges noneEdges() const { return noneMode_; }
  void setLegendVisible(bool on);

  // The pen width of an edge that is not highlighted: by its weight when it has one.
  static double edgeWidth(const nas::GraphEdge& edge);

  int nodeItemCount() const;
  int edgeItemCount() const;
  const GraphGeometry& geometry() const { return geometry_; }

  bool exportSvg(const QString& path, QString* error = nullptr);
  bool exportPng(const QString& path, double scale = 2.0, QString* error = nullptr);
  // The context menu's "Save drawing as SVG/PNG…" actions (a file dialog, then exportSvg/Png);
  // the menu also lists the actions of the nearest ancestor that shows an actions context menu
  // (the architecture view's "Export This Architecture…").
  QAction* saveSvgAction() const { return saveSvg_; }
  QAction* savePngAction() const { return savePng_; }
  QSize sizeHint() const override { return {520, 320}; }

 public slots:
  void zoomIn();
  void zoomOut();
  void fitToView();
  void setShowNoneEdges(bool dashed) { setNoneEdges(dashed ? NoneEdges::Dashed : NoneEdges::Hidden); }

 signals:
  void layoutFailed(const QString& message);

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  void rebuild();
  void saveWithDialog(bool svg);
  void zoomBy(double factor);
  QRectF contentRect() const;

  QGraphicsScene* scene_;
  nas::GraphForm graph_;
  GraphGeometry geometry_;
  QSet<int> highlighted_;
  QString title_;
  NoneEdges noneMode_ = NoneEdges::Dashed;
  bool legend_ = true;
  bool userZoomed_ = false;
  QAction* saveSvg_ = nullptr;
  QAction* savePng_ = nullptr;
};

}  // namespace nas::ui
