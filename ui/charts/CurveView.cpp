#include "charts/CurveView.h"

#include <qcustomplot.h>

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QSvgGenerator>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "widgets/Plural.h"

namespace nas::ui {

namespace {

const QColor kPalette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xe0, 0x6c, 0x1a), QColor(0x2c, 0xa0, 0x2c),
                           QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                           QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22),
                           QColor(0x17, 0xbe, 0xcf)};
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);
const Qt::PenStyle kStyles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine, Qt::DashDotDotLine};
constexpr int kStyleCount = sizeof(kStyles) / sizeof(kStyles[0]);
constexpr int kReplotMs = 100;
constexpr int kMarkerThreshold = 60;  // graphs with fewer points get markers

}  // namespace

CurveView::CurveView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);

  // Tool row.
  auto* bar = new QWidget(this);
  bar->setObjectName(QStringLiteral("curveToolBar"));
  auto* barLayout = new QHBoxLayout(bar);
  barLayout->setContentsMargins(8, 4, 8, 4);
  barLayout->setSpacing(6);
  seriesButton_ = new QToolButton(bar);
  seriesButton_->setText(tr("Series"));
  seriesButton_->setIcon(QIcon(QStringLiteral(":/nas/icons/series.svg")));
  seriesButton_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  seriesButton_->setPopupMode(QToolButton::InstantPopup);
  seriesButton_->setToolTip(tr("Choose the metric series to plot"));
  seriesMenu_ = new QMenu(seriesButton_);
  seriesButton_->setMenu(seriesMenu_);
  logButton_ = new QToolButton(bar);
  logButton_->setText(tr("Log scale"));
  logButton_->setIcon(QIcon(QStringLiteral(":/nas/icons/log-scale.svg")));
  logButton_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  logButton_->setCheckable(true);
  logButton_->setToolTip(tr("Logarithmic value axis"));
  connect(logButton_, &QToolButton::toggled, this, &CurveView::setLogScale);
  statusLabel_ = new QLabel(bar);
  statusLabel_->setObjectName(QStringLiteral("curveStatus"));
  statusLabel_->setStyleSheet(QStringLiteral("color: palette(mid);"));
  auto* fitButton = new QToolButton(bar);
  fitButton->setText(tr("Fit"));
  fitButton->setIcon(QIcon(QStringLiteral(":/nas/icons/fit.svg")));
  fitButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  fitButton->setToolTip(tr("Fit the axes to the data and follow new points (double-click the plot)"));
  connect(fitButton, &QToolButton::clicked, this, &CurveView::fit);
  auto* exportButton = new QToolButton(bar);
  exportButton->setText(tr("Export…"));
  exportButton->setIcon(QIcon(QStringLiteral(":/nas/icons/export.svg")));
  exportButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  exportButton->setToolTip(tr("Save the plot as PNG, SVG or PDF"));
  connect(exportButton, &QToolButton::clicked, this, &CurveView::exportDialog);
  barLayout->addWidget(seriesButton_);
  barLayout->addWidget(logButton_);
  barLayout->addStretch(1);
  barLayout->addWidget(statusLabel_);
  barLayout->addSpacing(8);
  barLayout->addWidget(fitButton);
  barLayout->addWidget(exportButton);
  layout->addWidget(bar);

  auto* stack = new QStackedWidget(this);
  placeholder_ = new QLabel(stack);
  placeholder_->setAlignment(Qt::AlignCenter);
  placeholder_->setWordWrap(true);
  placeholder_->setObjectName(QStringLiteral("curvePlaceholder"));
  placeholder_->setStyleSheet(QStringLiteral("QLabel { color: palette(mid); font-size: 12pt; padding: 24px; }"));
  placeholder_->setAutoFillBackground(true);
  plot_ = new QCustomPlot(stack);
  plot_->setObjectName(QStringLiteral("curvePlot"));
  stack->addWidget(placeholder_);
  stack->addWidget(plot_);
  layout->addWidget(stack, 1);

  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->setNoAntialiasingOnDrag(true);
  plot_->axisRect()->setRangeDragAxes({plot_->xAxis, plot_->xAxis2}, {plot_->yAxis, plot_->yAxis2});
  plot_->axisRect()->setRangeZoomAxes({plot_->xAxis, plot_->xAxis2}, {plot_->yAxis, plot_->yAxis2});
  plot_->xAxis->setLabel(tr("step"));
  plot_->yAxis->setLabel(tr("value"));
  plot_->yAxis2->setLabel(tr("accuracy (%)"));
  plot_->xAxis2->setVisible(true);
  plot_->xAxis2->setTicks(false);
  plot_->xAxis2->setTickLabels(false);
  const QColor grid(0xe4, 0xe8, 0xec);
  for (QCPAxis* axis : {plot_->xAxis, plot_->xAxis2, plot_->yAxis, plot_->yAxis2}) {
    axis->grid()->setPen(QPen(grid, 1, Qt::SolidLine));
    axis->grid()->setSubGridVisible(false);
    axis->setBasePen(QPen(QColor(0x9a, 0xa5, 0xb1)));
    axis->setTickPen(QPen(QColor(0x9a, 0xa5, 0xb1)));
    axis->setSubTickPen(QPen(QColor(0xc0, 0xc8, 0xd0)));
    axis->setLabelColor(QColor(0x3c, 0x4a, 0x5c));
    axis->setTickLabelColor(QColor(0x3c, 0x4a, 0x5c));
  }
  plot_->xAxis2->grid()->setVisible(false);
  plot_->yAxis2->grid()->setVisible(false);
  plot_->xAxis2->setLabel(tr("epoch"));
  // Steps and epochs are integers: whole-number ticks only (1, 2, 5, 10, ... apart).
  for (QCPAxis* axis : {plot_->xAxis, plot_->xAxis2}) {
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    axis->setTicker(ticker);
  }
  // The legend sits in its own row above the axes, so it never hides a curve.
  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->take(plot_->legend);
  plot_->plotLayout()->insertRow(0);
  auto* legendRow = new QCPLayoutGrid;
  plot_->plotLayout()->addElement(0, 0, legendRow);
  legendRow->addElement(0, 0, plot_->legend);
  legendRow->addElement(0, 1, new QCPLayoutElement(plot_));  // takes the rest: legend stays compact, left
  legendRow->setColumnStretchFactor(0, 0.001);
  legendRow->setColumnStretchFactor(1, 1);
  plot_->plotLayout()->setRowStretchFactor(0, 0.001);
  plot_->plotLayout()->setRowSpacing(0);
  plot_->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  plot_->legend->setWrap(4);
  plot_->legend->setBrush(Qt::NoBrush);
  plot_->legend->setBorderPen(Qt::NoPen);
  plot_->legend->setIconSize(26, 10);
  plot_->legend->setColumnSpacing(18);
  plot_->legend->setMargins(QMargins(4, 6, 4, 0));
  plot_->legend->setTextColor(QColor(0x3c, 0x4a, 0x5c));

  // Any drag or wheel by the user stops the axes from following the data; double-click fits.
  connect(plot_, &QCustomPlot::mouseWheel, this, [this](QWheelEvent*) { autoFit_ = false; });
  connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
    if (e->buttons() & Qt::LeftButton) autoFit_ = false;
  });
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { fit(); });

  replotTimer_ = new QTimer(this);
  replotTimer_->setInterval(kReplotMs);
  connect(replotTimer_, &QTimer::timeout, this, [this] {
    if (dirty_) replotNow();
  });
  replotTimer_->start();

  QSettings settings;
  for (const QString& s : settings.value(QStringLiteral("curves/shownSeries")).toStringList()) userChoice_[s] = true;
  for (const QString& s : settings.value(QStringLiteral("curves/hiddenSeries")).toStringList()) userChoice_[s] = false;

  rebuildSeriesMenu();
  updatePlaceholder();
}

