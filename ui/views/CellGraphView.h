#pragma once
// Draws one architecture's cell (any GraphForm) laid out by Graphviz: nodes as rounded boxes,
// edges as the layout's splines with arrowheads, labelled and coloured by op, with a legend;
// an edge that carries a weight (GraphEdge::weight, a search's architecture weight) is drawn as
// wide as its weight says (edgeWidth), and the legend then explains the widths.
// `none` edges are hidden or dashed. Wheel / Ctrl +/- zoom, drag pans, double-click or
// fitToView() fits. Edges can be highlighted (compare mode). Export to SVG and PNG.
//
// A graph whose layout is cached draws at once. Otherwise Graphviz lays it out on a background
// thread (GraphLayout::layoutInBackground) and the view draws when the geometry arrives: until
// then it keeps its previous drawing, or says "Laying out…" when it had none. Only the latest
// request counts; a failed layout is shown as text in the view. layoutReady() is emitted each
// time the view has drawn its final state; waitForLayout() blocks until then (tests, exports).

#include <QByteArray>
#include <QFutureWatcher>
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
  const GraphGeometry& geometry() const { return geometry_; }  // of the drawing shown

  // True while a background layout for the current graph is on its way.
  bool layoutPending() const { return pending_; }
  // Blocks until the current graph is drawn (at most `dot`'s own 15 s timeout). Returns false
  // when the layout failed (the view then shows the error).
  bool waitForLayout();
  // waitForLayout() for every cell view in `root`'s widget tree, `root` included.
  static bool waitForLayouts(QWidget* root);

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
  // The view drew its final state for the current graph: the cell, "No architecture" or an error.
  void layoutReady();

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  void rebuild();
  void draw(const GraphGeometry& geometry);
  void showText(const QString& text, const QColor& color, int pixelSize);
  void showError(const QString& message);
  void startLayout(GraphLayoutRequest layoutRequest, const GraphLayoutOptions& options);
  void finishLayout(quint64 request);
  void cancelLayout();
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
  // The background layout: the latest request's number, its key and watcher. A watcher of an
  // older request is deleted; its thread finishes and its result is dropped.
  QFutureWatcher<GraphLayoutResult>* watcher_ = nullptr;
  quint64 request_ = 0;
  QByteArray pendingKey_;
  bool pending_ = false;
  bool laidOut_ = false;  // the scene shows a cell (not text)
};

}  // namespace nas::ui
