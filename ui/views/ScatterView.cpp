#include "views/ScatterView.h"

#include <QSplitter>
#include <QSet>
#include <QVBoxLayout>
#include <algorithm>

#include "models/MetricDisplay.h"
#include "views/ScatterControls.h"
#include "views/ScatterMouse.h"
#include "views/ScatterPlot.h"
#include "views/ScatterSelectionList.h"
#include "widgets/ElidedLabel.h"
#include "store/Workspace.h"

namespace nas::ui {

ScatterView::ScatterView(QWidget* parent) : QWidget(parent) {
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(4, 4, 4, 4);
  root->setSpacing(4);
  controls_ = new ScatterControls(this);
  root->addWidget(controls_);

  auto* split = new QSplitter(Qt::Horizontal, this);
  plot_ = new ScatterPlot(split);
  mouse_ = new ScatterMouse(plot_, [this](int i) { return tooltipFor(i); }, this);

  selectionList_ = new ScatterSelectionList(split);
  split->addWidget(plot_);
  split->addWidget(selectionList_);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  split->setSizes({800, 220});
  root->addWidget(split, 1);
  // One line, elided (whole text in the tooltip): wrapped, it took up to three lines from the
  // plot in a narrow column, and it must not set the view's minimum width either.
  status_ = new ElidedLabel(this);
  status_->setObjectName(QStringLiteral("scatterStatus"));
  root->addWidget(status_);

  connect(controls_, &ScatterControls::axesPicked, this, [this] {
    xName_ = controls_->x();
    yName_ = controls_->y();
    cName_ = controls_->color();
    dirX_ = defaultDirection(xName_);
    dirY_ = defaultDirection(yName_);
    syncDirectionButtons();
    plot_->setUserZoomed(false);
    load();
  });
  connect(controls_, &ScatterControls::colorPicked, this, [this] {
    cName_ = controls_->color();
    load();
  });
  connect(controls_, &ScatterControls::xDirectionClicked, this, [this] {
    setDirections(dirX_ == Direction::Minimize ? Direction::Maximize : Direction::Minimize, dirY_);
  });
  connect(controls_, &ScatterControls::yDirectionClicked, this, [this] {
    setDirections(dirX_, dirY_ == Direction::Minimize ? Direction::Maximize : Direction::Minimize);
  });
  connect(controls_, &ScatterControls::paretoToggled, this, &ScatterView::setParetoVisible);
  connect(controls_, &ScatterControls::selectToolToggled, this, &ScatterView::setSelectionTool);
  connect(controls_, &ScatterControls::resetZoomClicked, this, &ScatterView::resetZoom);
  connect(selectionList_, &ScatterSelectionList::clearClicked, this, &ScatterView::clearSelection);
  connect(selectionList_, &ScatterSelectionList::activated, this, &ScatterView::archActivated);
  connect(mouse_, &ScatterMouse::pointActivated, this, &ScatterView::archActivated);
  connect(mouse_, &ScatterMouse::rectPicked, this, &ScatterView::setSelection);
  connect(mouse_, &ScatterMouse::errorOccurred, this, &ScatterView::errorOccurred);
  syncDirectionButtons();
  updateStatus();
  updateSelectionList();
}

ScatterView::~ScatterView() = default;

int ScatterView::graphCount() const { return plot_->graphCount(); }
QCustomPlot* ScatterView::plot() const { return plot_; }
const std::vector<ScatterPoint>& ScatterView::points() const { return plot_->points(); }
bool ScatterView::fadeDominated() const { return plot_->fadeDominated(); }
int ScatterView::fadedCount() const { return plot_->fadedCount(); }

void ScatterView::replotSoon() { plot_->replot(QCustomPlot::rpQueuedReplot); }

void ScatterView::setWorkspace(nas::Workspace* workspace) {
  source_.setWorkspace(workspace);
  label_ = {};
  plot_->setPoints({});
  selection_.clear();
  plot_->setUserZoomed(false);
  fillPickers();
  load();
}

void ScatterView::setSpace(const QString& space) {
  filter_.space = space;
  refresh();
}

void ScatterView::setFilter(const QString& dataset, qint64 job, const QString& like) {
  if (filter_.dataset == dataset && filter_.job == job && filter_.like == like) return;
  filter_.dataset = dataset;
  filter_.job = job;
  filter_.like = like;
  refresh();
}

void ScatterView::fillPickers() {
  QStringList metrics{QStringLiteral("flops"), QStringLiteral("params")};
  try {
    metrics = source_.metricNames();
  } catch (const std::exception& e) {
    emit errorOccurred(tr("Cannot read the metric names: %1").arg(QString::fromUtf8(e.what())));
  }
  fillPickers(metrics);
}

void ScatterView::fillPickers(QStringList metrics) {
  for (const QString& n : {xName_, yName_, cName_})
    if (!n.isEmpty() && !metrics.contains(n)) metrics << n;
  // Defaults: FLOPs against the accuracy (the rule Search Results uses too).
  if (xName_.isEmpty()) xName_ = QStringLiteral("flops");
  if (yName_.isEmpty()) {
    yName_ = accuracyMetric(metrics);
    if (yName_.isEmpty()) yName_ = metrics.size() > 2 ? metrics[2] : QStringLiteral("params");
    dirX_ = defaultDirection(xName_);
    dirY_ = defaultDirection(yName_);
  }
  QStringList titles;
  for (const QString& m : metrics) titles << titleOf(m);
  controls_->setMetrics(metrics, titles, xName_, yName_, cName_);
  syncDirectionButtons();
}

void ScatterView::setAxes(const QString& x, const QString& y, const QString& color) {
  xName_ = x;
  yName_ = y;
  cName_ = color;
  dirX_ = defaultDirection(x);
  dirY_ = defaultDirection(y);
  plot_->setUserZoomed(false);
  fillPickers();
  load();
}

QString ScatterView::titleOf(const QString& name) const {
  // Workspace metrics get their unit here; a data-fed caller's names are its titles already.
  return source_.workspace() ? ScatterSource::axisTitle(name) : name;
}

ScatterAxes ScatterView::axes() const {
  ScatterAxes a;
  a.xTitle = titleOf(xName_);
  a.yTitle = titleOf(yName_);
  a.colorTitle = titleOf(cName_);
  a.colorMetric = !cName_.isEmpty();
  a.maximizeX = dirX_ == Direction::Maximize;
  a.maximizeY = dirY_ == Direction::Maximize;
  a.front = controls_->paretoChecked();
  return a;
}

void ScatterView::setDirections(Direction x, Direction y) {
  dirX_ = x;
  dirY_ = y;
  syncDirectionButtons();
  if (plot_->fadeDominated()) {
    rebuildPlot(true);  // which points are faded follows the front
    return;
  }
  plot_->updateFront(axes());
  updateStatus();
  replotSoon();
}

void ScatterView::syncDirectionButtons() {
  controls_->showDirections(dirX_ == Direction::Maximize, dirY_ == Direction::Maximize);
}

void ScatterView::setParetoVisible(bool on) {
  if (controls_->paretoChecked() != on) {
    controls_->setParetoChecked(on);  // comes back here through paretoToggled
    return;
  }
  plot_->setFrontVisible(on);
  if (plot_->fadeDominated()) {
    rebuildPlot(true);
    return;
  }
  updateStatus();
  replotSoon();
}

void ScatterView::setFadeDominated(bool on) {
  if (plot_->fadeDominated() == on) return;
  plot_->setFadeDominated(on);
  rebuildPlot(true);
}

void ScatterView::setHomeRange(const QRectF& range) {
  plot_->setHomeRange(range);
  if (!plot_->userZoomed()) plot_->resetZoom();
}

void ScatterView::setColorRange(double lo, double hi) {
  plot_->setColorRange(lo, hi);
  rebuildPlot(true);
}

void ScatterView::setMetricPickersVisible(bool on) { controls_->setPickersVisible(on); }

void ScatterView::setParetoControlsVisible(bool on) { controls_->setParetoControlsVisible(on); }

void ScatterView::setPointSize(int px) {
  plot_->setPointSize(px);
  rebuildPlot(true);
}

void ScatterView::refresh() {
  if (!source_.workspace()) return;
  try {
    fillPickers();  // new metrics may have arrived
    load();
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromUtf8(e.what()));
  }
}

