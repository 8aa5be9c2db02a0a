#include "app/ResultsTab.h"

#include <QTimer>

#include "common/Error.h"
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
  auto* left = new QSplitter(Qt::Vertical, this);
  left->setObjectName(QStringLiteral("resultsLeftSplitter"));
  scatter_ = new ScatterView(left);
  scatter_->setBackgroundLoading(true);  // a search streaming results in must not stall the window
  table_ = new ArchTableView(left);
  left->addWidget(scatter_);
  left->addWidget(table_);
  left->setStretchFactor(0, 3);
  left->setStretchFactor(1, 2);
  left->setSizes({360, 240});
  left->setChildrenCollapsible(false);
  view_ = new ArchitectureView(this);
  addWidget(left);
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
  try {
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
  try {
    scatter_->refresh();
    table_->refresh();
    // The first results of a fresh workspace: plot cost against accuracy rather than the
    // FLOPs/params fallback picked while there were no metrics, and show the best cell.
    std::string accuracy;
    for (const std::string& m : ws_->metricNames())
      if (m.find("acc") != std::string::npos) {
        accuracy = m;
        break;
      }
    if (!accuracy.empty() && scatter_->yMetric() == QLatin1String("params") &&
        scatter_->xMetric() == QLatin1String("flops"))
      scatter_->setAxes(QStringLiteral("flops"), QString::fromStdString(accuracy), scatter_->colorMetric());
    if (!accuracy.empty() && view_->current().id == 0 && !view_->isComparing()) {
      const auto best = ws_->archMetricRows(accuracy, {}, "value", true, 1);
      if (!best.empty()) view_->showArchitecture(best.front().archId);
    }
  } catch (const std::exception& e) {
    Q_EMIT message(errorText(e));
  }
}

}  // namespace nas::ui
