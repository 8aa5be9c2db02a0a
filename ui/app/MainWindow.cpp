#include "app/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

#include "app/AboutDialog.h"
#include "app/CentralTabs.h"
#include "app/JobCurves.h"
#include "app/MainMenus.h"
#include "app/Resources.h"
#include "app/ResultsTab.h"
#include "app/WorkspaceFiles.h"
#include "app/WorkspaceSession.h"
#include "app/WindowSettings.h"
#include "charts/CurveView.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "views/ArchitectureView.h"
#include "generate/GeneratePanel.h"
#include "grids/HeatMapsPanel.h"
#include "jobs/JobController.h"
#include "jobs/JobsPanel.h"
#include "latency/LatencyView.h"
#include "models/JobListModel.h"
#include "search/SearchProgressPanel.h"
#include "store/Workspace.h"

namespace nas::ui {

namespace {

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
  JobActions::Context context;
  context.window = this;
  context.controller = controller_;
  context.model = jobModel_;
  context.panel = [this] { return jobsPanel_; };
  context.workspace = [this] { return workspace(); };
  context.readOnly = [this] { return session_ && session_->readOnly(); };
  context.engine = [this]() -> nas::Engine& { return engine(); };
  context.reportError = [this](const QString& title, const QString& msg) { reportError(title, msg); };
  context.showStatus = [this](const QString& msg, int ms) { statusBar()->showMessage(msg, ms); };
  context.showCurves = [this] { tabs_->showPage(curves_); };
  context.pollSoon = [this] { session_->pollSoon(); };
  jobActions_ = new JobActions(std::move(context), this);

  createTabs();
  createActions();
  createDocks();
  createMenus();
  createStatusBar();

  WorkspaceSession::Views views;
  views.jobs = jobModel_;
  views.controller = controller_;
  views.panel = jobsPanel_;
  views.curves = curves_;
  views.results = results_;
  views.generate = generate_;
  views.latency = latency_;
  views.search = search_;
  views.heatMaps = heatMaps_;
  views.showStatus = [this](const QString& msg, int ms) { statusBar()->showMessage(msg, ms); };
  views.jobsChanged = [this] { jobActions_->updateRunningLabel(); };
  session_ = new WorkspaceSession(std::move(views), this);

  jobActions_->wire();
  connect(jobsPanel_, &JobsPanel::selectionChanged, this, &MainWindow::onSelectionChanged);
  connect(jobsPanel_, &JobsPanel::jobActivated, this, [this](qint64) { tabs_->showPage(curves_); });
  // A job that ends may have evaluated architectures the views already list (new evaluations
  // do not change the architecture count the poller watches).
  connect(jobModel_, &JobListModel::statusChanged, this, [this](qint64 id, JobDisplayStatus, JobDisplayStatus to) {
    updateJobCurveOutcome(*jobModel_, *curves_, id);  // no longer "waiting for its first points"
    if (to == JobDisplayStatus::Done || to == JobDisplayStatus::Failed || to == JobDisplayStatus::Cancelled) {
      results_->refresh();
      generate_->refreshJobs();  // a finished job may have a trained generator now
      latency_->refresh();       // a latency-profile job may have filled a profile
    }
  });