void ScatterView::refreshWithMetrics(const QStringList& workspaceMetrics) {
  if (!source_.workspace()) return;
  fillPickers(QStringList{QStringLiteral("flops"), QStringLiteral("params")} + workspaceMetrics);
  load();
}

void ScatterView::setBackgroundLoading(bool on) {
  if (!on || loader_) return;
  loader_ = new ScatterLoader(this);
  connect(loader_, &ScatterLoader::loaded, this,
          [this](const QString& path, const std::vector<ScatterPoint>& points, const QString& error) {
            nas::Workspace* ws = source_.workspace();
            if (!ws || path != QString::fromStdString(ws->path())) return;  // another workspace meanwhile
            if (!error.isEmpty()) emit errorOccurred(tr("Cannot load the scatter points: %1").arg(error));
            plot_->setPoints(error.isEmpty() ? points : std::vector<ScatterPoint>());
            rebuildPlot(plot_->userZoomed());
            emit pointsLoaded(static_cast<int>(this->points().size()));
          });
}

void ScatterView::load() {
  if (loader_ && source_.workspace()) {
    loader_->request(QString::fromStdString(source_.workspace()->path()), xName_, yName_, cName_, filter_);
    return;
  }
  if (source_.workspace()) {
    try {
      plot_->setPoints(source_.load(xName_, yName_, cName_, filter_));
    } catch (const std::exception& e) {
      plot_->setPoints({});
      emit errorOccurred(tr("Cannot load the scatter points: %1").arg(QString::fromUtf8(e.what())));
    }
  }
  rebuildPlot(plot_->userZoomed());
  if (source_.workspace()) emit pointsLoaded(static_cast<int>(points().size()));
}

