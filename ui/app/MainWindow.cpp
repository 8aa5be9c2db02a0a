#include "app/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

#include "app/AboutDialog.h"
#include "app/Resources.h"
#include "charts/CurveView.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "forms/NewJobDialog.h"
#include "jobs/JobService.h"
#include "jobs/JobController.h"
#include "generate/GeneratePanel.h"
#include "latency/LatencyView.h"
#include "search/SearchProgressPanel.h"
#include "jobs/JobsPanel.h"
#include "jobs/WorkspaceWatcher.h"
#include "models/JobListModel.h"
#include "widgets/Plural.h"
#include "store/Workspace.h"
#include "views/ArchTableView.h"
#include "views/ArchitectureView.h"
#include "views/ScatterView.h"

namespace nas::ui {

namespace {

constexpr int kMaxRecent = 8;
constexpr int kStateVersion = 1;
constexpr int kStopWaitMs = 4000;
const char* kWorkspaceFilter = QT_TRANSLATE_NOOP("MainWindow", "NAS Studio workspaces (*.nasdb);;All files (*)");

QString errorText(const std::exception& e) { return QString::fromUtf8(nas::toError(e).what()); }

QIcon icon(const char* name) { return QIcon(QStringLiteral(":/nas/icons/%1.svg").arg(QLatin1String(name))); }

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  initResources();
  setObjectName(QStringLiteral("mainWindow"));
  setWindowIcon(icon("app"));
  setDockNestingEnabled(true);

  jobModel_ = new JobListModel(this);
  controller_ = new JobController(this);

  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("centralTabs"));
  tabs_->setDocumentMode(true);
  tabs_->setMovable(true);
  curves_ = new CurveView(tabs_);
  tabs_->addTab(curves_, icon("series"), tr("Curves"));
  createArchitectureViews();
  // Live generation: sliders over a job's trained generator (Ctrl+3). The registry (plugins)
  // is loaded only when a generator is first opened.
  generate_ = new GeneratePanel(tabs_);
  generate_->setRegistryProvider([this]() -> const nas::MethodRegistry& { return engine().methods(); });
  tabs_->addTab(generate_, icon("generate"), tr("Generate"));
  // Latency on this machine (issue 6): device profiles and predicted vs measured.
  latency_ = new LatencyView(tabs_);
  tabs_->addTab(latency_, tr("Latency"));
  // Search progress (issue 5): a search job's latent map by round and its Pareto front. A
  // click opens the architecture in the Search Results tab, as its scatter's clicks do.
  search_ = new SearchProgressPanel(tabs_);
  tabs_->addTab(search_, tr("Search Progress"));
  connect(search_, &SearchProgressPanel::archActivated, this, [this](qint64 id) {
    try {
      archView_->showArchitecture(id);
      tabs_->setCurrentWidget(resultsTab_);
    } catch (const std::exception& e) {
      statusBar()->showMessage(errorText(e), 6000);
    }
  });
  setCentralWidget(tabs_);

  createActions();
  createDocks();
  createMenus();
  createStatusBar();

  controller_->setMaxWorkers(QSettings().value(QStringLiteral("jobs/localWorkers"), 1).toInt());
  connect(controller_, &JobController::logLine, jobsPanel_, &JobsPanel::appendLog);
  connect(controller_, &JobController::jobFinished, this, &MainWindow::onJobFinished);
  connect(controller_, &JobController::jobStarted, this, [this](qint64) { updateJobActions(); });
  connect(controller_, &JobController::runningCountChanged, this, [this] {
    updateRunningLabel();
    updateJobActions();
  });
  connect(jobsPanel_, &JobsPanel::selectionChanged, this, &MainWindow::onSelectionChanged);
  connect(jobsPanel_, &JobsPanel::jobActivated, this, [this](qint64) { tabs_->setCurrentWidget(curves_); });
  connect(jobModel_, &QAbstractItemModel::dataChanged, this, [this] { updateJobActions(); });
  // A job that ends may have evaluated architectures the views already list (new evaluations
  // do not change the architecture count the poller watches).
  connect(jobModel_, &JobListModel::statusChanged, this, [this](qint64, JobDisplayStatus, JobDisplayStatus to) {
    if (to == JobDisplayStatus::Done || to == JobDisplayStatus::Failed || to == JobDisplayStatus::Cancelled) {
      refreshArchitectureViews();
      generate_->refreshJobs();  // a finished job may have a trained generator now
      latency_->refresh();       // a latency-profile job may have filled a profile
    }
  });