CurveView::~CurveView() = default;

void CurveView::setWorkspace(nas::Workspace* ws) {
  ws_ = ws;
  const QList<qint64> old = jobs_;
  for (qint64 id : old) removeJob(id);
  jobs_.clear();
  jobLabels_.clear();
  outcomes_.clear();
  stepsPerEpoch_.clear();
  knownSeries_.clear();
  autoFit_ = true;
  rebuildSeriesMenu();
  restyle();
  replotNow();
}

void CurveView::setJobLabel(qint64 jobId, const QString& label) {
  jobLabels_.insert(jobId, label);
  if (jobs_.contains(jobId)) {
    restyle();
    markDirty();
  }
}

void CurveView::setJobs(const QList<qint64>& jobIds) {
  if (jobIds == jobs_) return;
  for (qint64 id : QList<qint64>(jobs_))
    if (!jobIds.contains(id)) removeJob(id);
  QList<qint64> added;
  for (qint64 id : jobIds)
    if (!jobs_.contains(id)) added << id;
  jobs_ = jobIds;
  for (qint64 id : added) loadHistory(id);
  // Series no longer present in any shown job disappear from the picker.
  knownSeries_.clear();
  for (auto it = curves_.cbegin(); it != curves_.cend(); ++it) knownSeries_.insert(it->series);
  if (!added.isEmpty()) autoFit_ = true;
  rebuildSeriesMenu();
  restyle();
  replotNow();
}

