#include "jobs/JobController.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <csignal>
#include <unistd.h>

#include "common/Error.h"
#include "common/Json.h"
#include "jobs/Method.h"
#include "store/Workspace.h"

namespace nas::ui {

namespace {

constexpr int kStderrTailLines = 20;

QString statusFromExitCode(int code) {
  switch (code) {
    case 0: return QStringLiteral("done");
    case 3: return QStringLiteral("cancelled");
    default: return QStringLiteral("failed");
  }
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

void JobController::setWorkspace(nas::Workspace* ws) { ws_ = ws; }

qint64 JobController::submit(nas::Workspace& ws, const nas::MethodRegistry& registry, const nas::Json& spec) {
  if (!spec.is_object() || !spec.contains("method") || !spec["method"].is_string())
    throw nas::Error(nas::ErrorCode::InvalidArgument, "job spec needs a string 'method'", "job spec");
  const std::string name = spec["method"].get<std::string>();
  const nas::Json params = spec.value("params", nas::Json::object());
  if (!params.is_object()) throw nas::Error(nas::ErrorCode::InvalidArgument, "'params' must be a JSON object", "job spec");
  const nas::Method& method = registry.get(name);
  const nas::Json stored{{"method", name}, {"params", method.schema().resolve(params)}};
  return ws.createJob(name, stored.dump());
}

bool JobController::isRunning(qint64 jobId) const { return workers_.contains(jobId); }

int JobController::runningCount() const { return workers_.size(); }

QList<qint64> JobController::runningJobs() const { return workers_.keys(); }

qint64 JobController::workerPid(qint64 jobId) const {
  Worker* w = workers_.value(jobId);
  return w && w->process ? w->process->processId() : 0;
}

bool JobController::start(qint64 jobId, QString* error) {
  auto fail = [&](const QString& msg) {
    if (error) *error = msg;
    return false;
  };
  if (!ws_) return fail(tr("No workspace is open."));
  if (workers_.contains(jobId)) return fail(tr("Job %1 is already running.").arg(jobId));
  try {
    const nas::JobRecord rec = ws_->job(jobId);
    if (rec.status == nas::JobStatus::Running && rec.pid > 0 && ::kill(static_cast<pid_t>(rec.pid), 0) == 0)
      return fail(tr("Job %1 is already running in process %2.").arg(jobId).arg(rec.pid));
    if (rec.status == nas::JobStatus::Done) return fail(tr("Job %1 is already done.").arg(jobId));
    if (rec.cancelRequested) ws_->clearCancel(jobId);
  } catch (const std::exception& e) {
    return fail(QString::fromUtf8(nas::toError(e).what()));
  }

  if (!QFileInfo(cliPath_).isExecutable()) {
    QString msg = tr("The worker program %1 is missing or not executable.").arg(QDir::toNativeSeparators(cliPath_));
    markFailed(jobId, msg);
    return fail(msg);
  }

  auto* w = new Worker;
  w->process = new QProcess(this);
  QProcess* p = w->process;
  p->setProgram(cliPath_);
  p->setArguments({QStringLiteral("run-job"), QStringLiteral("--workspace"), QString::fromStdString(ws_->path()),
                   QStringLiteral("--job"), QString::number(jobId), QStringLiteral("--progress-lines")});
  p->setStandardInputFile(QProcess::nullDevice());
  p->setChildProcessModifier([] {
    // Own session: terminal signals to the GUI do not reach the worker. SIGPIPE ignored (an
    // ignored disposition survives exec): a worker left running after the window closed gets
    // EPIPE on its progress lines instead of dying.
    ::setsid();
    ::signal(SIGPIPE, SIG_IGN);
  });
  connect(p, &QProcess::readyReadStandardOutput, this, [this, jobId] { onReadyStdout(jobId); });
  connect(p, &QProcess::readyReadStandardError, this, [this, jobId] { onReadyStderr(jobId); });
  connect(p, &QProcess::finished, this,
          [this, jobId](int code, QProcess::ExitStatus st) { onProcessFinished(jobId, code, st); });
  connect(p, &QProcess::errorOccurred, this, [this, jobId](QProcess::ProcessError e) { onProcessError(jobId, e); });
  workers_.insert(jobId, w);
  p->start();
  if (!workers_.contains(jobId)) {  // FailedToStart was handled synchronously
    if (error) *error = tr("The worker for job %1 could not be started.").arg(jobId);
    return false;
  }
  Q_EMIT jobStarted(jobId);
  Q_EMIT runningCountChanged(workers_.size());
  return true;
}

void JobController::cancel(qint64 jobId) {
  Worker* w = workers_.value(jobId);
  try {
    if (ws_) {
      const nas::JobRecord rec = ws_->job(jobId);
      const bool workerAlive = w || (rec.status == nas::JobStatus::Running && rec.pid > 0 &&
                                     ::kill(static_cast<pid_t>(rec.pid), 0) == 0);
      if (rec.status == nas::JobStatus::Queued || (rec.status == nas::JobStatus::Running && !workerAlive)) {
        // Nothing runs it: record the decision directly.
        if (!w) ws_->setJobStatus(jobId, nas::JobStatus::Cancelled, rec.error);
      } else if (rec.status == nas::JobStatus::Running) {
        ws_->requestCancel(jobId);
      }
    }
  } catch (const std::exception& e) {
    Q_EMIT logLine(jobId, tr("cancel: %1").arg(QString::fromUtf8(nas::toError(e).what())));
  }
  if (w && w->process && w->process->state() != QProcess::NotRunning) {
    w->cancelRequested = true;
    w->process->terminate();  // SIGTERM: the worker cancels cleanly and keeps its checkpoint
  }
}

void JobController::stopAll(int waitMs) {
  const QList<qint64> ids = workers_.keys();
  for (qint64 id : ids) cancel(id);
  QDeadlineTimer deadline(waitMs);
  for (qint64 id : ids) {
    Worker* w = workers_.value(id);
    if (!w || !w->process) continue;
    const qint64 left = deadline.remainingTime();
    if (left > 0) w->process->waitForFinished(static_cast<int>(left));
    // waitForFinished delivered finished(): the worker may be gone from the map already.
  }
  // Whatever is still busy finishes its cancellation on its own.
  if (!workers_.isEmpty()) detachAll();
}

void JobController::detachAll() {
  for (auto it = workers_.begin(); it != workers_.end(); ++it) {
    Worker* w = it.value();
    if (w->process) {
      w->process->disconnect(this);
      disconnect(w->process, nullptr, this, nullptr);
      // Close our pipe ends (the worker ignores SIGPIPE) and let the QProcess object leak on
      // purpose: destroying a QProcess kills its child, which is what "leave running" avoids.
      w->process->closeReadChannel(QProcess::StandardOutput);
      w->process->closeReadChannel(QProcess::StandardError);
      w->process->setParent(nullptr);
      w->process = nullptr;
    }
    delete w;
  }
  workers_.clear();
  Q_EMIT runningCountChanged(0);
}

void JobController::onReadyStdout(qint64 jobId) {
  Worker* w = workers_.value(jobId);
  if (!w || !w->process) return;
  w->stdoutBuffer += w->process->readAllStandardOutput();
  int nl;
  while ((nl = w->stdoutBuffer.indexOf('\n')) >= 0) {
    QByteArray line = w->stdoutBuffer.left(nl);
    w->stdoutBuffer.remove(0, nl + 1);
    handleLine(jobId, *w, line.trimmed());
    if (workers_.value(jobId) != w) return;
  }
}

void JobController::onReadyStderr(qint64 jobId) {
  Worker* w = workers_.value(jobId);
  if (!w || !w->process) return;
  w->stderrBuffer += w->process->readAllStandardError();
  int nl;
  while ((nl = w->stderrBuffer.indexOf('\n')) >= 0) {
    QString line = QString::fromUtf8(w->stderrBuffer.left(nl)).trimmed();
    w->stderrBuffer.remove(0, nl + 1);
    if (line.isEmpty()) continue;
    w->stderrTail << line;
    while (w->stderrTail.size() > kStderrTailLines) w->stderrTail.removeFirst();
    Q_EMIT logLine(jobId, line);
    // A slot may have finished (and deleted) this worker, e.g. through a nested event loop.
    if (workers_.value(jobId) != w) return;
  }
}

void JobController::handleLine(qint64 jobId, Worker& w, const QByteArray& line) {
  if (line.isEmpty()) return;
  const nas::Json j = nas::Json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("event")) {
    Q_EMIT logLine(jobId, QString::fromUtf8(line));
    return;
  }
  try {
    const std::string event = j.value("event", std::string());
    if (event == "progress") {
      Q_EMIT progressChanged(jobId, j.value("fraction", 0.0), QString::fromStdString(j.value("stage", std::string())));
    } else if (event == "metric") {
      Q_EMIT metricReceived(jobId, QString::fromStdString(j.value("series", std::string())),
                            j.value("step", static_cast<std::int64_t>(0)), j.value("value", 0.0));
    } else if (event == "log") {
      Q_EMIT logLine(jobId, QString::fromStdString(j.value("line", std::string())));
    } else if (event == "finished") {
      w.sawFinished = true;
      w.finishedStatus = QString::fromStdString(j.value("status", std::string("failed")));
      w.finishedError = QString::fromStdString(j.value("error", std::string()));
    } else {
      Q_EMIT logLine(jobId, QString::fromUtf8(line));
    }
  } catch (const std::exception&) {
    // A field of the wrong type: show the line rather than lose it.
    Q_EMIT logLine(jobId, QString::fromUtf8(line));
  }
}

void JobController::onProcessFinished(qint64 jobId, int exitCode, QProcess::ExitStatus exitStatus) {
  if (!workers_.value(jobId)) return;
  // Drain what is left in the pipes (the last lines often arrive with the exit). Both emit
  // signals whose slots may re-enter this controller, so the worker is looked up afresh.
  onReadyStdout(jobId);
  onReadyStderr(jobId);
  Worker* w = workers_.value(jobId);
  if (!w) return;
  if (!w->stdoutBuffer.trimmed().isEmpty()) {
    const QByteArray rest = w->stdoutBuffer.trimmed();
    w->stdoutBuffer.clear();
    handleLine(jobId, *w, rest);
    w = workers_.value(jobId);
    if (!w) return;
  }
  if (w->sawFinished) {
    finishWorker(jobId, w->finishedStatus, w->finishedError);
    return;
  }
  if (exitStatus == QProcess::NormalExit && (exitCode == 0 || exitCode == 2 || exitCode == 3)) {
    finishWorker(jobId, statusFromExitCode(exitCode), w->stderrTail.isEmpty() ? QString() : w->stderrTail.last());
    return;
  }
  // The worker died without recording an outcome (crash, kill -9, out of memory).
  QString msg = exitStatus == QProcess::CrashExit
                    ? tr("The worker process stopped unexpectedly (crashed or was killed).")
                    : tr("The worker process exited with code %1.").arg(exitCode);
  if (!w->stderrTail.isEmpty()) msg += QLatin1Char(' ') + w->stderrTail.last();
  if (w->cancelRequested) {
    try {
      if (ws_ && ws_->job(jobId).status == nas::JobStatus::Running)
        ws_->setJobStatus(jobId, nas::JobStatus::Cancelled);
    } catch (const std::exception&) {
    }
    finishWorker(jobId, QStringLiteral("cancelled"), QString());
    return;
  }
  markFailed(jobId, msg);
  finishWorker(jobId, QStringLiteral("failed"), msg);
}

void JobController::onProcessError(qint64 jobId, QProcess::ProcessError error) {
  if (error != QProcess::FailedToStart) return;  // the others are followed by finished()
  Worker* w = workers_.value(jobId);
  if (!w) return;
  QString msg = tr("Could not start the worker %1: %2")
                    .arg(QDir::toNativeSeparators(cliPath_), w->process ? w->process->errorString() : QString());
  markFailed(jobId, msg);
  finishWorker(jobId, QStringLiteral("failed"), msg);
}

void JobController::markFailed(qint64 jobId, const QString& message) {
  if (!ws_) return;
  try {
    const nas::JobRecord rec = ws_->job(jobId);
    if (rec.status == nas::JobStatus::Running || rec.status == nas::JobStatus::Queued)
      ws_->setJobStatus(jobId, nas::JobStatus::Failed, message.toStdString());
  } catch (const std::exception& e) {
    Q_EMIT logLine(jobId, QString::fromUtf8(nas::toError(e).what()));
  }
}

void JobController::finishWorker(qint64 jobId, QString status, QString error) {
  Worker* w = workers_.take(jobId);
  if (!w) return;
  if (w->process) {
    w->process->disconnect(this);
    w->process->deleteLater();
  }
  delete w;
  Q_EMIT jobFinished(jobId, status, error);
  Q_EMIT runningCountChanged(workers_.size());
}

}  // namespace nas::ui
