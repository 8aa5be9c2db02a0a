#pragma once
// The main window: one open workspace, the Jobs dock (table, details, log), a central tab area
// (metric curves and the architecture views), a status bar (workspace, running jobs) and the
// menus. It composes the pieces and owns their lifetimes; the job actions live in JobActions,
// the open workspace and its watcher in WorkspaceSession, the Search Results tab in
// ResultsTab, the tab area in CentralTabs, the Curves tab's job labels in JobCurves, the saved
// layout in WindowSettings, the workspace file dialogs and recent list in WorkspaceFiles:
//
//   nas::Workspace (GUI thread) ── JobService rules ──> JobController (N `worker` processes)
//                                                              │ write progress, metrics, logs
//                                                              v
//   WorkspaceWatcher (poll thread, own Workspace) ── jobs ──> JobListModel ──> JobsPanel
//                                                 ── jobs ──> JobController (who runs what)
//                                                 ── log lines ──> JobsPanel
//                                                 ── metric rows ──> CurveView
//                                                 ── architecture count ──> architecture views
//
// Every slot catches nas::Error / std::exception and reports it (message box or status bar);
// nothing escapes into Qt's event loop.

#include <QList>
#include <QMainWindow>
#include <QStringList>
#include <memory>

#include "app/CentralTabs.h"
#include "app/JobActions.h"
#include "common/Json.h"

class QAction;
class QDockWidget;
class QLabel;
class QTabWidget;

namespace nas {
class Engine;
class Workspace;
}  // namespace nas

namespace nas::ui {

class ArchTableView;
class ArchitectureView;
class CurveView;
class GeneratePanel;
class LatencyView;
class JobController;
class JobListModel;
class JobsPanel;
class RecentWorkspacesMenu;
class ResultsTab;
class ScatterView;
class SearchProgressPanel;
class HeatMapsPanel;
class WorkspaceSession;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // What closing the window does with workers it started that are still running.
  using RunningJobsPolicy = JobActions::RunningJobsPolicy;

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens (creating when absent) a workspace and makes it current. On failure the previous
  // workspace stays open and the reason is returned (and shown unless `quiet`).
  bool openWorkspace(const QString& path, QString* error = nullptr, bool quiet = false);
  // On start: the path given on the command line, else the last workspace, else the default.
  void openInitialWorkspace(const QString& commandLinePath = QString());
  QString workspacePath() const;
  nas::Workspace* workspace() const;
  QStringList recentWorkspaces() const;

  // Validates and stores a job spec {"method", "params"}, then has a worker run it. Returns the
  // job id, or 0 with the reason.
  qint64 submitAndStart(const nas::Json& spec, QString* error = nullptr) { return jobActions_->submitAndStart(spec, error); }
  nas::Engine& engine();

  JobController* jobController() const { return controller_; }
  JobListModel* jobModel() const { return jobModel_; }
  JobsPanel* jobsPanel() const { return jobsPanel_; }
  CurveView* curveView() const { return curves_; }
  QTabWidget* centralTabs() const { return tabs_; }
  ScatterView* scatterView() const;
  ArchTableView* archTableView() const;
  ArchitectureView* architectureView() const;
  GeneratePanel* generatePanel() const { return generate_; }
  SearchProgressPanel* searchPanel() const { return search_; }
  HeatMapsPanel* heatMapsPanel() const { return heatMaps_; }

  void setRunningJobsPolicy(RunningJobsPolicy p) { runningPolicy_ = p; }
  // Poll period of the workspace watcher (applies to the next workspace opened).
  void setPollInterval(int ms) { pollIntervalMs_ = ms; }

 public Q_SLOTS:
  void newWorkspace();
  void openWorkspaceDialog();
  void newJob() { jobActions_->newJob(); }
  void startSelected() { jobActions_->startSelected(); }
  void cancelSelected() { jobActions_->cancelSelected(); }
  void deleteSelected() { jobActions_->deleteSelected(); }
  void showHelp();
  void refreshNow();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void createTabs();
  void createActions();
  void createMenus();
  void createDocks();
  void createStatusBar();
  void updateTitle();
  void onSelectionChanged(const QList<qint64>& ids);
  void writeSettings();
  void reportError(const QString& title, const QString& message);

  WorkspaceSession* session_ = nullptr;  // the open workspace and its watcher
  std::unique_ptr<nas::Engine> engine_;

  JobListModel* jobModel_ = nullptr;
  JobController* controller_ = nullptr;
  JobActions* jobActions_ = nullptr;
  JobsPanel* jobsPanel_ = nullptr;
  CurveView* curves_ = nullptr;
  CentralTabs* tabs_ = nullptr;
  QDockWidget* jobsDock_ = nullptr;
  bool fitJobsDockOnShow_ = false;  // no saved dock layout: size the Jobs dock on the first show
  QLabel* workspaceLabel_ = nullptr;
  QLabel* readOnlyLabel_ = nullptr;  // "Read-only" while a workspace is open for browsing only
  RecentWorkspacesMenu* recentMenu_ = nullptr;

  QAction* newWorkspaceAct_ = nullptr;
  QAction* openWorkspaceAct_ = nullptr;
  QAction* quitAct_ = nullptr;
  QAction* refreshAct_ = nullptr;
  QAction* fitAct_ = nullptr;
  QAction* exportCurvesAct_ = nullptr;
  QAction* helpAct_ = nullptr;
  QAction* aboutQtAct_ = nullptr;

  ResultsTab* results_ = nullptr;          // "Search Results": scatter, table, architecture view
  GeneratePanel* generate_ = nullptr;      // "Generate": live generation (ui/generate)
  LatencyView* latency_ = nullptr;         // "Latency": latency on this machine (ui/latency)
  SearchProgressPanel* search_ = nullptr;  // "Search Progress" (ui/search)
  HeatMapsPanel* heatMaps_ = nullptr;      // "Heat Maps" (ui/grids)

  RunningJobsPolicy runningPolicy_ = RunningJobsPolicy::Ask;
  int pollIntervalMs_ = 500;
  bool closing_ = false;
};

}  // namespace nas::ui
