#include "app/ResultsTab.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "app/ResultsLoader.h"
#include "common/Error.h"
#include "export/ExportActions.h"
#include "models/ArchTableModel.h"
#include "store/Workspace.h"
#include "views/ArchTableView.h"
#include "views/ArchitectureView.h"
#include "views/ScatterView.h"

namespace nas::ui {

namespace {
QString errorText(const std::exception& e) { return QString::fromUtf8(nas::toError(e).what()); }
}  // namespace

ResultsTab::ResultsTab(QWidget* parent) : QSplitter(Qt::Horizontal, parent) {
  setObjectName(QStringLiteral("resultsSplitter"));
  // Left column: which results (dataset, job), then the scatter over the table.
  auto* leftColumn = new QWidget(this);
  auto* leftLayout = new QVBoxLayout(leftColumn);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  leftLayout->setSpacing(2);
  auto* filters = new QHBoxLayout;
  filters->setContentsMargins(4, 4, 4, 0);
  dataset_ = new QComboBox(leftColumn);
  dataset_->setObjectName(QStringLiteral("resultsDatasetFilter"));
  dataset_->setToolTip(tr("Only results measured on this dataset: accuracies of different datasets do not compare"));
  dataset_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  dataset_->setMinimumContentsLength(8);
  job_ = new QComboBox(leftColumn);
  job_->setObjectName(QStringLiteral("resultsJobFilter"));
  job_->setToolTip(tr("Only the architectures this job evaluated, with its values"));
  job_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  job_->setMinimumContentsLength(10);
  filters->addWidget(new QLabel(tr("Dataset"), leftColumn));
  filters->addWidget(dataset_, 1);
  filters->addSpacing(8);
  filters->addWidget(new QLabel(tr("Job"), leftColumn));
  filters->addWidget(job_, 2);
  leftLayout->addLayout(filters);
  auto* left = new QSplitter(Qt::Vertical, leftColumn);
  left->setObjectName(QStringLiteral("resultsLeftSplitter"));
  leftLayout->addWidget(left, 1);
  scatter_ = new ScatterView(left);
  scatter_->setBackgroundLoading(true);  // a search streaming results in must not stall the window
  table_ = new ArchTableView(left);
  left->addWidget(scatter_);
  left->addWidget(table_);
  // The plot is what this tab is for: two thirds of the column to it, a third to the table
  // (at 1024x700 the table then still shows its first rows; the handle gives it more).
  left->setStretchFactor(0, 2);
  left->setStretchFactor(1, 1);
  left->setSizes({400, 200});
  left->setChildrenCollapsible(false);
  view_ = new ArchitectureView(this);
  addWidget(leftColumn);
  addWidget(view_);
  setStretchFactor(0, 3);
  setStretchFactor(1, 2);
  setSizes({900, 560});
  setChildrenCollapsible(false);

  // While a search streams evaluations in, reloading thousands of points on every poll would
  // stall the window: refresh at most every 1.5 s, and only while the tab is visible.
  timer_ = new QTimer(this);
  timer_->setSingleShot(true);
  timer_->setInterval(1500);
  connect(timer_, &QTimer::timeout, this, [this] {
    if (stale_) refresh();
  });
  loader_ = new ResultsLoader(this);
  connect(loader_, &ResultsLoader::loaded, this, &ResultsTab::showLoaded);

  auto showSelection = [this](const QList<qint64>& ids) {
    try {
      if (ids.size() == 2)
        view_->compareArchitectures(ids[0], ids[1]);
      else if (ids.size() == 1)
        showArchitecture(ids[0]);
    } catch (const std::exception& e) {
      Q_EMIT message(errorText(e));
    }
  };
  connect(scatter_, &ScatterView::archActivated, this, &ResultsTab::showArchitecture);
  connect(scatter_, &ScatterView::selectionChanged, this, showSelection);
  connect(table_, &ArchTableView::archActivated, this, &ResultsTab::showArchitecture);
  connect(table_, &ArchTableView::selectionChanged, this, showSelection);
  connect(scatter_, &ScatterView::errorOccurred, this, &ResultsTab::message);
  connect(table_, &ArchTableView::errorOccurred, this, &ResultsTab::message);
  connect(view_, &ArchitectureView::errorOccurred, this, &ResultsTab::message);
  // The table's text filter filters the plot too.
  connect(table_, &ArchTableView::filterApplied, this, [this](const QString& text) {
    tableFilter_ = text;
    applyFilters();
  });
  connect(dataset_, &QComboBox::activated, this, [this] { applyFilters(); });
  connect(job_, &QComboBox::activated, this, [this] { applyFilters(); });
  fillFilters();
  installExportActions(this, table_, scatter_, view_, [this] { return ws_; });  // context menus: Export…
  exportAction_ = new QAction(tr("E&xport Architectures\u2026"), this);
  exportAction_->setObjectName(QStringLiteral("exportArchitecturesAction"));
  exportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  exportAction_->setStatusTip(tr("Export the selected architectures (Search Results) as ONNX, genotype JSON, "
                                 "TorchScript or a PyTorch module"));
  connect(exportAction_, &QAction::triggered, this,
          [this] { openExportDialog(window(), ws_, selectedArchitectures()); });
}

QList<qint64> ResultsTab::selectedArchitectures() const {
  QList<qint64> ids = table_->selectedIds();
  if (ids.isEmpty()) ids = scatter_->selection();
  if (ids.isEmpty()) {
    if (view_->current().id > 0) ids << view_->current().id;
    if (view_->isComparing() && view_->other().id > 0) ids << view_->other().id;
  }
  return ids;
}

void ResultsTab::fillFilters() {
  QStringList datasets;
  QList<QPair<qint64, QString>> jobs;
  if (ws_) ResultsLoader::readFilters(*ws_, datasets, jobs);  // on the user's action: one quick read
  fillFilters(datasets, jobs);
}

void ResultsTab::fillFilters(const QStringList& datasets, const QList<QPair<qint64, QString>>& jobs) {
  const QString dataset = dataset_->currentData().toString();
  const qint64 job = job_->currentData().toLongLong();
  QSignalBlocker b1(dataset_), b2(job_);
  dataset_->clear();
  job_->clear();
  dataset_->addItem(tr("All datasets"), QString());
  job_->addItem(tr("All jobs"), qint64(0));
  for (const QString& d : datasets) dataset_->addItem(d, d);
  for (const auto& [id, title] : jobs) job_->addItem(title, id);
  dataset_->setCurrentIndex(std::max(0, dataset_->findData(dataset)));
  job_->setCurrentIndex(std::max(0, job_->findData(job)));
}

void ResultsTab::applyFilters() {
  const QString dataset = dataset_->currentData().toString();
  const qint64 job = job_->currentData().toLongLong();
  scatter_->setFilter(dataset, job, tableFilter_);
  table_->model()->setScope(dataset, job);
}

void ResultsTab::setDatasetFilter(const QString& dataset) {
  fillFilters();
  dataset_->setCurrentIndex(std::max(0, dataset_->findData(dataset)));
  applyFilters();
}

void ResultsTab::setJobFilter(qint64 job) {
  fillFilters();
  job_->setCurrentIndex(std::max(0, job_->findData(job)));
  applyFilters();
}

void ResultsTab::showArchitecture(qint64 id) {
  try {
    view_->showArchitecture(id);
  } catch (const std::exception& e) {
    Q_EMIT message(errorText(e));
  }
}

void ResultsTab::setWorkspace(nas::Workspace* ws) {
  ws_ = ws;
  tableFilter_.clear();
  try {
    fillFilters();
    dataset_->setCurrentIndex(0);
    job_->setCurrentIndex(0);
    scatter_->setFilter(QString(), 0, QString());
    table_->model()->setScope(QString(), 0);
    scatter_->setWorkspace(ws);
    table_->setWorkspace(ws);
    view_->setWorkspace(ws);
  } catch (const std::exception& e) {
    Q_EMIT message(errorText(e));
  }
}

void ResultsTab::showEvent(QShowEvent* event) {
  QSplitter::showEvent(event);
  if (stale_) refreshNow();
}

void ResultsTab::refresh() {
  stale_ = true;
  if (!ws_ || !isVisible()) return;  // on showing the tab
  if (timer_->isActive()) return;    // coalesced
  refreshNow();
  timer_->start();
}

void ResultsTab::refreshNow() {
  stale_ = false;
  if (!ws_) return;
  ResultsRequest r;
  r.path = QString::fromStdString(ws_->path());
  r.tableMetric = table_->metricCombo()->currentData().toString();
  r.table = table_->model()->query();
  r.wantBest = view_->current().id == 0 && !view_->isComparing();
  loader_->request(r);
}

void ResultsTab::showLoaded(const ResultsSnapshot& s) {
  if (!ws_ || s.path != QString::fromStdString(ws_->path())) return;  // another workspace meanwhile
  if (!s.error.isEmpty()) {
    Q_EMIT message(tr("Cannot read the search results: %1").arg(s.error));
    return;
  }
  try {
    fillFilters(s.datasets, s.jobs);
    table_->showLoaded(s.metricNames, s.table, s.page);
    // The first results of a fresh workspace: plot cost against accuracy rather than the
    // FLOPs/params fallback picked while there were no metrics, and show the best cell.
    scatter_->refreshWithMetrics(s.metricNames);
    if (!s.accuracy.isEmpty() && scatter_->yMetric() == QLatin1String("params") &&
        scatter_->xMetric() == QLatin1String("flops"))
      scatter_->setAxes(QStringLiteral("flops"), s.accuracy, scatter_->colorMetric());
    if (s.bestArch > 0 && view_->current().id == 0 && !view_->isComparing()) view_->showArchitecture(s.bestArch);
  } catch (const std::exception& e) {
    Q_EMIT message(errorText(e));
  }
}

}  // namespace nas::ui