  tickTimer_ = new QTimer(this);
  tickTimer_->setInterval(1000);
  connect(tickTimer_, &QTimer::timeout, this, [this] {
    jobModel_->tick();
    updateRunningLabel();
  });
  tickTimer_->start();

  readSettings();
  updateTitle();
  updateJobActions();
  updateRunningLabel();
}

MainWindow::~MainWindow() {
  // Stop polling before the workspace goes; the controller (a child) stops its own workers.
  watcher_.reset();
}

// ---------------------------------------------------------------------------------- setup

void MainWindow::createActions() {
  newWorkspaceAct_ = new QAction(icon("workspace-new"), tr("&New Workspace…"), this);
  newWorkspaceAct_->setShortcut(QKeySequence::New);
  newWorkspaceAct_->setStatusTip(tr("Create an empty workspace file"));
  connect(newWorkspaceAct_, &QAction::triggered, this, &MainWindow::newWorkspace);

  openWorkspaceAct_ = new QAction(icon("workspace-open"), tr("&Open Workspace…"), this);
  openWorkspaceAct_->setShortcut(QKeySequence::Open);
  openWorkspaceAct_->setStatusTip(tr("Open an existing workspace file"));
  connect(openWorkspaceAct_, &QAction::triggered, this, &MainWindow::openWorkspaceDialog);

  quitAct_ = new QAction(tr("&Quit"), this);
  quitAct_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
  quitAct_->setMenuRole(QAction::QuitRole);
  connect(quitAct_, &QAction::triggered, this, &QWidget::close);

  newJobAct_ = new QAction(icon("job-new"), tr("&New Job…"), this);
  newJobAct_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
  newJobAct_->setStatusTip(tr("Train a network or run a search in a background worker"));
  newJobAct_->setToolTip(tr("New job (Ctrl+J)"));
  connect(newJobAct_, &QAction::triggered, this, &MainWindow::newJob);

  startAct_ = new QAction(icon("job-start"), tr("&Start / Resume"), this);
  startAct_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  startAct_->setStatusTip(tr("Start the selected queued jobs, or resume failed, cancelled and interrupted ones"));
  startAct_->setToolTip(tr("Start or resume the selected jobs (Ctrl+R)"));
  connect(startAct_, &QAction::triggered, this, &MainWindow::startSelected);

  cancelAct_ = new QAction(icon("job-cancel"), tr("&Cancel"), this);
  cancelAct_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
  cancelAct_->setStatusTip(tr("Stop the selected jobs cleanly; they keep their checkpoint and can be resumed"));
  cancelAct_->setToolTip(tr("Cancel the selected jobs (Ctrl+.)"));
  connect(cancelAct_, &QAction::triggered, this, &MainWindow::cancelSelected);

  deleteAct_ = new QAction(icon("job-delete"), tr("&Delete"), this);
  deleteAct_->setShortcut(QKeySequence::Delete);
  deleteAct_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  deleteAct_->setStatusTip(tr("Delete the selected jobs with their curves and checkpoints"));
  connect(deleteAct_, &QAction::triggered, this, &MainWindow::deleteSelected);

  refreshAct_ = new QAction(tr("&Refresh"), this);
  refreshAct_->setShortcut(QKeySequence::Refresh);
  connect(refreshAct_, &QAction::triggered, this, &MainWindow::refreshNow);

  workersAct_ = new QAction(tr("Local &Workers…"), this);
  workersAct_->setStatusTip(tr("How many worker processes of this window run queued jobs at once"));
  connect(workersAct_, &QAction::triggered, this, [this] {
    bool ok = false;
    const int n = QInputDialog::getInt(this, tr("Local Workers"),
                                       tr("Worker processes that run queued jobs at the same time:"),
                                       controller_->maxWorkers(), 1, 64, 1, &ok);
    if (!ok) return;
    controller_->setMaxWorkers(n);
    QSettings().setValue(QStringLiteral("jobs/localWorkers"), n);
  });

  fitAct_ = new QAction(icon("fit"), tr("&Fit Curves"), this);
  fitAct_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
  connect(fitAct_, &QAction::triggered, curves_, &CurveView::fit);

  exportCurvesAct_ = new QAction(icon("export"), tr("&Export Curves…"), this);
  exportCurvesAct_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  connect(exportCurvesAct_, &QAction::triggered, curves_, &CurveView::exportDialog);

  helpAct_ = new QAction(icon("help"), tr("NAS Studio &Help"), this);
  helpAct_->setShortcut(QKeySequence::HelpContents);
  if (helpAct_->shortcut().isEmpty()) helpAct_->setShortcut(QKeySequence(Qt::Key_F1));
  connect(helpAct_, &QAction::triggered, this, &MainWindow::showHelp);

  aboutQtAct_ = new QAction(tr("About &Qt"), this);
  aboutQtAct_->setMenuRole(QAction::AboutQtRole);
  connect(aboutQtAct_, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createDocks() {
  jobsPanel_ = new JobsPanel(jobModel_, this);
  jobsPanel_->setActions({newJobAct_, nullptr, startAct_, cancelAct_, nullptr, deleteAct_},
                         {startAct_, cancelAct_, nullptr, deleteAct_});
  jobsDock_ = new QDockWidget(tr("Jobs"), this);
  jobsDock_->setObjectName(QStringLiteral("jobsDock"));
  jobsDock_->setWidget(jobsPanel_);
  jobsDock_->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                         QDockWidget::DockWidgetClosable);
  addDockWidget(Qt::BottomDockWidgetArea, jobsDock_);
  resizeDocks({jobsDock_}, {270}, Qt::Vertical);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(newWorkspaceAct_);
  file->addAction(openWorkspaceAct_);
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  file->addSeparator();
  file->addAction(quitAct_);
  rebuildRecentMenu();

  QMenu* job = menuBar()->addMenu(tr("&Job"));
  job->addAction(newJobAct_);
  job->addSeparator();
  job->addAction(startAct_);
  job->addAction(cancelAct_);
  job->addSeparator();
  job->addAction(deleteAct_);
  job->addSeparator();
  job->addAction(workersAct_);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  QAction* toggleJobs = jobsDock_->toggleViewAction();
  toggleJobs->setText(tr("&Jobs Panel"));
  toggleJobs->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_J));
  view->addAction(toggleJobs);
  view->addSeparator();
  view->addAction(fitAct_);
  view->addAction(exportCurvesAct_);
  view->addSeparator();
  view->addAction(refreshAct_);
  // Ctrl+1 .. Ctrl+9 bring the central tabs forward in their current (movable) order, as in
  // browsers and IDEs.
  for (int i = 0; i < 9; ++i) {
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)), this);
    connect(shortcut, &QShortcut::activated, this, [this, i] {
      if (i < tabs_->count()) tabs_->setCurrentIndex(i);
    });
  }

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(helpAct_);
  help->addSeparator();
  help->addAction(aboutQtAct_);
}