void CurveView::removeJob(qint64 job) {
  for (auto it = curves_.begin(); it != curves_.end();) {
    if (it->job == job) {
      plot_->removeGraph(it->graph);
      it = curves_.erase(it);
    } else {
      ++it;
    }
  }
}

void CurveView::loadHistory(qint64 job) {
  if (!ws_) return;
  try {
    const std::vector<nas::MetricPoint> points = ws_->metrics(job);
    for (const auto& p : points) addPoint(curveFor(job, QString::fromStdString(p.series)), double(p.step), p.value);
  } catch (const std::exception& e) {
    statusLabel_->setText(tr("Could not read the curves of job %1: %2").arg(job).arg(nas::toError(e).what()));
  }
}

CurveView::Curve& CurveView::curveFor(qint64 job, const QString& series) {
  const Key key(job, series);
  auto it = curves_.find(key);
  if (it != curves_.end()) return *it;
  Curve c;
  c.job = job;
  c.series = series;
  c.graph = plot_->addGraph(plot_->xAxis, plot_->yAxis);
  c.graph->setVisible(false);
  c.graph->removeFromLegend();
  c.graph->setAdaptiveSampling(true);
  if (!knownSeries_.contains(series)) {
    knownSeries_.insert(series);
    rebuildSeriesMenu();
  }
  it = curves_.insert(key, c);
  restyle();
  return *it;
}

void CurveView::addPoint(Curve& c, double key, double value) {
  // Accuracy in percent, as every view shows it (models/MetricDisplay.h), decided on the
  // series' first point: a fraction is scaled, a series already in percent is not.
  if (c.scale == 0) c.scale = isAccuracyLike(c.series) && value >= 0.0 && value <= 1.0 ? 100.0 : 1.0;
  value *= c.scale;
  auto data = c.graph->data();
  // A resumed job repeats steps from its checkpoint, and a history load may overlap the
  // poller's rows: a step at or before the last one replaces everything from there on.
  if (!data->isEmpty() && key <= (data->constEnd() - 1)->key) data->removeAfter(key - 0.5);
  c.graph->addData(key, value);
}

void CurveView::appendRows(const std::vector<nas::Workspace::MetricRow>& rows) {
  bool any = false;
  for (const auto& r : rows) {
    if (!jobs_.contains(r.job)) continue;
    addPoint(curveFor(r.job, QString::fromStdString(r.point.series)), double(r.point.step), r.point.value);
    any = true;
  }
  if (any) markDirty();
}

void CurveView::appendPoint(qint64 jobId, const QString& series, qint64 step, double value) {
  if (!jobs_.contains(jobId)) return;
  addPoint(curveFor(jobId, series), double(step), value);
  markDirty();
}

bool CurveView::isAccuracyLike(const QString& series) {
  return series.contains(QLatin1String("acc"), Qt::CaseInsensitive) ||
         series.contains(QLatin1String("best"), Qt::CaseInsensitive);
}

