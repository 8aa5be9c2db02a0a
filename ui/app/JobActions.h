#pragma once
// The window's job actions (New Job, Start/Resume, Cancel, Delete, Local Workers) and what
// they do: submit a spec and have a worker run it, start/resume, cancel and delete the
// selected jobs, and settle the window's workers on close. Whether an action is allowed for a
// job is nas::jobTransition's answer (core/jobs/JobService.h), never a rule of this class.

#include <QObject>
#include <QString>
#include <functional>

#include "common/Json.h"

class QAction;
class QLabel;
class QProcess;
class QWidget;

namespace nas {
class Engine;
class Workspace;
enum class JobAction;
enum class JobStatus;
}  // namespace nas

namespace nas::ui {

class JobController;
class JobListModel;
class JobsPanel;
enum class JobDisplayStatus;

class JobActions : public QObject {
  Q_OBJECT

 public:
  // What closing the window does with the workers it started that are still running.
  enum class RunningJobsPolicy { Ask, LeaveRunning, Stop };

  // The window's parts the actions use; the window outlives this object.
  struct Context {
    QWidget* window = nullptr;  // parent of dialogs
    JobController* controller = nullptr;
    JobListModel* model = nullptr;
    std::function<JobsPanel*()> panel;
    std::function<nas::Workspace*()> workspace;
    std::function<bool()> readOnly;  // the open workspace may only be browsed
    std::function<nas::Engine&()> engine;
    std::function<void(const QString& title, const QString& message)> reportError;
    std::function<void(const QString& message, int ms)> showStatus;
    std::function<void()> showCurves;  // brings the Curves tab forward
    std::function<void()> pollSoon;    // asks the workspace watcher for a poll
  };

  explicit JobActions(Context context, QObject* parent = nullptr);

  QAction* newJobAction() const { return newJob_; }
  QAction* startAction() const { return start_; }
  QAction* cancelAction() const { return cancel_; }
  QAction* deleteAction() const { return delete_; }
  QAction* workersAction() const { return workers_; }
  // "2 jobs running", for the status bar (a child of the window).
  QLabel* runningLabel() const { return runningLabel_; }
  // "Fill With the Demo": runs `nasstudio-cli demo` on the open (empty, writable) workspace; its
  // jobs appear through the watcher like any other process's (issue 21: a first run).
  QAction* demoAction() const { return demo_; }
  bool demoRunning() const;
  // Connects the controller, the model and a 1 s tick (elapsed times, liveness) to the
  // actions, the log and the running label; call once the jobs panel exists.
  void wire();
  void updateRunningLabel();

  // The status the rules apply to, from what the job list shows (cancelling is running).
  static nas::JobStatus ruleStatus(JobDisplayStatus shown);

  qint64 submitAndStart(const nas::Json& spec, QString* error = nullptr);
  void newJob();
  void startSelected();
  void cancelSelected();
  void deleteSelected();
  // Enables the actions for the selected jobs.
  void update();
  // Asks (per policy) what to do with the window's running workers before `why`; false = abort.
  bool settleRunningJobs(RunningJobsPolicy policy, const QString& why);

 private:
  bool offersStart(qint64 id) const;
  bool allows(qint64 id, nas::JobAction action) const;
  void onJobFinished(qint64 id, const QString& status, const QString& error);

  Context c_;
  QAction* newJob_ = nullptr;
  QAction* start_ = nullptr;
  QAction* cancel_ = nullptr;
  QAction* delete_ = nullptr;
  QAction* workers_ = nullptr;
  QAction* demo_ = nullptr;
  QProcess* demoProcess_ = nullptr;
  void runDemo();
  QLabel* runningLabel_ = nullptr;
};

}  // namespace nas::ui