void MainWindow::createStatusBar() {
  runningLabel_ = new QLabel(this);
  runningLabel_->setObjectName(QStringLiteral("runningLabel"));
  runningLabel_->setContentsMargins(8, 0, 8, 0);
  workspaceLabel_ = new QLabel(this);
  workspaceLabel_->setObjectName(QStringLiteral("workspaceLabel"));
  workspaceLabel_->setContentsMargins(8, 0, 8, 0);
  workspaceLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  statusBar()->addPermanentWidget(runningLabel_);
  statusBar()->addPermanentWidget(workspaceLabel_);
}

// ------------------------------------------------------------------- architecture views
//
// The views engineer's widgets (ui/views, ui/models/ArchTable*): the "Search Results" tab
// links a scatter (Pareto front of any two metrics) and the architecture table on the left to
// the architecture view (cell graph, macro strip, evaluations, compare) on the right. Clicking
// a point or selecting one row shows that architecture; selecting two compares them. They get
// the GUI thread's workspace and are refreshed whenever the poller sees the architecture count
// change, i.e. while a search writes evaluations.

void MainWindow::createArchitectureViews() {
  auto* results = new QSplitter(Qt::Horizontal, tabs_);
  results->setObjectName(QStringLiteral("resultsSplitter"));
  auto* left = new QSplitter(Qt::Vertical, results);
  left->setObjectName(QStringLiteral("resultsLeftSplitter"));
  scatter_ = new ScatterView(left);
  archTable_ = new ArchTableView(left);
  left->addWidget(scatter_);
  left->addWidget(archTable_);
  left->setStretchFactor(0, 3);
  left->setStretchFactor(1, 2);
  left->setSizes({360, 240});
  left->setChildrenCollapsible(false);
  archView_ = new ArchitectureView(results);
  results->addWidget(left);
  results->addWidget(archView_);
  results->setStretchFactor(0, 3);
  results->setStretchFactor(1, 2);
  results->setSizes({900, 560});
  results->setChildrenCollapsible(false);
  tabs_->addTab(results, icon("fit"), tr("Search Results"));
  resultsTab_ = results;

  // While a search streams evaluations in, reloading thousands of points on every poll would
  // stall the window: refresh at most every 1.5 s, and only while the tab is visible.
  archRefreshTimer_ = new QTimer(this);
  archRefreshTimer_->setSingleShot(true);
  archRefreshTimer_->setInterval(1500);
  connect(archRefreshTimer_, &QTimer::timeout, this, [this] {
    if (archViewsStale_) refreshArchitectureViews();
  });
  connect(tabs_, &QTabWidget::currentChanged, this, [this] {
    if (archViewsStale_ && tabs_->currentWidget() == resultsTab_) refreshArchitectureViewsNow();
  });

  auto showOne = [this](qint64 id) {
    try {
      archView_->showArchitecture(id);
    } catch (const std::exception& e) {
      statusBar()->showMessage(errorText(e), 6000);
    }
  };
  auto showSelection = [this, showOne](const QList<qint64>& ids) {
    try {
      if (ids.size() == 2)
        archView_->compareArchitectures(ids[0], ids[1]);
      else if (ids.size() == 1)
        showOne(ids[0]);
    } catch (const std::exception& e) {
      statusBar()->showMessage(errorText(e), 6000);
    }
  };
  connect(scatter_, &ScatterView::archActivated, this, showOne);
  connect(scatter_, &ScatterView::selectionChanged, this, showSelection);
  connect(archTable_, &ArchTableView::archActivated, this, showOne);
  connect(archTable_, &ArchTableView::selectionChanged, this, showSelection);
  auto showError = [this](const QString& msg) { statusBar()->showMessage(msg, 8000); };
  connect(scatter_, &ScatterView::errorOccurred, this, showError);
  connect(archTable_, &ArchTableView::errorOccurred, this, showError);
  connect(archView_, &ArchitectureView::errorOccurred, this, showError);
}