bool CurveView::defaultVisible(const QString& series) const {
  auto it = userChoice_.constFind(series);
  if (it != userChoice_.constEnd()) return *it;
  // Loss and held-out accuracy (right axis) tell how training goes; best_so_far how a search
  // goes. Training accuracy and the learning rate are one click away.
  auto preferred = [](const QString& s) {
    if (s.contains(QLatin1String("loss"), Qt::CaseInsensitive) || s == QLatin1String("best_so_far")) return true;
    return s.contains(QLatin1String("acc"), Qt::CaseInsensitive) && !s.startsWith(QLatin1String("train"));
  };
  if (preferred(series)) return true;
  // Nothing preferred present: show the first series so the plot is never empty.
  for (const QString& s : knownSeries_)
    if (preferred(s) || userChoice_.value(s, false)) return false;
  QStringList all = knownSeries_.values();
  std::sort(all.begin(), all.end());
  return !all.isEmpty() && all.first() == series;
}

QStringList CurveView::seriesNames() const {
  QStringList all = knownSeries_.values();
  std::sort(all.begin(), all.end());
  return all;
}

QStringList CurveView::visibleSeries() const {
  QStringList out;
  for (const QString& s : seriesNames())
    if (defaultVisible(s)) out << s;
  return out;
}

void CurveView::setSeriesVisible(const QString& series, bool visible) {
  userChoice_[series] = visible;
  QSettings settings;
  QStringList shown, hidden;
  for (auto it = userChoice_.cbegin(); it != userChoice_.cend(); ++it) (it.value() ? shown : hidden) << it.key();
  settings.setValue(QStringLiteral("curves/shownSeries"), shown);
  settings.setValue(QStringLiteral("curves/hiddenSeries"), hidden);
  autoFit_ = true;
  rebuildSeriesMenu();
  restyle();
  replotNow();
}

void CurveView::rebuildSeriesMenu() {
  seriesMenu_->clear();
  const QStringList names = seriesNames();
  if (names.isEmpty()) {
    QAction* none = seriesMenu_->addAction(tr("No series yet"));
    none->setEnabled(false);
  }
  for (const QString& s : names) {
    QAction* a = seriesMenu_->addAction(s);
    a->setCheckable(true);
    a->setChecked(defaultVisible(s));
    connect(a, &QAction::toggled, this, [this, s](bool on) { setSeriesVisible(s, on); });
  }
  const int shown = visibleSeries().size();
  seriesButton_->setText(names.isEmpty() ? tr("Series") : tr("Series (%1/%2)").arg(shown).arg(names.size()));
  Q_EMIT seriesListChanged();
}

void CurveView::restyle() {
  const QStringList visible = visibleSeries();
  bool anyAcc = false, anyOther = false;
  for (const QString& s : visible) (isAccuracyLike(s) ? anyAcc : anyOther) = true;
  const bool twoAxes = anyAcc && anyOther;
  const bool singleJob = jobs_.size() <= 1;

  plot_->legend->clearItems();
  QStringList leftNames;
  // Stable order: jobs as given, series alphabetically.
  for (int ji = 0; ji < jobs_.size(); ++ji) {
    const qint64 job = jobs_[ji];
    for (int si = 0; si < visible.size(); ++si) {
      auto it = curves_.find(Key(job, visible[si]));
      if (it == curves_.end()) continue;
      QCPGraph* g = it->graph;
      const QColor color = kPalette[(singleJob ? si : ji) % kPaletteSize];
      QPen pen(color, 2.0);
      pen.setStyle(singleJob ? Qt::SolidLine : kStyles[si % kStyleCount]);
      pen.setCosmetic(true);
      g->setPen(pen);
      const bool onRight = twoAxes && isAccuracyLike(it->series);
      g->setValueAxis(onRight ? plot_->yAxis2 : plot_->yAxis);
      const QString title = it->scale == 100.0 ? it->series + QStringLiteral(" (%)") : it->series;
      if (!onRight && !leftNames.contains(title)) leftNames << title;
      const QString jobLabel = jobLabels_.value(job, QStringLiteral("#%1").arg(job));
      g->setName(singleJob ? it->series : QStringLiteral("%1  %2").arg(jobLabel, it->series));
      g->setVisible(true);
      g->addToLegend();
    }
  }
  for (auto it = curves_.begin(); it != curves_.end(); ++it) {
    if (!jobs_.contains(it->job) || !visible.contains(it->series)) it->graph->setVisible(false);
  }
  plot_->yAxis2->setVisible(twoAxes);
  plot_->yAxis2->setTickLabels(twoAxes);
  plot_->yAxis->setLabel(leftNames.size() == 1 ? leftNames.first() : tr("value"));
  plot_->yAxis2->setLabel(tr("accuracy (%)"));
  plot_->legend->setVisible(plot_->legend->itemCount() > 0);
  plot_->legend->setWrap(singleJob ? 6 : 3);
}

