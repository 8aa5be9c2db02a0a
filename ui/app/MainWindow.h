#pragma once
// The main window: one open workspace, the Jobs dock (table, details, log), a central tab area
// (metric curves and the architecture views), a status bar (workspace, running jobs) and the
// menus. It composes the pieces and owns their lifetimes:
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
#include <QPointer>
#include <QStringList>
#include <memory>

#include "common/Json.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTabWidget;
class QTimer;

namespace nas {
class Engine;
class Workspace;
enum class JobAction;
enum class JobStatus;
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
class ScatterView;
class SearchProgressPanel;
class WorkspaceWatcher;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // What closing the window does with workers it started that are still running.
  enum class RunningJobsPolicy { Ask, LeaveRunning, Stop };

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens (creating when absent) a workspace and makes it current. On failure the previous
  // workspace stays open and the reason is returned (and shown unless `quiet`).
  bool openWorkspace(const QString& path, QString* error = nullptr, bool quiet = false);
  // On start: the path given on the command line, else the last workspace, else the default.
  void openInitialWorkspace(const QString& commandLinePath = QString());
  QString workspacePath() const;
  nas::Workspace* workspace() const { return ws_.get(); }
  QStringList recentWorkspaces() const;

  // Validates and stores a job spec {"method", "params"}, then starts its worker. Returns the
  // job id, or 0 with the reason.
  qint64 submitAndStart(const nas::Json& spec, QString* error = nullptr);
  nas::Engine& engine();

  JobController* jobController() const { return controller_; }
  JobListModel* jobModel() const { return jobModel_; }
  JobsPanel* jobsPanel() const { return jobsPanel_; }
  CurveView* curveView() const { return curves_; }
  QTabWidget* centralTabs() const { return tabs_; }
  ScatterView* scatterView() const { return scatter_; }
  ArchTableView* archTableView() const { return archTable_; }
  ArchitectureView* architectureView() const { return archView_; }
  GeneratePanel* generatePanel() const { return generate_; }
  SearchProgressPanel* searchPanel() const { return search_; }

  void setRunningJobsPolicy(RunningJobsPolicy p) { runningPolicy_ = p; }
  // Poll period of the workspace watcher (applies to the next workspace opened).
  void setPollInterval(int ms) { pollIntervalMs_ = ms; }

 public Q_SLOTS:
  void newWorkspace();
  void openWorkspaceDialog();
  void newJob();
  void startSelected();
  void cancelSelected();
  void deleteSelected();
  void showHelp();
  void refreshNow();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createActions();
  void createMenus();
  void createDocks();
  void createStatusBar();
  void createArchitectureViews();
  void setArchitectureViewsWorkspace(nas::Workspace* ws);
  void refreshArchitectureViews();      // coalesced; deferred while the tab is hidden
  void refreshArchitectureViewsNow();
  void rebuildRecentMenu();
  void addRecent(const QString& path);
  void updateTitle();
  void updateJobActions();
  nas::JobStatus ruleStatus(qint64 id) const;
  bool jobAllows(qint64 id, nas::JobAction action) const;
  void updateRunningLabel();
  void onSelectionChanged(const QList<qint64>& ids);
  void onJobFinished(qint64 id, const QString& status, const QString& error);
  // Asks what to do with running workers before closing or switching; false = abort.
  bool settleRunningJobs(const QString& why);
  void readSettings();
  void writeSettings();
  void reportError(const QString& title, const QString& message);

  std::unique_ptr<nas::Workspace> ws_;
  std::unique_ptr<WorkspaceWatcher> watcher_;
  std::unique_ptr<nas::Engine> engine_;

  JobListModel* jobModel_ = nullptr;
  JobController* controller_ = nullptr;
  JobsPanel* jobsPanel_ = nullptr;
  CurveView* curves_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QDockWidget* jobsDock_ = nullptr;
  QLabel* workspaceLabel_ = nullptr;
  QLabel* runningLabel_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QTimer* tickTimer_ = nullptr;

  QAction* newWorkspaceAct_ = nullptr;
  QAction* openWorkspaceAct_ = nullptr;
  QAction* quitAct_ = nullptr;
  QAction* newJobAct_ = nullptr;
  QAction* startAct_ = nullptr;
  QAction* cancelAct_ = nullptr;
  QAction* deleteAct_ = nullptr;
  QAction* refreshAct_ = nullptr;
  QAction* workersAct_ = nullptr;
  QAction* fitAct_ = nullptr;
  QAction* exportCurvesAct_ = nullptr;
  QAction* helpAct_ = nullptr;
  QAction* aboutQtAct_ = nullptr;

  // The views engineer's widgets (ui/views); see createArchitectureViews().
  ScatterView* scatter_ = nullptr;
  ArchTableView* archTable_ = nullptr;
  ArchitectureView* archView_ = nullptr;
  QWidget* resultsTab_ = nullptr;
  QTimer* archRefreshTimer_ = nullptr;
  bool archViewsStale_ = false;
  // Live generation (ui/generate): the "Generate" tab.
  GeneratePanel* generate_ = nullptr;
  // Latency on this machine (ui/latency): the "Latency" tab.
  LatencyView* latency_ = nullptr;
  // Search progress (ui/search): the "Search" tab.
  SearchProgressPanel* search_ = nullptr;

  RunningJobsPolicy runningPolicy_ = RunningJobsPolicy::Ask;
  int pollIntervalMs_ = 500;
  bool closing_ = false;
};

}  // namespace nas::ui
