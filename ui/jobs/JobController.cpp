#include "jobs/JobController.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <csignal>
#include <unistd.h>

#include "common/Error.h"
#include "jobs/JobService.h"
#include "store/Workspace.h"

namespace nas::ui {

namespace {

QString errorText(const std::exception& e) { return QString::fromUtf8(nas::toError(e).what()); }

bool finishedStatus(nas::JobStatus s) {
  return s == nas::JobStatus::Done || s == nas::JobStatus::Failed || s == nas::JobStatus::Cancelled ||
         s == nas::JobStatus::Interrupted;
}

}  // namespace

JobController::JobController(QObject* parent) : QObject(parent), cliPath_(defaultCliPath()) {}

JobController::~JobController() {
  if (!workers_.isEmpty()) stopAll(5000);
}

QString JobController::defaultCliPath() {
  const QByteArray env = qgetenv("NAS_CLI_PATH");
  if (!env.isEmpty()) return QString::fromLocal8Bit(env);
  return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("nasstudio-cli"));
}

void JobController::setWorkspace(nas::Workspace* ws) {
  ws_ = ws;
  inHand_.clear();
  running_.clear();
}

void JobController::setMaxWorkers(int n) {
  maxWorkers_ = std::max(1, n);
  if (!inHand_.isEmpty()) ensureWorkers();
}

qint64 JobController::submit(nas::Workspace& ws, const nas::MethodRegistry& registry, const nas::Json& spec) {
  return nas::JobService(ws).submit(registry, spec);
}

bool JobController::isRunning(qint64 jobId) const { return inHand_.contains(jobId); }

int JobController::runningCount() const { return inHand_.size(); }

QList<qint64> JobController::runningJobs() const { return inHand_.values(); }

qint64 JobController::workerPid(qint64 jobId) const { return running_.value(jobId, 0); }

JobController::Worker* JobController::workerById(const std::string& id) const {
  const QString wanted = QString::fromStdString(id);
  for (Worker* w : workers_)
    if (w->id == wanted) return w;
  return nullptr;
}

void JobController::setInHand(qint64 jobId, bool inHand) {
  const int before = inHand_.size();
  if (inHand) inHand_.insert(jobId);
  else {
    inHand_.remove(jobId);
    running_.remove(jobId);
  }
  if (inHand_.size() != before) Q_EMIT runningCountChanged(inHand_.size());
}

bool JobController::start(qint64 jobId, QString* error) {
  auto fail = [&](const QString& msg) {
    if (error) *error = msg;
    return false;
  };
  if (!ws_) return fail(tr("No workspace is open."));
  if (inHand_.contains(jobId)) return fail(tr("Job %1 is already queued or running here.").arg(jobId));
  try {
    nas::JobService service(*ws_);
    const nas::JobRecord rec = ws_->job(jobId);
    // A queued job only needs a worker; anything else is a resume, which the rules decide.
    if (service.effectiveStatus(rec) != nas::JobStatus::Queued) service.requeue(jobId);
  } catch (const std::exception& e) {
    return fail(errorText(e));
  }
  setInHand(jobId, true);
  ensureWorkers();
  if (workers_.isEmpty()) {
    // Nothing can run it: the job stays queued for a worker started later (or from the CLI).
    setInHand(jobId, false);
    return fail(lastLaunchError_.isEmpty() ? tr("No worker could be started.") : lastLaunchError_);
  }
  return true;
}

void JobController::cancel(qint64 jobId) {
  if (!ws_) return;
  try {
    const nas::JobService::CancelResult r = nas::JobService(*ws_).requestCancel(jobId);
    if (!r.requested) {
      // Nothing ran it: it stopped now.
      if (inHand_.contains(jobId)) {
        setInHand(jobId, false);
        Q_EMIT jobFinished(jobId, QString::fromLatin1(nas::jobStatusName(r.status)), QString());
      }
    }
  } catch (const std::exception& e) {
    Q_EMIT logLine(jobId, tr("cancel: %1").arg(errorText(e)));
  }
}