void MainWindow::setArchitectureViewsWorkspace(nas::Workspace* ws) {
  try {
    scatter_->setWorkspace(ws);
    archTable_->setWorkspace(ws);
    archView_->setWorkspace(ws);
  } catch (const std::exception& e) {
    statusBar()->showMessage(errorText(e), 8000);
  }
}

void MainWindow::refreshArchitectureViews() {
  archViewsStale_ = true;
  if (!ws_ || tabs_->currentWidget() != resultsTab_ || !isVisible()) return;  // on showing the tab
  if (archRefreshTimer_->isActive()) return;                                   // coalesced
  refreshArchitectureViewsNow();
  archRefreshTimer_->start();
}

void MainWindow::refreshArchitectureViewsNow() {
  archViewsStale_ = false;
  if (!ws_) return;
  try {
    scatter_->refresh();
    archTable_->refresh();
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
    if (!accuracy.empty() && archView_->current().id == 0 && !archView_->isComparing()) {
      const auto best = ws_->archMetricRows(accuracy, {}, "value", true, 1);
      if (!best.empty()) archView_->showArchitecture(best.front().archId);
    }
  } catch (const std::exception& e) {
    statusBar()->showMessage(errorText(e), 8000);
  }
}

// ------------------------------------------------------------------------------ workspace

QString MainWindow::workspacePath() const { return ws_ ? QString::fromStdString(ws_->path()) : QString(); }

