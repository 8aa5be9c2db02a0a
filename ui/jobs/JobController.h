#pragma once
// Runs the window's jobs: up to N local worker processes (`nasstudio-cli worker --workspace F
// --exit-when-idle`, N a setting, default 1) that claim queued jobs from the workspace, so a
// crash, an out-of-memory or a kill never takes the window down, and several jobs run at once
// when N > 1. The rules (what may be started, cancelled, re-queued) are nas::JobService's; this
// class only starts and stops processes and turns the workspace's job snapshots (read by
// WorkspaceWatcher on its thread) into signals. Nothing is parsed from a worker's output: the
// workspace is the only channel back (progress, metrics, log lines, status).
//
// A worker that dies (crash, SIGKILL) leaves its job running with a dead pid; the controller
// reaps it at once through JobService: interrupted, and re-queued (setAutoRequeue, default on,
// up to 3 starts) for the next worker to resume from its checkpoint.
//
// Workers run in their own session with SIGPIPE ignored, so that "leave running" on close
// really leaves them running: they keep writing to the workspace after the window is gone.

#include <QHash>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QSet>
#include <QString>
#include <vector>

#include "common/Json.h"
#include "store/Records.h"

namespace nas {
class MethodRegistry;
class Workspace;
}  // namespace nas

namespace nas::ui {

class JobController : public QObject {
  Q_OBJECT

 public:
  explicit JobController(QObject* parent = nullptr);
  // Workers still running are stopped (their jobs cancelled, short wait) unless detachAll().
  ~JobController() override;

  // The GUI thread's workspace (not owned): the rule calls (submit, cancel, requeue, reap) are
  // short writes on it; its path is handed to the workers.
  void setWorkspace(nas::Workspace* ws);
  nas::Workspace* workspace() const { return ws_; }

  // The worker executable: $NAS_CLI_PATH, else nasstudio-cli next to this executable.
  static QString defaultCliPath();
  void setCliPath(const QString& path) { cliPath_ = path; }
  QString cliPath() const { return cliPath_; }

  // How many local worker processes may run at once (>= 1).
  void setMaxWorkers(int n);
  int maxWorkers() const { return maxWorkers_; }
  // Whether a job whose worker died is queued again (JobService::reap's requeue).
  void setAutoRequeue(bool on) { autoRequeue_ = on; }

  // nas::JobService::submit on `ws`: validates the spec against the method's schema and creates
  // a queued job. Throws nas::Error (InvalidArgument naming the parameter, NotFound for an
  // unknown method).
  static qint64 submit(nas::Workspace& ws, const nas::MethodRegistry& registry, const nas::Json& spec);

  // Has a local worker run the job: a queued job is left in the queue, a failed, cancelled or
  // interrupted one is re-queued (resumed from its checkpoint); then a worker is started when
  // fewer than maxWorkers() run. False (with a message) when the rules refuse (running, done),
  // when this window already has the job in hand, or when no worker can be launched.
  bool start(qint64 jobId, QString* error = nullptr);
  // Asks the job to stop (JobService::requestCancel): a queued or interrupted job stops at
  // once; a running one, wherever its worker runs, sees the flag within a second.
  void cancel(qint64 jobId);

  // Feed of the workspace's jobs (WorkspaceWatcher::jobsPolled): learns which job each local
  // worker runs and emits jobStarted / jobFinished for the jobs this window has in hand.
  void onJobsPolled(const std::vector<nas::JobRecord>& jobs);

  bool isRunning(qint64 jobId) const;  // in hand: queued by this window or run by a local worker
  int runningCount() const;            // jobs in hand
  QList<qint64> runningJobs() const;
  int workerCount() const { return workers_.size(); }  // local worker processes alive
  qint64 workerPid(qint64 jobId) const;                // the local worker running the job, or 0

  // On close: cancel the jobs in hand and stop the workers, waiting up to `waitMs` in total;
  // the ones still busy after that are left to finish their cancellation on their own.
  void stopAll(int waitMs);
  // On close: forget the workers without stopping them; they keep working on the queue.
  void detachAll();

 Q_SIGNALS:
  void jobStarted(qint64 jobId);  // a local worker took the job
  void logLine(qint64 jobId, const QString& line);  // the controller's own notes on a job
  // status: "done", "failed", "cancelled" or "interrupted", as the workspace says.
  void jobFinished(qint64 jobId, const QString& status, const QString& error);
  void runningCountChanged(int count);

 private:
  struct Worker {
    QProcess* process = nullptr;
    qint64 pid = 0;
    QString id;  // as the worker records itself in the jobs table: host:pid
    bool stopping = false;
  };

  void ensureWorkers();
  bool launchWorker(QString* error);
  void onWorkerExited(QProcess* process, int exitCode, QProcess::ExitStatus status);
  void reapDeadWorkers();
  Worker* workerById(const std::string& id) const;
  void setInHand(qint64 jobId, bool inHand);

  nas::Workspace* ws_ = nullptr;
  QString cliPath_;
  int maxWorkers_ = 1;
  bool autoRequeue_ = true;
  QList<Worker*> workers_;
  QSet<qint64> inHand_;           // jobs this window queued or a local worker runs
  QHash<qint64, qint64> running_;  // job -> pid of the local worker running it (from snapshots)
  QString lastLaunchError_;
};

}  // namespace nas::ui