void ScatterView::setPoints(const std::vector<ScatterPoint>& points, const QString& xName, const QString& yName,
                            const QString& colorName, std::function<QString(qint64)> label) {
  source_.setWorkspace(nullptr);
  label_ = std::move(label);
  const bool axesChanged = xName != xName_ || yName != yName_;
  xName_ = xName;
  yName_ = yName;
  cName_ = colorName;
  if (axesChanged) {
    dirX_ = defaultDirection(xName);
    dirY_ = defaultDirection(yName);
    plot_->setUserZoomed(false);
  }
  fillPickers();
  plot_->setPoints(points);
  rebuildPlot(plot_->userZoomed());
  emit pointsLoaded(static_cast<int>(points.size()));
}

void ScatterView::rebuildPlot(bool keepRange) {
  plot_->rebuild(axes(), keepRange);
  // Drop selected ids that are gone.
  QSet<qint64> present;
  for (const ScatterPoint& p : points()) present.insert(p.id);
  QList<qint64> kept;
  for (qint64 id : selection_)
    if (present.contains(id)) kept << id;
  const bool selectionShrank = kept.size() != selection_.size();
  selection_ = kept;
  plot_->updateMarks(selection_);
  updateStatus();
  updateSelectionList();
  replotSoon();
  if (selectionShrank) emit selectionChanged(selection_);
}

void ScatterView::resetZoom() { plot_->resetZoom(); }

std::vector<qint64> ScatterView::paretoIds() const {
  std::vector<qint64> ids;
  for (size_t i : plot_->front()) ids.push_back(points()[i].id);
  return ids;
}

void ScatterView::updateStatus() {
  status_->setText(ScatterSource::statusText(points().size(), controls_->paretoChecked(), plot_->front().size(),
                                             dirX_ == Direction::Maximize, dirY_ == Direction::Maximize, xName_,
                                             yName_, static_cast<int>(selection_.size())));
}

int ScatterView::pointAt(const QPointF& pos, double radiusPx) const { return plot_->pointAt(pos, radiusPx); }

QList<qint64> ScatterView::pointsIn(const QRect& r) const { return plot_->pointsIn(r); }

QString ScatterView::tooltipFor(int i) const {
  const ScatterPoint& p = points()[i];
  if (source_.workspace()) return source_.tooltip(p.id);
  if (tooltip_) return tooltip_(p.id);
  return ScatterSource::plainTooltip(p, label_ ? label_(p.id) : QString(), xName_, yName_, cName_);
}

void ScatterView::setSelectionTool(bool on) {
  mouse_->setSelectTool(on);
  controls_->setSelectToolChecked(on);
}

void ScatterView::setSelection(const QList<qint64>& ids) {
  selection_ = ids;
  plot_->updateMarks(selection_);
  updateStatus();
  updateSelectionList();
  replotSoon();
  emit selectionChanged(selection_);
}

void ScatterView::clearSelection() {
  if (selection_.isEmpty()) return;
  setSelection({});
}

void ScatterView::updateSelectionList() {
  // Shown only while something is selected: empty, it took a sixth of the plot's width to say
  // what the status line says already (Shift+drag to select).
  selectionList_->setVisible(!selection_.isEmpty());
  if (source_.workspace())
    selectionList_->show(selection_, [this](qint64 id) { return source_.label(id); });
  else
    selectionList_->show(selection_, label_);
}

}  // namespace nas::ui
