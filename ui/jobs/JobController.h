#pragma once
// Runs jobs in worker processes (`nasstudio-cli run-job --workspace F --job ID --progress-lines`)
// so that a crash, an out-of-memory or a kill never takes the window down. Owns one QProcess
// per running job, parses the worker's JSON progress lines and re-emits them as signals on the
// GUI thread. The workspace stays the source of truth: the controller only fills in what a
// dead worker could not write (a crash leaves "running"; the controller records "failed").
//
// Workers are started in their own session with SIGPIPE ignored, so that "leave running" on
// close really leaves them running: they keep writing to the workspace after the window is
// gone, and their progress lines to a closed pipe are dropped instead of killing them.

#include <QHash>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include "common/Json.h"

namespace nas {
class MethodRegistry;
class Workspace;
}  // namespace nas

namespace nas::ui {

class JobController : public QObject {
  Q_OBJECT

 public:
  explicit JobController(QObject* parent = nullptr);
  // Workers still running are stopped (cancel, short wait) unless detachAll() was called.
  ~JobController() override;

  // The GUI thread's workspace (not owned); its path is handed to the workers.
  void setWorkspace(nas::Workspace* ws);
  nas::Workspace* workspace() const { return ws_; }

  // The worker executable: $NAS_CLI_PATH, else nasstudio-cli next to this executable.
  static QString defaultCliPath();
  void setCliPath(const QString& path) { cliPath_ = path; }
  QString cliPath() const { return cliPath_; }

  // Validates a spec {"method": ..., "params": {...}} against the method's schema and creates a
  // queued job through `ws`: what nas::submitJob does, but on the caller's connection (a second
  // connection in this process would endanger the WAL; see WorkspaceWatcher.h). Throws
  // nas::Error (InvalidArgument naming the parameter, NotFound for an unknown method).
  static qint64 submit(nas::Workspace& ws, const nas::MethodRegistry& registry, const nas::Json& spec);

  // Starts a worker for a queued job, or resumes a failed, cancelled or interrupted one.
  // Returns false (with a message) when the job already has a worker here or the worker
  // cannot be launched; the job is then marked failed with that message.
  bool start(qint64 jobId, QString* error = nullptr);
  // Asks the job to stop: the flag in the workspace (seen by any worker, even one started from
  // the CLI) plus SIGTERM to our own worker. A job whose worker is gone is marked cancelled.
  void cancel(qint64 jobId);

  bool isRunning(qint64 jobId) const;
  int runningCount() const;
  QList<qint64> runningJobs() const;
  qint64 workerPid(qint64 jobId) const;

  // On close: cancel every worker and wait up to `waitMs` in total for them to exit; the ones
  // still busy after that are left to finish their cancellation on their own.
  void stopAll(int waitMs);
  // On close: forget the workers without stopping them; they keep writing to the workspace.
  void detachAll();

 Q_SIGNALS:
  void jobStarted(qint64 jobId);
  void progressChanged(qint64 jobId, double fraction, const QString& stage);
  void metricReceived(qint64 jobId, const QString& series, qint64 step, double value);
  void logLine(qint64 jobId, const QString& line);
  // status: "done", "failed", "cancelled" (from the worker) or "failed" for a crashed worker.
  void jobFinished(qint64 jobId, const QString& status, const QString& error);
  void runningCountChanged(int count);

 private:
  struct Worker {
    QProcess* process = nullptr;
    QByteArray stdoutBuffer;
    QByteArray stderrBuffer;
    QStringList stderrTail;
    bool sawFinished = false;
    QString finishedStatus;
    QString finishedError;
    bool cancelRequested = false;
  };

  void onReadyStdout(qint64 jobId);
  void onReadyStderr(qint64 jobId);
  void onProcessFinished(qint64 jobId, int exitCode, QProcess::ExitStatus exitStatus);
  void onProcessError(qint64 jobId, QProcess::ProcessError error);
  void handleLine(qint64 jobId, Worker& w, const QByteArray& line);
  void markFailed(qint64 jobId, const QString& message);
  // By value: callers pass the worker's own strings, and the worker is deleted before emitting.
  void finishWorker(qint64 jobId, QString status, QString error);

  nas::Workspace* ws_ = nullptr;
  QString cliPath_;
  QHash<qint64, Worker*> workers_;
};

}  // namespace nas::ui