void JobController::onJobsPolled(const std::vector<nas::JobRecord>& jobs) {
  bool anyQueued = false;
  for (const nas::JobRecord& j : jobs) {
    if (j.status == nas::JobStatus::Queued) anyQueued = true;
    Worker* local = j.status == nas::JobStatus::Running ? workerById(j.worker) : nullptr;
    if (local) {
      // A local worker runs it (also a job queued from the CLI that our worker took).
      if (!running_.contains(j.id)) {
        setInHand(j.id, true);
        running_.insert(j.id, local->pid);
        Q_EMIT jobStarted(j.id);
      }
      continue;
    }
    if (!inHand_.contains(j.id)) continue;
    if (j.status == nas::JobStatus::Queued) {
      running_.remove(j.id);  // re-queued after its worker died: waiting for the next one
      continue;
    }
    if (j.status == nas::JobStatus::Running) {
      // Taken by a worker of another window or machine: no longer ours to report.
      setInHand(j.id, false);
      continue;
    }
    if (finishedStatus(j.status)) {
      setInHand(j.id, false);
      Q_EMIT jobFinished(j.id, QString::fromLatin1(nas::jobStatusName(j.status)), QString::fromStdString(j.error));
    }
  }
  // Jobs deleted meanwhile are no longer in hand.
  QSet<qint64> present;
  for (const nas::JobRecord& j : jobs) present.insert(j.id);
  for (qint64 id : inHand_.values())
    if (!present.contains(id)) setInHand(id, false);
  if (!inHand_.isEmpty() && anyQueued) ensureWorkers();
}

void JobController::ensureWorkers() {
  if (!ws_) return;
  int alive = 0;
  for (Worker* w : workers_)
    if (!w->stopping) ++alive;
  // One worker per job in hand that no local worker runs yet, up to the limit.
  const int waiting = inHand_.size() - running_.size();
  const int wanted = std::min(maxWorkers_, alive + std::max(0, waiting)) - alive;
  for (int i = 0; i < wanted; ++i)
    if (!launchWorker(&lastLaunchError_)) break;
}

bool JobController::launchWorker(QString* error) {
  if (!QFileInfo(cliPath_).isExecutable()) {
    if (error) *error = tr("The worker program %1 is missing or not executable.").arg(QDir::toNativeSeparators(cliPath_));
    return false;
  }
  auto* p = new QProcess(this);
  p->setProgram(cliPath_);
  p->setArguments({QStringLiteral("worker"), QStringLiteral("--workspace"), QString::fromStdString(ws_->path()),
                   QStringLiteral("--exit-when-idle"), QStringLiteral("--poll-ms"), QStringLiteral("500")});
  p->setStandardInputFile(QProcess::nullDevice());
  // The trace on stdout is for people; the window reads the workspace, so it is dropped here.
  p->setStandardOutputFile(QProcess::nullDevice());
  p->setStandardErrorFile(QProcess::nullDevice());
  p->setChildProcessModifier([] {
    // Own session: terminal signals to the GUI do not reach the worker. SIGPIPE ignored (an
    // ignored disposition survives exec).
    ::setsid();
    ::signal(SIGPIPE, SIG_IGN);
  });
  // No waitForStarted(): the pid is known once start() has forked, and an exec that fails later
  // arrives as errorOccurred(FailedToStart), so the window never blocks on a starting worker.
  p->start();
  if (p->state() == QProcess::NotRunning || p->processId() <= 0) {
    if (error) *error = tr("Could not start the worker %1: %2").arg(QDir::toNativeSeparators(cliPath_), p->errorString());
    p->deleteLater();
    return false;
  }
  auto* w = new Worker;
  w->process = p;
  w->pid = p->processId();
  w->id = QString::fromStdString(nas::thisHostName()) + QLatin1Char(':') + QString::number(w->pid);
  workers_.append(w);
  connect(p, &QProcess::finished, this, [this, p](int code, QProcess::ExitStatus st) { onWorkerExited(p, code, st); });
  connect(p, &QProcess::errorOccurred, this, [this, p](QProcess::ProcessError e) {
    if (e == QProcess::FailedToStart) onWorkerExited(p, -1, QProcess::CrashExit);
  });
  return true;
}