void CurveView::markDirty() { dirty_ = true; }

QString CurveView::noPointsText() const {
  // A job that stopped will not log points any more: say how it ended.
  QStringList ended;
  bool anyRunning = false;
  for (qint64 id : jobs_) {
    const auto o = outcomes_.value(id, {Outcome::Running, QString()});
    switch (o.first) {
      case Outcome::Running: anyRunning = true; break;
      case Outcome::Failed:
        ended << (o.second.isEmpty() ? tr("Job %1 failed before it logged any metric points.").arg(id)
                                     : tr("Job %1 failed before it logged any metric points:\n%2").arg(id).arg(o.second));
        break;
      case Outcome::Cancelled: ended << tr("Job %1 was cancelled before it logged any metric points.").arg(id); break;
      case Outcome::Done: ended << tr("Job %1 finished without logging metric points.").arg(id); break;
    }
  }
  if (anyRunning && ended.isEmpty())
    return jobs_.size() == 1 ? tr("Waiting for the first metric points of job %1…").arg(jobs_.first())
                             : tr("Waiting for the first metric points of the selected jobs…");
  if (anyRunning) ended << tr("Waiting for the first metric points of the others…");
  return ended.join(QStringLiteral("\n\n"));
}

void CurveView::updatePlaceholder() {
  auto* stack = qobject_cast<QStackedWidget*>(plot_->parentWidget());
  bool hasPoints = false;
  for (auto it = curves_.cbegin(); it != curves_.cend() && !hasPoints; ++it)
    hasPoints = it->graph->visible() && !it->graph->data()->isEmpty();
  QString text;
  if (!ws_)
    text = tr("No workspace is open.\nUse File ▸ Open Workspace… to open one.");
  else if (jobs_.isEmpty())
    text = tr("Select one or more jobs in the Jobs panel to plot their metric curves.\n"
              "Start a new job with Job ▸ New Job… (Ctrl+J).");
  else if (!hasPoints && curves_.isEmpty())
    text = noPointsText();
  else if (!hasPoints)
    text = tr("None of the selected series has points.\nChoose other series with the Series button.");
  placeholder_->setText(text);
  if (stack) stack->setCurrentWidget(text.isEmpty() ? static_cast<QWidget*>(plot_) : placeholder_);
}

void CurveView::assignKeyAxes() {
  // Series logged once per epoch (accuracy, lr) count their steps in epochs while a loss logged
  // every few batches counts optimizer steps: on one x axis the epoch curves would squeeze
  // into the left edge. Per job, a visible series whose last step is far below the job's
  // longest series is "coarse" and goes to the top axis.
  bool anyCoarse = false;
  QHash<qint64, double> longest;
  for (auto it = curves_.cbegin(); it != curves_.cend(); ++it) {
    if (!it->graph->visible() || it->graph->data()->isEmpty()) continue;
    const double last = (it->graph->data()->constEnd() - 1)->key;
    longest[it->job] = std::max(longest.value(it->job, 0.0), last);
  }
  for (auto it = curves_.begin(); it != curves_.end(); ++it) {
    QCPGraph* g = it->graph;
    bool coarse = false;
    if (g->visible() && !g->data()->isEmpty()) {
      const double last = (g->data()->constEnd() - 1)->key;
      coarse = last > 0 && last * 4 < longest.value(it->job, 0.0);
    }
    anyCoarse = anyCoarse || coarse;
    QCPAxis* want = coarse ? plot_->xAxis2 : plot_->xAxis;
    if (g->keyAxis() != want) g->setKeyAxis(want);
  }
  plot_->xAxis2->setTicks(anyCoarse);
  plot_->xAxis2->setTickLabels(anyCoarse);
  plot_->xAxis2->setLabel(anyCoarse ? tr("epoch") : QString());
  plot_->xAxis2->grid()->setVisible(false);
}

