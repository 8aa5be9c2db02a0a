#include "views/CellGraphView.h"

#include <QAction>
#include <QApplication>
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QImage>
#include <QKeyEvent>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPainterPath>
#include <QSvgGenerator>
#include <QWheelEvent>
#include <QtMath>
#include <exception>
#include <map>

#include "common/Error.h"
#include "views/OpPalette.h"

namespace nas::ui {

namespace {

const QColor kNodeFill(0xF4, 0xF6, 0xF8);
const QColor kNodeBorder(0x45, 0x4F, 0x5A);
const QColor kInputFill(0xE3, 0xEE, 0xF7);
const QColor kOutputFill(0xE6, 0xF2, 0xEA);
const QColor kHalo(0xF0, 0xE4, 0x42, 190);  // Okabe-Ito yellow
const double kEdgeWidth = 1.8;
const double kEdgeWidthHighlighted = 3.4;
// A weighted edge (GraphEdge::weight in [0, 1]) is drawn from kWeightWidthMin (weight 0) to
// kWeightWidthMax (weight 1) wide: thin enough at 0 to stay visible, thick enough at 1 to stand
// out in a 14-edge DARTS cell.
const double kWeightWidthMin = 0.7;
const double kWeightWidthMax = 7.0;

// Pixel sizes: scene units are points of the Graphviz layout, and exports to images or SVG must
// not depend on the paint device's DPI.
QFont sceneFont(int pixelSize, bool bold = false) {
  QFont f = QApplication::font();
  f.setPixelSize(pixelSize);
  f.setBold(bold);
  return f;
}

QPainterPath splinePath(const QVector<QPointF>& p) {
  QPainterPath path;
  if (p.isEmpty()) return path;
  path.moveTo(p[0]);
  int i = 1;
  for (; i + 2 < p.size(); i += 3) path.cubicTo(p[i], p[i + 1], p[i + 2]);
  for (; i < p.size(); ++i) path.lineTo(p[i]);
  return path;
}

QPolygonF arrowHead(QPointF from, QPointF tip, double length, double halfWidth) {
  QLineF line(tip, from);
  if (line.length() < 1e-6) line = QLineF(tip, tip - QPointF(1, 0));
  const QPointF dir = (line.p2() - line.p1()) / line.length();
  const QPointF normal(-dir.y(), dir.x());
  const QPointF base = tip + dir * length;
  return QPolygonF({tip, base + normal * halfWidth, base - normal * halfWidth});
}

}  // namespace

double CellGraphView::edgeWidth(const nas::GraphEdge& edge) {
  if (!edge.weighted()) return kEdgeWidth;
  return kWeightWidthMin + std::clamp(edge.weight, 0.0, 1.0) * (kWeightWidthMax - kWeightWidthMin);
}

CellGraphView::CellGraphView(QWidget* parent) : QGraphicsView(parent), scene_(new QGraphicsScene(this)) {
  setScene(scene_);
  setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
  setDragMode(QGraphicsView::ScrollHandDrag);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setResizeAnchor(QGraphicsView::AnchorViewCenter);
  setBackgroundBrush(Qt::white);
  setFrameShape(QFrame::NoFrame);
  setFocusPolicy(Qt::StrongFocus);
  setToolTip(tr("Wheel or Ctrl +/- to zoom, drag to pan, double-click to fit, right-click to save"));
  saveSvg_ = new QAction(tr("Save Drawing as SVG\u2026"), this);
  savePng_ = new QAction(tr("Save Drawing as PNG\u2026"), this);
  connect(saveSvg_, &QAction::triggered, this, [this] { saveWithDialog(true); });
  connect(savePng_, &QAction::triggered, this, [this] { saveWithDialog(false); });
}

void CellGraphView::saveWithDialog(bool svg) {
  if (graph_.nodes.empty()) return;
  QString name = title_.isEmpty() ? QStringLiteral("cell") : title_;
  for (QChar& c : name)
    if (!c.isLetterOrNumber() && c != QLatin1Char('-')) c = QLatin1Char('_');
  const QString path = QFileDialog::getSaveFileName(
      this, svg ? tr("Save drawing as SVG") : tr("Save drawing as PNG"), name + (svg ? ".svg" : ".png"),
      svg ? tr("SVG image (*.svg)") : tr("PNG image (*.png)"));
  if (path.isEmpty()) return;
  QString error;
  if (!(svg ? exportSvg(path, &error) : exportPng(path, 2.0, &error)))
    QMessageBox::warning(this, tr("Save drawing"), error);
}

void CellGraphView::contextMenuEvent(QContextMenuEvent* event) {
  QMenu menu(this);
  saveSvg_->setEnabled(!graph_.nodes.empty());
  savePng_->setEnabled(!graph_.nodes.empty());
  menu.addAction(saveSvg_);
  menu.addAction(savePng_);
  for (QWidget* w = parentWidget(); w; w = w->parentWidget())
    if (w->contextMenuPolicy() == Qt::ActionsContextMenu && !w->actions().isEmpty()) {
      menu.addSeparator();
      menu.addActions(w->actions());
      break;
    }
  menu.exec(event->globalPos());
  event->accept();
}

void CellGraphView::setGraph(const nas::GraphForm& graph) {
  graph_ = graph;
  highlighted_.clear();
  userZoomed_ = false;
  rebuild();
}

void CellGraphView::clear() {
  graph_ = {};
  highlighted_.clear();
  geometry_ = {};
  rebuild();
}

void CellGraphView::setTitle(const QString& title) {
  title_ = title;
  rebuild();
}

void CellGraphView::setHighlightedEdges(const QSet<int>& edges) {
  highlighted_ = edges;
  rebuild();
}

void CellGraphView::setNoneEdges(NoneEdges mode) {
  if (mode == noneMode_) return;
  noneMode_ = mode;
  rebuild();
}

void CellGraphView::setLegendVisible(bool on) {
  legend_ = on;
  rebuild();
}

int CellGraphView::nodeItemCount() const {
  int n = 0;
  for (const QGraphicsItem* it : scene_->items())
    if (it->data(kRoleKey).toString() == QLatin1String("node")) ++n;
  return n;
}

int CellGraphView::edgeItemCount() const {
  int n = 0;
  for (const QGraphicsItem* it : scene_->items())
    if (it->data(kRoleKey).toString() == QLatin1String("edge")) ++n;
  return n;
}

void CellGraphView::showText(const QString& text, const QColor& color, int pixelSize) {
  scene_->clear();
  geometry_ = {};
  laidOut_ = false;
  auto* t = scene_->addSimpleText(text, sceneFont(pixelSize));
  t->setBrush(color);
  scene_->setSceneRect(t->boundingRect().adjusted(-20, -20, 20, 20));
  fitToView();
}

void CellGraphView::showError(const QString& message) {
  showText(tr("Cannot lay out this graph: %1").arg(message), QColor(0xB0, 0x30, 0x30), 13);
  emit layoutFailed(message);
  emit layoutReady();
}

void CellGraphView::cancelLayout() {
  if (!pending_) return;
  pending_ = false;
  ++request_;  // the running layout's answer is dropped when it arrives
}

void CellGraphView::rebuild() {
  if (graph_.nodes.empty()) {
    cancelLayout();
    showText(tr("No architecture"), QColor(0x80, 0x80, 0x80), 14);
    emit layoutReady();
    return;
  }
  GraphLayoutOptions opt;
  opt.includeInactive = noneMode_ == NoneEdges::Dashed;
  GraphLayoutRequest layoutRequest;
  try {
    layoutRequest = GraphLayout::request(graph_, opt);
  } catch (const std::exception& e) {
    cancelLayout();
    showError(QString::fromUtf8(e.what()));
    return;
  }
  if (const auto hit = GraphLayout::cached(layoutRequest.key)) {
    cancelLayout();
    draw(*hit);
    return;
  }
  // On its way already (a title or highlight changed meanwhile): it draws with them on arrival.
  if (pending_ && layoutRequest.key == pendingKey_) return;
  startLayout(std::move(layoutRequest), opt);
}

void CellGraphView::startLayout(GraphLayoutRequest layoutRequest, const GraphLayoutOptions& options) {
  const quint64 request = ++request_;
  pending_ = true;
  pendingKey_ = layoutRequest.key;
  if (watcher_) {
    watcher_->disconnect(this);
    watcher_->deleteLater();
  }
  watcher_ = new QFutureWatcher<GraphLayoutResult>(this);
  connect(watcher_, &QFutureWatcherBase::finished, this, [this, request] { finishLayout(request); });
  watcher_->setFuture(GraphLayout::layoutInBackground(graph_, options, std::move(layoutRequest)));
  // The previous cell stays until the new one arrives (tens of milliseconds); text is replaced.
  if (!laidOut_) showText(tr("Laying out\u2026"), QColor(0xA0, 0xA0, 0xA0), 13);
}

void CellGraphView::finishLayout(quint64 request) {
  // An older request, or one waitForLayout() has drawn already.
  if (request != request_ || !pending_ || !watcher_) return;
  pending_ = false;
  const QFuture<GraphLayoutResult> future = watcher_->future();
  if (future.resultCount() < 1) {
    showError(tr("the layout gave no result"));
    return;
  }
  const GraphLayoutResult result = future.result();
  if (!result.error.isEmpty()) {
    showError(result.error);
    return;
  }
  draw(result.geometry);
}

bool CellGraphView::waitForLayout() {
  if (pending_ && watcher_) {
    watcher_->waitForFinished();
    finishLayout(request_);
  }
  return laidOut_ || graph_.nodes.empty();
}

bool CellGraphView::waitForLayouts(QWidget* root) {
  bool ok = true;
  if (auto* self = qobject_cast<CellGraphView*>(root)) ok = self->waitForLayout() && ok;
  if (root)
    for (CellGraphView* v : root->findChildren<CellGraphView*>()) ok = v->waitForLayout() && ok;
  return ok;
}

void CellGraphView::draw(const GraphGeometry& geometry) {
  scene_->clear();
  geometry_ = geometry;
  laidOut_ = true;

  const QFont labelFont = sceneFont(11);
  const QFont labelFontBold = sceneFont(11, true);
  // Edges first, so that nodes sit on top of their ends.
  std::map<QString, OpStyle> used;  // legend entries, sorted by label
  bool anyWeighted = false;
  for (const LayoutEdge& le : geometry_.edges) {
    const nas::GraphEdge& ge = graph_.edges[le.edgeIndex];
    const QString op = QString::fromStdString(ge.op);
    const OpStyle style = OpPalette::style(op, QString::fromStdString(ge.label));
    const bool inactive = !ge.active || style.none;
    const bool hi = highlighted_.contains(le.edgeIndex);
    used.emplace(style.label, style);

    const QPainterPath path = splinePath(le.path);
    auto* edge = new QGraphicsPathItem(path);
    edge->setData(kRoleKey, QStringLiteral("edge"));
    edge->setData(kIndexKey, le.edgeIndex);
    const double width = edgeWidth(ge);
    anyWeighted = anyWeighted || ge.weighted();
    QPen pen(style.color, hi ? std::max(width, kEdgeWidthHighlighted) : width);
    if (inactive) pen.setStyle(Qt::DashLine);
    pen.setCapStyle(Qt::RoundCap);
    edge->setPen(pen);
    edge->setToolTip(ge.weighted() ? QStringLiteral("%1 \u2192 %2: %3, weight %4").arg(ge.from).arg(ge.to).arg(op).arg(ge.weight, 0, 'f', 3)
                                   : QStringLiteral("%1 \u2192 %2: %3").arg(ge.from).arg(ge.to).arg(op));
    edge->setZValue(1);
    scene_->addItem(edge);
    if (hi) {
      auto* halo = new QGraphicsPathItem(path, edge);
      halo->setPen(QPen(kHalo, 11, Qt::SolidLine, Qt::RoundCap));
      halo->setFlag(QGraphicsItem::ItemStacksBehindParent);
    }
    if (le.hasArrow || !le.path.isEmpty()) {
      const QPointF tip = le.hasArrow ? le.arrowTip : le.path.last();
      const QPointF from = le.hasArrow ? le.path.last() : le.path.value(le.path.size() - 2, tip);
      // Arrow heads grow with thick weighted edges so the line does not swallow them.
      const double grow = std::max(0.0, width - kEdgeWidth);
      const double len = (hi ? 11 : 9) + grow, half = (hi ? 5 : 4) + grow / 2;
      auto* head = new QGraphicsPolygonItem(arrowHead(from, tip, len, half), edge);
      head->setPen(Qt::NoPen);
      head->setBrush(style.color);
    }
    if (le.hasLabel) {
      auto* text = new QGraphicsSimpleTextItem(style.label, edge);
      text->setFont(hi ? labelFontBold : labelFont);
      // Highlighted labels sit on yellow: dark text keeps them readable whatever the op colour.
      text->setBrush(hi ? QColor(0x1A, 0x1A, 0x1A) : inactive ? QColor(0x75, 0x75, 0x75) : style.color.darker(125));
      const QRectF tb = text->boundingRect();
      text->setPos(le.labelCenter - QPointF(tb.width() / 2, tb.height() / 2));
      auto* bg = new QGraphicsRectItem(tb.adjusted(-2, -1, 2, 1), text);
      bg->setPen(Qt::NoPen);
      bg->setBrush(hi ? QColor(0xF0, 0xE4, 0x42, 220) : QColor(255, 255, 255, 215));
      bg->setFlag(QGraphicsItem::ItemStacksBehindParent);
      text->setZValue(3);
    }
  }

  const QFont nodeFont = sceneFont(13, true);
  for (const LayoutNode& ln : geometry_.nodes) {
    QRectF r(QPointF(0, 0), ln.size);
    r.moveCenter(ln.center);
    QPainterPath p;
    p.addRoundedRect(r, 7, 7);
    auto* node = new QGraphicsPathItem(p);
    node->setData(kRoleKey, QStringLiteral("node"));
    node->setData(kIndexKey, ln.id);
    QColor fill = kNodeFill;
    if (ln.role == QLatin1String("input")) fill = kInputFill;
    if (ln.role == QLatin1String("output")) fill = kOutputFill;
    node->setBrush(fill);
    node->setPen(QPen(kNodeBorder, 1.3));
    node->setZValue(5);
    node->setToolTip(ln.role.isEmpty() ? ln.label : QStringLiteral("%1 (%2)").arg(ln.label, ln.role));
    scene_->addItem(node);
    auto* text = new QGraphicsSimpleTextItem(ln.label, node);
    text->setFont(nodeFont);
    text->setBrush(QColor(0x20, 0x25, 0x2A));
    const QRectF tb = text->boundingRect();
    text->setPos(ln.center - QPointF(tb.width() / 2, tb.height() / 2));
  }

  QRectF content = geometry_.bounds;
  if (!title_.isEmpty()) {
    auto* t = scene_->addSimpleText(title_, sceneFont(14, true));
    t->setData(kRoleKey, QStringLiteral("title"));
    t->setBrush(QColor(0x20, 0x25, 0x2A));
    t->setPos(content.left(), content.top() - t->boundingRect().height() - 10);
    content = content.united(t->sceneBoundingRect());
  }
  if (legend_ && !used.empty()) {
    // One row of entries under the graph, wrapped to its width.
    const QFont legendFont = sceneFont(11);
    const double rowWidth = std::max(content.width(), 300.0);
    double x = content.left(), y = content.bottom() + 14;
    double rowHeight = 0;
    for (const auto& [label, style] : used) {
      auto* group = new QGraphicsRectItem();
      group->setPen(Qt::NoPen);
      group->setData(kRoleKey, QStringLiteral("legend"));
      auto* line = new QGraphicsLineItem(0, 7, 22, 7, group);
      QPen pen(style.color, 2.4);
      if (style.none) pen.setStyle(Qt::DashLine);
      line->setPen(pen);
      auto* text = new QGraphicsSimpleTextItem(label, group);
      text->setFont(legendFont);
      text->setBrush(QColor(0x30, 0x30, 0x30));
      text->setPos(27, 7 - text->boundingRect().height() / 2);
      const double w = 27 + text->boundingRect().width() + 16;
      if (x > content.left() && x + w > content.left() + rowWidth) {
        x = content.left();
        y += rowHeight + 6;
      }
      group->setPos(x, y);
      scene_->addItem(group);
      rowHeight = std::max(rowHeight, text->boundingRect().height());
      x += w;
    }
    if (anyWeighted) {  // what the widths mean: a thin and a thick sample line
      y += rowHeight + 6;
      auto* group = new QGraphicsRectItem();
      group->setPen(Qt::NoPen);
      group->setData(kRoleKey, QStringLiteral("legend"));
      auto* thin = new QGraphicsLineItem(0, 7, 22, 7, group);
      thin->setPen(QPen(QColor(0x55, 0x55, 0x55), kWeightWidthMin + 0.1 * (kWeightWidthMax - kWeightWidthMin)));
      auto* thick = new QGraphicsLineItem(0, 21, 22, 21, group);
      thick->setPen(QPen(QColor(0x55, 0x55, 0x55), kWeightWidthMax));
      auto* text = new QGraphicsSimpleTextItem(tr("line width = edge weight (0.1 \u2026 1)"), group);
      text->setFont(legendFont);
      text->setBrush(QColor(0x30, 0x30, 0x30));
      text->setPos(27, 14 - text->boundingRect().height() / 2);
      group->setPos(content.left(), y);
      scene_->addItem(group);
      rowHeight = 28;
    }
    content = content.united(QRectF(content.left(), content.bottom(), 1, y + rowHeight - content.bottom()));
  }
  scene_->setSceneRect(content.adjusted(-16, -16, 16, 16));
  if (!userZoomed_) fitToView();
  emit layoutReady();
}

QRectF CellGraphView::contentRect() const { return scene_->sceneRect(); }

void CellGraphView::fitToView() {
  const QRectF r = contentRect();
  if (r.isEmpty()) return;
  resetTransform();
  fitInView(r, Qt::KeepAspectRatio);
  // Small cells in a large pane: do not blow them up beyond 1.6 times their natural size.
  if (transform().m11() > 1.6) {
    resetTransform();
    scale(1.6, 1.6);
    centerOn(r.center());
  }
  userZoomed_ = false;
}

void CellGraphView::zoomBy(double factor) {
  const double current = transform().m11();
  const double target = std::clamp(current * factor, 0.05, 20.0);
  scale(target / current, target / current);
  userZoomed_ = true;
}

void CellGraphView::zoomIn() { zoomBy(1.25); }
void CellGraphView::zoomOut() { zoomBy(0.8); }

void CellGraphView::wheelEvent(QWheelEvent* event) {
  const int delta = event->angleDelta().y();
  if (delta == 0) {
    QGraphicsView::wheelEvent(event);
    return;
  }
  zoomBy(std::pow(1.0015, delta));
  event->accept();
}

void CellGraphView::keyPressEvent(QKeyEvent* event) {
  if (event->modifiers() & Qt::ControlModifier) {
    switch (event->key()) {
      case Qt::Key_Plus:
      case Qt::Key_Equal:
        zoomIn();
        return;
      case Qt::Key_Minus:
        zoomOut();
        return;
      case Qt::Key_0:
        fitToView();
        return;
      default:
        break;
    }
  }
  QGraphicsView::keyPressEvent(event);
}

void CellGraphView::resizeEvent(QResizeEvent* event) {
  QGraphicsView::resizeEvent(event);
  if (!userZoomed_) fitToView();
}

void CellGraphView::mouseDoubleClickEvent(QMouseEvent* event) {
  fitToView();
  event->accept();
}

bool CellGraphView::exportSvg(const QString& path, QString* error) {
  waitForLayout();  // a file gets the cell, not "Laying out…"
  const QRectF r = contentRect();
  QSvgGenerator gen;
  gen.setFileName(path);
  gen.setSize(r.size().toSize());
  gen.setViewBox(QRectF(QPointF(0, 0), r.size()));
  gen.setTitle(title_.isEmpty() ? QStringLiteral("cell") : title_);
  gen.setDescription(QStringLiteral("NAS Studio cell graph"));
  QPainter painter;
  if (!painter.begin(&gen)) {
    if (error) *error = tr("Cannot write %1").arg(path);
    return false;
  }
  painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  painter.fillRect(QRectF(QPointF(0, 0), r.size()), Qt::white);
  scene_->render(&painter, QRectF(QPointF(0, 0), r.size()), r);
  painter.end();
  if (!QFileInfo(path).exists()) {
    if (error) *error = tr("Cannot write %1").arg(path);
    return false;
  }
  return true;
}

bool CellGraphView::exportPng(const QString& path, double scale, QString* error) {
  waitForLayout();
  const QRectF r = contentRect();
  QImage image((r.size() * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::white);
  QPainter painter(&image);
  painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
  scene_->render(&painter, QRectF(QPointF(0, 0), r.size() * scale), r);
  painter.end();
  if (!image.save(path, "PNG")) {
    if (error) *error = tr("Cannot write %1").arg(path);
    return false;
  }
  return true;
}

}  // namespace nas::ui