void JobController::onWorkerExited(QProcess* process, int exitCode, QProcess::ExitStatus status) {
  auto it = std::find_if(workers_.begin(), workers_.end(), [process](Worker* w) { return w->process == process; });
  if (it == workers_.end()) return;
  Worker* w = *it;
  workers_.erase(it);
  const bool crashed = status == QProcess::CrashExit || exitCode != 0;
  QList<qint64> itsJobs;
  for (auto j = running_.begin(); j != running_.end(); ++j)
    if (j.value() == w->pid) itsJobs << j.key();
  if (crashed)
    for (qint64 id : itsJobs)
      Q_EMIT logLine(id, status == QProcess::CrashExit
                             ? tr("worker %1 stopped unexpectedly (crashed or was killed)").arg(w->id)
                             : tr("worker %1 exited with code %2").arg(w->id).arg(exitCode));
  process->deleteLater();
  delete w;
  // A dead worker's job is recorded at once (interrupted, re-queued per the setting), and
  // another worker takes over when jobs wait.
  reapDeadWorkers();
  if (!inHand_.isEmpty()) ensureWorkers();
}

void JobController::reapDeadWorkers() {
  if (!ws_) return;
  try {
    const nas::JobService::Reaped r = nas::JobService(*ws_).reap(autoRequeue_);
    for (qint64 id : r.requeued) {
      running_.remove(id);
      Q_EMIT logLine(id, tr("re-queued: its worker is gone"));
    }
    for (qint64 id : r.interrupted) {
      if (!inHand_.contains(id)) continue;
      const nas::JobRecord rec = ws_->job(id);
      setInHand(id, false);
      Q_EMIT jobFinished(id, QString::fromLatin1(nas::jobStatusName(rec.status)), QString::fromStdString(rec.error));
    }
  } catch (const std::exception& e) {
    Q_EMIT logLine(0, tr("reaping dead workers: %1").arg(errorText(e)));
  }
}

void JobController::stopAll(int waitMs) {
  for (qint64 id : inHand_.values()) cancel(id);
  for (Worker* w : workers_) {
    w->stopping = true;
    if (w->process && w->process->state() != QProcess::NotRunning)
      w->process->terminate();  // SIGTERM: the worker cancels its job cleanly and exits
  }
  QDeadlineTimer deadline(waitMs);
  for (Worker* w : QList<Worker*>(workers_)) {
    if (!workers_.contains(w) || !w->process) continue;
    const qint64 left = deadline.remainingTime();
    if (left > 0) w->process->waitForFinished(static_cast<int>(left));
    // waitForFinished delivered finished(): the worker may be gone from the list already.
  }
  // Whatever is still busy finishes its cancellation on its own.
  if (!workers_.isEmpty()) detachAll();
  for (qint64 id : inHand_.values()) setInHand(id, false);
}

void JobController::detachAll() {
  for (Worker* w : workers_) {
    if (w->process) {
      disconnect(w->process, nullptr, this, nullptr);
      // Let the QProcess object leak on purpose: destroying a QProcess kills its child, which is
      // what "leave running" avoids. Its output goes to /dev/null, so no pipe can fill up.
      w->process->setParent(nullptr);
      w->process = nullptr;
    }
    delete w;
  }
  workers_.clear();
  running_.clear();
  const bool had = !inHand_.isEmpty();
  inHand_.clear();
  if (had) Q_EMIT runningCountChanged(0);
}

}  // namespace nas::ui