void CurveView::replotNow() {
  dirty_ = false;
  assignKeyAxes();
  int total = 0;
  for (auto it = curves_.cbegin(); it != curves_.cend(); ++it) {
    if (!it->graph->visible()) continue;
    const int n = it->graph->data()->size();
    total += n;
    it->graph->setScatterStyle(n < kMarkerThreshold ? QCPScatterStyle(QCPScatterStyle::ssDisc, 5)
                                                    : QCPScatterStyle(QCPScatterStyle::ssNone));
  }
  if (autoFit_ && total > 0) fitAxes();
  const int series = visibleSeries().size();
  statusLabel_->setText(jobs_.isEmpty() ? QString()
                                        : plural(jobs_.size(), tr("job"), tr("jobs")) + QStringLiteral(" · ") +
                                              plural(series, tr("series"), tr("series")) + QStringLiteral(" · ") +
                                              tr("%L1 points").arg(total) +
                                              (autoFit_ ? QString() : tr(" · zoomed (Fit to follow)")));
  updatePlaceholder();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

namespace {

// The bounds of the visible graphs' keys (or values) on `axis`; false when there are none.
bool dataBounds(QCustomPlot* plot, QCPAxis* axis, bool keys, QCPRange* out) {
  bool found = false;
  QCPRange all;
  for (int i = 0; i < plot->graphCount(); ++i) {
    QCPGraph* g = plot->graph(i);
    if (!g->visible() || g->data()->isEmpty() || (keys ? g->keyAxis() : g->valueAxis()) != axis) continue;
    bool ok = false;
    const QCPRange r = keys ? g->getKeyRange(ok) : g->getValueRange(ok);
    if (!ok) continue;
    all = found ? QCPRange(std::min(all.lower, r.lower), std::max(all.upper, r.upper)) : r;
    found = true;
  }
  if (found) *out = all;
  return found;
}

// Steps and epochs count from 0: a range padded below 0 would show ticks at -1, -2 (issue 21).
QCPRange keyRange(const QCPRange& data) {
  const double pad = data.size() > 0 ? std::max(0.5, data.size() * 0.015) : 1.0;
  double lower = data.lower - pad;
  if (data.lower >= 0) lower = std::max(lower, -0.5);  // never reaches the tick at -1
  return {lower, data.upper + pad};
}

// A single value (or a flat series) gets a range around it proportional to its size, not the
// size the axis had before; values that are all >= 0 (accuracy, loss) do not get a negative axis.
QCPRange valueRange(const QCPRange& data) {
  const double pad = data.size() > 0 ? data.size() * 0.06 : std::max(1e-3, std::abs(data.center()) * 0.1);
  double lower = data.lower - pad;
  if (data.lower >= 0) lower = std::max(lower, 0.0);
  return {lower, data.upper + pad};
}

}  // namespace

// Steps per epoch of the first shown job with an epoch axis, measured when its latest epoch
// point arrived (its step series had then reached that epoch's end), so the epoch axis can be
// drawn in step units: an epoch point sits above the step at which that epoch ended and stays
// there while the next epoch's steps arrive. 0 when unknown.
double CurveView::epochScale() {
  for (qint64 job : std::as_const(jobs_)) {
    double steps = 0, epochs = 0;
    for (auto it = curves_.cbegin(); it != curves_.cend(); ++it) {
      if (it->job != job || !it->graph->visible() || it->graph->data()->isEmpty()) continue;
      const double last = (it->graph->data()->constEnd() - 1)->key;
      if (it->graph->keyAxis() == plot_->xAxis2)
        epochs = std::max(epochs, last);
      else
        steps = std::max(steps, last);
    }
    if (epochs <= 0 || steps <= 0) continue;
    QPair<double, double>& seen = stepsPerEpoch_[job];
    if (seen.first != epochs) seen = {epochs, steps / epochs};  // a new epoch: measure again
    return seen.second;
  }
  return 0;
}

void CurveView::fitAxes() {
  QCPRange r;
  if (dataBounds(plot_, plot_->xAxis, true, &r)) plot_->xAxis->setRange(keyRange(r));
  const double scale = epochScale();
  if (scale > 0) {
    const QCPRange steps = plot_->xAxis->range();
    plot_->xAxis2->setRange(steps.lower / scale, steps.upper / scale);
  } else if (dataBounds(plot_, plot_->xAxis2, true, &r)) {
    plot_->xAxis2->setRange(keyRange(r));
  }
  for (QCPAxis* axis : {plot_->yAxis, plot_->yAxis2}) {
    if (!dataBounds(plot_, axis, false, &r)) continue;
    if (logScale_) {
      axis->setRange(r.lower > 0 ? r.lower / 1.2 : r.lower, r.upper > 0 ? r.upper * 1.2 : r.upper);
      continue;
    }
    axis->setRange(valueRange(r));
  }
}

void CurveView::setJobOutcome(qint64 jobId, Outcome outcome, const QString& error) {
  const QPair<Outcome, QString> v(outcome, error);
  if (outcomes_.value(jobId) == v) return;
  outcomes_.insert(jobId, v);
  if (jobs_.contains(jobId)) updatePlaceholder();
}

void CurveView::fit() {
  autoFit_ = true;
  replotNow();
}

void CurveView::setLogScale(bool on) {
  logScale_ = on;
  if (logButton_->isChecked() != on) logButton_->setChecked(on);
  for (QCPAxis* axis : {plot_->yAxis, plot_->yAxis2}) {
    if (on) {
      axis->setScaleType(QCPAxis::stLogarithmic);
      axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    } else {
      axis->setScaleType(QCPAxis::stLinear);
      axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
  }
  autoFit_ = true;
  replotNow();
}

int CurveView::pointCount(qint64 jobId, const QString& series) const {
  auto it = curves_.constFind(Key(jobId, series));
  return it == curves_.constEnd() ? 0 : it->graph->data()->size();
}

bool CurveView::exportTo(const QString& fileName, QString* error, int width, int height) {
  if (width <= 0) width = plot_->width() > 50 ? plot_->width() : 1200;
  if (height <= 0) height = plot_->height() > 50 ? plot_->height() : 700;
  replotNow();
  const QString suffix = QFileInfo(fileName).suffix().toLower();
  bool ok = false;
  if (suffix == QLatin1String("png")) {
    ok = plot_->savePng(fileName, width, height, 2.0);
  } else if (suffix == QLatin1String("pdf")) {
    ok = plot_->savePdf(fileName, width, height, QCP::epNoCosmetic, QStringLiteral("NAS Studio"),
                        tr("Metric curves"));
  } else if (suffix == QLatin1String("svg")) {
    QSvgGenerator generator;
    generator.setFileName(fileName);
    generator.setSize(QSize(width, height));
    generator.setViewBox(QRect(0, 0, width, height));
    generator.setTitle(tr("Metric curves"));
    generator.setDescription(tr("Exported by NAS Studio"));
    QCPPainter painter;
    if (painter.begin(&generator)) {
      plot_->toPainter(&painter, width, height);
      ok = painter.end();
    }
  } else {
    if (error) *error = tr("Unknown image format \"%1\": use .png, .svg or .pdf.").arg(suffix);
    return false;
  }
  if (!ok && error) *error = tr("Could not write %1.").arg(fileName);
  return ok;
}

void CurveView::exportDialog() {
  QSettings settings;
  const QString dir = settings
                          .value(QStringLiteral("curves/exportDir"),
                                 QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
                          .toString();
  QString selected;
  QString fileName = QFileDialog::getSaveFileName(
      this, tr("Export Curves"), QDir(dir).filePath(QStringLiteral("curves.png")),
      tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"), &selected);
  if (fileName.isEmpty()) return;
  if (QFileInfo(fileName).suffix().isEmpty()) {
    if (selected.contains(QLatin1String("svg")))
      fileName += QStringLiteral(".svg");
    else if (selected.contains(QLatin1String("pdf")))
      fileName += QStringLiteral(".pdf");
    else
      fileName += QStringLiteral(".png");
  }
  settings.setValue(QStringLiteral("curves/exportDir"), QFileInfo(fileName).absolutePath());
  QString error;
  if (!exportTo(fileName, &error)) QMessageBox::warning(this, tr("Export Curves"), error);
}

}  // namespace nas::ui