bool MainWindow::openWorkspace(const QString& path, QString* error, bool quiet) {
  const QString abs = QFileInfo(path).absoluteFilePath();
  auto fail = [&](const QString& msg) {
    if (error) *error = msg;
    if (!quiet) reportError(tr("Open Workspace"), msg);
    return false;
  };
  if (ws_ && QFileInfo(workspacePath()).absoluteFilePath() == abs) return true;
  if (!settleRunningJobs(tr("switching to another workspace"))) return fail(tr("Cancelled."));

  std::unique_ptr<nas::Workspace> ws;
  try {
    QDir().mkpath(QFileInfo(abs).absolutePath());
    ws = nas::Workspace::open(abs.toStdString());
  } catch (const std::exception& e) {
    return fail(tr("Could not open %1:\n%2").arg(QDir::toNativeSeparators(abs), errorText(e)));
  }

  // Tear down the views of the old workspace before it goes.
  watcher_.reset();
  curves_->setWorkspace(nullptr);
  setArchitectureViewsWorkspace(nullptr);
  generate_->setWorkspace(nullptr);
  latency_->setWorkspace(nullptr);
  search_->setWorkspace(nullptr);
  controller_->setWorkspace(nullptr);
  jobModel_->clear();
  jobsPanel_->clearLogs();

  ws_ = std::move(ws);
  controller_->setWorkspace(ws_.get());
  curves_->setWorkspace(ws_.get());
  setArchitectureViewsWorkspace(ws_.get());
  generate_->setWorkspace(ws_.get());
  latency_->setWorkspace(ws_.get());
  search_->setWorkspace(ws_.get());
  try {
    jobModel_->setJobs(ws_->jobs());
    // Show something useful at once: the newest running job's curves, else the newest job's.
    qint64 pick = 0;
    for (int row = 0; row < jobModel_->rowCount() && !pick; ++row) {
      const qint64 id = jobModel_->idAt(row);
      if (jobModel_->displayStatus(id) == JobDisplayStatus::Running) pick = id;
    }
    if (!pick && jobModel_->rowCount() > 0) pick = jobModel_->idAt(0);
    if (pick) jobsPanel_->selectJob(pick);
  } catch (const std::exception& e) {
    statusBar()->showMessage(errorText(e), 8000);
  }

  // Threaded: the reads run on the watcher's thread, on a connection of its own.
  watcher_ = std::make_unique<WorkspaceWatcher>(abs, pollIntervalMs_);
  connect(watcher_.get(), &WorkspaceWatcher::jobsPolled, this, [this](const JobSnapshot& jobs) {
    jobModel_->setJobs(jobs);
    controller_->onJobsPolled(jobs);
    updateRunningLabel();
  });
  connect(watcher_.get(), &WorkspaceWatcher::logPolled, jobsPanel_, &JobsPanel::appendLogLines);
  connect(watcher_.get(), &WorkspaceWatcher::metricsPolled, curves_, &CurveView::appendRows);
  connect(watcher_.get(), &WorkspaceWatcher::jobsPolled, search_, &SearchProgressPanel::onJobsPolled);
  connect(watcher_.get(), &WorkspaceWatcher::metricsPolled, search_, &SearchProgressPanel::onMetricsPolled);
  connect(watcher_.get(), &WorkspaceWatcher::architecturesChanged, this, [this] { refreshArchitectureViews(); });
  connect(watcher_.get(), &WorkspaceWatcher::pollFailed, this,
          [this](const QString& msg) { statusBar()->showMessage(tr("Reading the workspace: %1").arg(msg), 6000); });

  addRecent(abs);
  QSettings().setValue(QStringLiteral("workspace/last"), abs);
  updateTitle();
  updateJobActions();
  updateRunningLabel();
  statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(abs)), 4000);
  return true;
}

void MainWindow::openInitialWorkspace(const QString& commandLinePath) {
  if (!commandLinePath.isEmpty() && openWorkspace(commandLinePath)) return;
  const QString last = QSettings().value(QStringLiteral("workspace/last")).toString();
  if (!last.isEmpty() && QFileInfo::exists(last) && openWorkspace(last, nullptr, true)) return;
  try {
    openWorkspace(QString::fromStdString(nas::defaultWorkspacePath()));
  } catch (const std::exception& e) {
    reportError(tr("Open Workspace"), errorText(e));
  }
}

void MainWindow::newWorkspace() {
  QSettings settings;
  const QString dir = settings.value(QStringLiteral("workspace/dialogDir"), QDir::homePath()).toString();
  QString path = QFileDialog::getSaveFileName(this, tr("New Workspace"),
                                              QDir(dir).filePath(QStringLiteral("untitled.nasdb")),
                                              tr(kWorkspaceFilter));
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".nasdb");
  settings.setValue(QStringLiteral("workspace/dialogDir"), QFileInfo(path).absolutePath());
  if (QFileInfo(path).absoluteFilePath() == QFileInfo(workspacePath()).absoluteFilePath()) {
    reportError(tr("New Workspace"), tr("This workspace is open. Choose another file name."));
    return;
  }
  if (QFileInfo::exists(path)) {
    // The file dialog already asked to replace it.
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
      if (QFileInfo::exists(path + suffix) && !QFile::remove(path + suffix)) {
        reportError(tr("New Workspace"), tr("Could not replace %1.").arg(QDir::toNativeSeparators(path)));
        return;
      }
    }
  }
  openWorkspace(path);
}

void MainWindow::openWorkspaceDialog() {
  QSettings settings;
  const QString dir = settings
                          .value(QStringLiteral("workspace/dialogDir"),
                                 ws_ ? QFileInfo(workspacePath()).absolutePath() : QDir::homePath())
                          .toString();
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Workspace"), dir, tr(kWorkspaceFilter));
  if (path.isEmpty()) return;
  settings.setValue(QStringLiteral("workspace/dialogDir"), QFileInfo(path).absolutePath());
  openWorkspace(path);
}