  fitJobsDockOnShow_ = !restoreWindowLayout(this, jobsPanel_);
  updateTitle();
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (fitJobsDockOnShow_) fitJobsDock(this, jobsDock_);  // now that the window has its size
  fitJobsDockOnShow_ = false;
}

MainWindow::~MainWindow() {
  // Stop polling before the workspace goes; the controller (a child) stops its own workers.
  session_->stopWatching();
}

ScatterView* MainWindow::scatterView() const { return results_->scatter(); }
ArchTableView* MainWindow::archTableView() const { return results_->table(); }
ArchitectureView* MainWindow::architectureView() const { return results_->view(); }

// ---------------------------------------------------------------------------------- setup

void MainWindow::createTabs() {
  tabs_ = new CentralTabs(this);
  curves_ = new CurveView(tabs_);
  tabs_->addPage(curves_, icon("series"), tr("Curves"));
  results_ = new ResultsTab(tabs_);
  results_->view()->setMethodsProvider([this]() -> const nas::MethodRegistry& { return engine().methods(); });
  tabs_->addPage(results_, icon("fit"), tr("Search Results"));
  connect(results_, &ResultsTab::message, this, [this](const QString& msg) { statusBar()->showMessage(msg, 8000); });
  // Live generation: sliders over a job's trained generator (Ctrl+3). The registry (plugins)
  // is loaded only when a generator is first opened.
  generate_ = new GeneratePanel(tabs_);
  generate_->setRegistryProvider([this]() -> const nas::MethodRegistry& { return engine().methods(); });
  tabs_->addPage(generate_, icon("generate"), tr("Generate"));
  // Latency on this machine (issue 6): device profiles and predicted vs measured.
  latency_ = new LatencyView(tabs_);
  latency_->setSpacesProvider([this]() -> const nas::LatencySpaceRegistry& { return engine().latencySpaces(); });
  tabs_->addPage(latency_, QIcon(), tr("Latency"));
  // Search progress (issue 5): a search job's latent map by round and its Pareto front. A
  // click opens the architecture in the Search Results tab, as its scatter's clicks do.
  search_ = new SearchProgressPanel(tabs_);
  tabs_->addPage(search_, QIcon(), tr("Search Progress"));
  connect(search_, &SearchProgressPanel::archActivated, this, [this](qint64 id) {
    results_->showArchitecture(id);
    tabs_->showPage(results_);
  });
  // Architecture weights as heat maps, epoch by epoch, for any job whose samples carry grids
  // (DARTS/EnTranNAS edges x ops, RepNAS layers x branches, NAS-LID similarities).
  heatMaps_ = new HeatMapsPanel(tabs_);
  tabs_->addPage(heatMaps_, QIcon(), tr("Heat Maps"));
  setCentralWidget(tabs_);
}

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

  refreshAct_ = new QAction(tr("&Refresh"), this);
  refreshAct_->setShortcut(QKeySequence::Refresh);
  connect(refreshAct_, &QAction::triggered, this, &MainWindow::refreshNow);

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
  JobActions* a = jobActions_;
  jobsPanel_ = new JobsPanel(jobModel_, this);
  jobsPanel_->setActions({a->newJobAction(), nullptr, a->startAction(), a->cancelAction(), nullptr, a->deleteAction()},
                         {a->startAction(), a->cancelAction(), nullptr, a->deleteAction()});
  jobsDock_ = new QDockWidget(tr("Jobs"), this);
  jobsDock_->setObjectName(QStringLiteral("jobsDock"));
  jobsDock_->setWidget(jobsPanel_);
  jobsDock_->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                         QDockWidget::DockWidgetClosable);
  addDockWidget(Qt::BottomDockWidgetArea, jobsDock_);
  resizeDocks({jobsDock_}, {270}, Qt::Vertical);
}

void MainWindow::createMenus() {
  MainMenuParts parts;
  parts.newWorkspace = newWorkspaceAct_;
  parts.openWorkspace = openWorkspaceAct_;
  parts.exportArchitectures = results_->exportAction();
  parts.quit = quitAct_;
  parts.refresh = refreshAct_;
  parts.fitCurves = fitAct_;
  parts.exportCurves = exportCurvesAct_;
  parts.help = helpAct_;
  parts.aboutQt = aboutQtAct_;
  parts.jobs = jobActions_;
  parts.jobsDock = jobsDock_;
  parts.tabs = tabs_;
  recentMenu_ = buildMainMenus(this, parts);
  connect(recentMenu_, &RecentWorkspacesMenu::openRequested, this, [this](const QString& p) { openWorkspace(p); });
}