QStringList MainWindow::recentWorkspaces() const {
  return QSettings().value(QStringLiteral("workspace/recent")).toStringList();
}

void MainWindow::addRecent(const QString& path) {
  QStringList recent = recentWorkspaces();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  QSettings().setValue(QStringLiteral("workspace/recent"), recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  if (!recentMenu_) return;
  recentMenu_->clear();
  const QStringList recent = recentWorkspaces();
  int n = 0;
  for (const QString& path : recent) {
    const QString label = QStringLiteral("&%1  %2").arg(++n).arg(QFileInfo(path).fileName());
    QAction* a = recentMenu_->addAction(label);
    a->setToolTip(QDir::toNativeSeparators(path));
    a->setStatusTip(QDir::toNativeSeparators(path));
    a->setEnabled(QFileInfo::exists(path));
    connect(a, &QAction::triggered, this, [this, path] { openWorkspace(path); });
  }
  if (recent.isEmpty()) {
    recentMenu_->addAction(tr("No recent workspaces"))->setEnabled(false);
  } else {
    recentMenu_->addSeparator();
    connect(recentMenu_->addAction(tr("Clear List")), &QAction::triggered, this, [this] {
      QSettings().remove(QStringLiteral("workspace/recent"));
      rebuildRecentMenu();
    });
  }
}

void MainWindow::updateTitle() {
  const QString path = workspacePath();
  setWindowTitle(path.isEmpty() ? tr("NAS Studio")
                                : tr("%1 — NAS Studio").arg(QFileInfo(path).fileName()));
  if (workspaceLabel_) {
    workspaceLabel_->setText(path.isEmpty() ? tr("No workspace") : QDir::toNativeSeparators(path));
    workspaceLabel_->setToolTip(tr("The open workspace file"));
  }
}

// ----------------------------------------------------------------------------------- jobs

nas::Engine& MainWindow::engine() {
  if (!engine_) {
    QApplication::setOverrideCursor(Qt::WaitCursor);
    try {
      engine_ = std::make_unique<nas::Engine>(true);
    } catch (...) {
      QApplication::restoreOverrideCursor();
      throw;
    }
    QApplication::restoreOverrideCursor();
  }
  return *engine_;
}

qint64 MainWindow::submitAndStart(const nas::Json& spec, QString* error) {
  if (!ws_) {
    if (error) *error = tr("No workspace is open.");
    return 0;
  }
  qint64 id = 0;
  try {
    id = JobController::submit(*ws_, engine().methods(), spec);
    jobModel_->setJobs(ws_->jobs());
  } catch (const std::exception& e) {
    if (error) *error = errorText(e);
    return 0;
  }
  jobsPanel_->selectJob(id);
  QString why;
  if (!controller_->start(id, &why)) {
    if (error) *error = why;
    if (watcher_) watcher_->pollSoon();
    return id;  // the job exists (marked failed); the caller shows why
  }
  statusBar()->showMessage(tr("Started job %1 (%2)").arg(id).arg(QString::fromStdString(spec.value("method", ""))),
                           4000);
  return id;
}

void MainWindow::newJob() {
  if (!ws_) {
    reportError(tr("New Job"), tr("Open or create a workspace first."));
    return;
  }
  try {
    NewJobDialog dialog(engine().methods(), this);
    if (dialog.exec() != QDialog::Accepted) return;
    QString error;
    const qint64 id = submitAndStart(dialog.spec(), &error);
    if (!error.isEmpty())
      reportError(tr("New Job"), id ? tr("Job %1 could not be started:\n%2").arg(id).arg(error) : error);
    else
      tabs_->setCurrentWidget(curves_);
  } catch (const std::exception& e) {
    reportError(tr("New Job"), errorText(e));
  }
}

// The status the rules apply to (nas::jobTransition), from what the job list shows.
nas::JobStatus MainWindow::ruleStatus(qint64 id) const {
  switch (jobModel_->displayStatus(id)) {
    case JobDisplayStatus::Queued: return nas::JobStatus::Queued;
    case JobDisplayStatus::Running:
    case JobDisplayStatus::Cancelling: return nas::JobStatus::Running;
    case JobDisplayStatus::Done: return nas::JobStatus::Done;
    case JobDisplayStatus::Failed: return nas::JobStatus::Failed;
    case JobDisplayStatus::Cancelled: return nas::JobStatus::Cancelled;
    case JobDisplayStatus::Interrupted: return nas::JobStatus::Interrupted;
  }
  return nas::JobStatus::Queued;
}

bool MainWindow::jobAllows(qint64 id, nas::JobAction action) const {
  return nas::jobTransition(ruleStatus(id), action).allowed;
}

void MainWindow::startSelected() {
  QStringList problems;
  for (qint64 id : jobsPanel_->selectedJobIds()) {
    if (controller_->isRunning(id) || !jobAllows(id, nas::JobAction::Start)) continue;
    QString why;
    if (!controller_->start(id, &why)) problems << tr("Job %1: %2").arg(id).arg(why);
  }
  if (!problems.isEmpty()) reportError(tr("Start Job"), problems.join(QLatin1Char('\n')));
  if (watcher_) watcher_->pollSoon();
  updateJobActions();
}

void MainWindow::cancelSelected() {
  for (qint64 id : jobsPanel_->selectedJobIds()) {
    if (!jobAllows(id, nas::JobAction::RequestCancel)) continue;
    controller_->cancel(id);
    jobsPanel_->appendLog(id, tr("cancel requested"));
  }
  if (watcher_) watcher_->pollSoon();
  updateJobActions();
}

void MainWindow::deleteSelected() {
  if (!ws_) return;
  QList<qint64> ids;
  for (qint64 id : jobsPanel_->selectedJobIds()) {
    if (controller_->isRunning(id) || !jobAllows(id, nas::JobAction::Delete)) continue;
    ids << id;
  }
  if (ids.isEmpty()) return;
  QStringList names;
  for (qint64 id : ids) names << QStringLiteral("#%1").arg(id);
  const auto answer = QMessageBox::question(
      this, tr("Delete Jobs"),
      tr("Delete %1 (%2) with their curves, samples and checkpoints?\n"
         "Architectures and their evaluations stay in the workspace.")
          .arg(plural(ids.size(), tr("job"), tr("jobs")), names.join(QStringLiteral(", "))),
      QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
  if (answer != QMessageBox::Yes) return;
  try {
    nas::JobService service(*ws_);
    for (qint64 id : ids) service.remove(id);
    jobModel_->setJobs(ws_->jobs());
  } catch (const std::exception& e) {
    reportError(tr("Delete Jobs"), errorText(e));
  }
}

void MainWindow::refreshNow() {
  try {
    if (ws_) jobModel_->setJobs(ws_->jobs());
    if (watcher_) watcher_->pollSoon();
    refreshArchitectureViews();
  } catch (const std::exception& e) {
    statusBar()->showMessage(errorText(e), 6000);
  }
}

void MainWindow::onSelectionChanged(const QList<qint64>& ids) {
  for (qint64 id : ids) {
    if (const nas::JobRecord* r = jobModel_->job(id))
      curves_->setJobLabel(id, QStringLiteral("#%1 %2").arg(id).arg(QString::fromStdString(nas::jobTitle(*r))));
  }
  curves_->setJobs(ids);
  updateJobActions();
}

void MainWindow::onJobFinished(qint64 id, const QString& status, const QString& error) {
  QString text = tr("Job %1 finished: %2").arg(id).arg(status);
  if (!error.isEmpty()) text += QStringLiteral(" — ") + error.section(QLatin1Char('\n'), 0, 0);
  jobsPanel_->appendLog(id, text);
  statusBar()->showMessage(text, 10000);
  try {
    if (ws_) jobModel_->setJobs(ws_->jobs());
  } catch (const std::exception& e) {
    statusBar()->showMessage(errorText(e), 6000);
  }
  if (watcher_) watcher_->pollSoon();
  updateJobActions();
  updateRunningLabel();
}

void MainWindow::updateJobActions() {
  const QList<qint64> ids = jobsPanel_ ? jobsPanel_->selectedJobIds() : QList<qint64>();
  bool canStart = false, canCancel = false, canDelete = false, anyQueued = false;
  for (qint64 id : ids) {
    const bool ours = controller_->isRunning(id);
    if (!ours && jobAllows(id, nas::JobAction::Start)) canStart = true;
    if (!ours && ruleStatus(id) == nas::JobStatus::Queued) anyQueued = true;
    if (jobAllows(id, nas::JobAction::RequestCancel)) canCancel = true;
    if (!ours && jobAllows(id, nas::JobAction::Delete)) canDelete = true;
  }
  const bool haveWs = static_cast<bool>(ws_);
  newJobAct_->setEnabled(haveWs);
  startAct_->setEnabled(haveWs && canStart);
  startAct_->setText(anyQueued ? tr("&Start") : tr("&Resume"));
  cancelAct_->setEnabled(haveWs && canCancel);
  deleteAct_->setEnabled(haveWs && canDelete);
}

void MainWindow::updateRunningLabel() {
  if (!runningLabel_) return;
  const int running = std::max(jobModel_->runningCount(), controller_->runningCount());
  if (running == 0) {
    runningLabel_->setText(tr("No jobs running"));
    runningLabel_->setStyleSheet(QStringLiteral("color: palette(mid);"));
  } else {
    runningLabel_->setText(QStringLiteral("<span style='color:%1'>●</span> ")
                               .arg(jobDisplayStatusColor(JobDisplayStatus::Running).name()) +
                           tr("%1 running").arg(plural(running, tr("job"), tr("jobs"))));
    runningLabel_->setStyleSheet(QString());
  }
}

// --------------------------------------------------------------------------- close / help

bool MainWindow::settleRunningJobs(const QString& why) {
  const int n = controller_->runningCount();
  if (n == 0) return true;
  RunningJobsPolicy policy = runningPolicy_;
  if (policy == RunningJobsPolicy::Ask) {
    QMessageBox box(this);
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(tr("Jobs Still Running"));
    box.setText(n == 1 ? tr("A job started from this window is still running.")
                       : tr("%1 jobs started from this window are still running.").arg(n));
    box.setInformativeText(
        tr("Before %1, leave them running (they keep writing to the workspace and show up here again when you "
           "reopen it), or stop them (they are cancelled and keep their checkpoint, so you can resume them later).")
            .arg(why));
    QPushButton* leave = box.addButton(tr("Leave Running"), QMessageBox::AcceptRole);
    QPushButton* stop = box.addButton(tr("Stop Jobs"), QMessageBox::DestructiveRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(leave);
    box.exec();
    if (box.clickedButton() == leave)
      policy = RunningJobsPolicy::LeaveRunning;
    else if (box.clickedButton() == stop)
      policy = RunningJobsPolicy::Stop;
    else
      return false;
  }
  if (policy == RunningJobsPolicy::Stop) {
    QApplication::setOverrideCursor(Qt::WaitCursor);
    statusBar()->showMessage(tr("Stopping %1…").arg(plural(n, tr("job"), tr("jobs"))));
    controller_->stopAll(kStopWaitMs);
    QApplication::restoreOverrideCursor();
  } else {
    controller_->detachAll();
  }
  return true;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!settleRunningJobs(tr("closing NAS Studio"))) {
    event->ignore();
    return;
  }
  closing_ = true;
  writeSettings();
  watcher_.reset();
  event->accept();
}

void MainWindow::showHelp() {
  nas::Json info;
  try {
    info = engine().info();
  } catch (const std::exception& e) {
    info = nas::Json{{"error", e.what()}};
  }
  AboutDialog dialog(info, workspacePath(), this);
  dialog.exec();
}

void MainWindow::reportError(const QString& title, const QString& message) {
  statusBar()->showMessage(message.section(QLatin1Char('\n'), 0, 0), 8000);
  if (closing_) return;
  QMessageBox::warning(this, title, message);
}

// ------------------------------------------------------------------------------- settings

void MainWindow::readSettings() {
  QSettings s;
  const QByteArray geometry = s.value(QStringLiteral("window/geometry")).toByteArray();
  if (geometry.isEmpty() || !restoreGeometry(geometry)) {
    const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
    const QSize size(std::min(1440, avail.width() * 9 / 10), std::min(900, avail.height() * 9 / 10));
    resize(size);
    move(avail.center() - QPoint(size.width() / 2, size.height() / 2));
  }
  restoreState(s.value(QStringLiteral("window/state")).toByteArray(), kStateVersion);
  jobsPanel_->splitter()->restoreState(s.value(QStringLiteral("window/jobsSplitter")).toByteArray());
  jobsPanel_->table()->horizontalHeader()->restoreState(s.value(QStringLiteral("window/jobsHeader")).toByteArray());
}

void MainWindow::writeSettings() {
  QSettings s;
  s.setValue(QStringLiteral("window/geometry"), saveGeometry());
  s.setValue(QStringLiteral("window/state"), saveState(kStateVersion));
  s.setValue(QStringLiteral("window/jobsSplitter"), jobsPanel_->splitter()->saveState());
  s.setValue(QStringLiteral("window/jobsHeader"), jobsPanel_->table()->horizontalHeader()->saveState());
  if (ws_) s.setValue(QStringLiteral("workspace/last"), workspacePath());
}

}  // namespace nas::ui