void MainWindow::createStatusBar() {
  workspaceLabel_ = new QLabel(this);
  workspaceLabel_->setObjectName(QStringLiteral("workspaceLabel"));
  workspaceLabel_->setContentsMargins(8, 0, 8, 0);
  workspaceLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  readOnlyLabel_ = new QLabel(this);
  readOnlyLabel_->setObjectName(QStringLiteral("readOnlyLabel"));
  readOnlyLabel_->setStyleSheet(QStringLiteral("QLabel { color: #7a4b00; background: #fff4dc; padding: 0 6px; }"));
  readOnlyLabel_->hide();
  statusBar()->addPermanentWidget(readOnlyLabel_);
  statusBar()->addPermanentWidget(jobActions_->runningLabel());
  statusBar()->addPermanentWidget(workspaceLabel_);
}

// ------------------------------------------------------------------------------ workspace

QString MainWindow::workspacePath() const { return session_->path(); }

nas::Workspace* MainWindow::workspace() const { return session_->workspace(); }

QStringList MainWindow::recentWorkspaces() const { return RecentWorkspacesMenu::paths(); }

bool MainWindow::openWorkspace(const QString& path, QString* error, bool quiet) {
  const QString abs = QFileInfo(path).absoluteFilePath();
  auto fail = [&](const QString& msg) {
    if (error) *error = msg;
    if (!quiet) reportError(tr("Open Workspace"), msg);
    return false;
  };
  if (workspace() && QFileInfo(workspacePath()).absoluteFilePath() == abs) return true;
  if (!jobActions_->settleRunningJobs(runningPolicy_, tr("switching to another workspace")))
    return fail(tr("Cancelled."));
  QString why;
  session_->setPollInterval(pollIntervalMs_);
  if (!session_->open(abs, &why)) return fail(why);
  recentMenu_->add(abs);
  QSettings().setValue(QStringLiteral("workspace/last"), abs);
  updateTitle();
  jobActions_->update();
  jobActions_->updateRunningLabel();
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
  QString error;
  const QString path = askNewWorkspacePath(this, workspacePath(), &error);
  if (!error.isEmpty()) reportError(tr("New Workspace"), error);
  if (!path.isEmpty()) openWorkspace(path);
}

void MainWindow::openWorkspaceDialog() {
  const QString path = askOpenWorkspacePath(this, workspacePath());
  if (!path.isEmpty()) openWorkspace(path);
}

void MainWindow::updateTitle() {
  const QString path = workspacePath();
  const bool readOnly = !path.isEmpty() && session_->readOnly();
  const QString name = QFileInfo(path).fileName() + (readOnly ? tr(" (read-only)") : QString());
  setWindowTitle(path.isEmpty() ? tr("NAS Studio") : tr("%1 — NAS Studio").arg(name));
  if (workspaceLabel_) {
    workspaceLabel_->setText(path.isEmpty() ? tr("No workspace") : QDir::toNativeSeparators(path));
    workspaceLabel_->setToolTip(tr("The open workspace file"));
  }
  if (readOnlyLabel_) {
    readOnlyLabel_->setVisible(readOnly);
    readOnlyLabel_->setText(tr("Read-only: browse only, no new jobs"));
    readOnlyLabel_->setToolTip(tr("The workspace file or its folder cannot be written, so it was opened for "
                                  "browsing. Copy it to a folder you can write to start jobs in it."));
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

void MainWindow::refreshNow() {
  try {
    if (workspace()) jobModel_->setJobs(workspace()->jobs());
    session_->pollSoon();
    results_->refresh();
  } catch (const std::exception& e) {
    statusBar()->showMessage(errorText(e), 6000);
  }
}

void MainWindow::onSelectionChanged(const QList<qint64>& ids) {
  showJobCurves(*jobModel_, *curves_, ids);
  jobActions_->update();
}

// --------------------------------------------------------------------------- close / help

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!jobActions_->settleRunningJobs(runningPolicy_, tr("closing NAS Studio"))) {
    event->ignore();
    return;
  }
  closing_ = true;
  writeSettings();
  session_->stopWatching();
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

void MainWindow::writeSettings() {
  saveWindowLayout(this, jobsPanel_);
  if (workspace()) QSettings().setValue(QStringLiteral("workspace/last"), workspacePath());
}

}  // namespace nas::ui
