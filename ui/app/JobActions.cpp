#include "app/JobActions.h"

#include <QAction>
#include <QApplication>
#include <QInputDialog>
#include <algorithm>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QProcess>
#include <QSettings>
#include <QTimer>

#include "common/Error.h"
#include "engine/Engine.h"
#include "forms/NewJobDialog.h"
#include "jobs/JobController.h"
#include "jobs/JobService.h"
#include "jobs/JobsPanel.h"
#include "models/JobListModel.h"
#include "store/Workspace.h"
#include "widgets/Plural.h"

namespace nas::ui {

namespace {

constexpr int kStopWaitMs = 4000;

QString errorText(const std::exception& e) { return QString::fromUtf8(nas::toError(e).what()); }

QIcon icon(const char* name) { return QIcon(QStringLiteral(":/nas/icons/%1.svg").arg(QLatin1String(name))); }

}  // namespace

JobActions::JobActions(Context context, QObject* parent) : QObject(parent), c_(std::move(context)) {
  newJob_ = new QAction(icon("job-new"), tr("&New Job…"), this);
  newJob_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
  newJob_->setStatusTip(tr("Train a network or run a search in a background worker"));
  newJob_->setToolTip(tr("New job (Ctrl+J)"));
  connect(newJob_, &QAction::triggered, this, &JobActions::newJob);

  start_ = new QAction(icon("job-start"), tr("&Start / Resume"), this);
  start_->setObjectName(QStringLiteral("startJobAction"));
  start_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  start_->setStatusTip(tr("Start the selected queued jobs, or resume cancelled and interrupted ones"));
  start_->setToolTip(tr("Start or resume the selected jobs (Ctrl+R)"));
  connect(start_, &QAction::triggered, this, &JobActions::startSelected);

  cancel_ = new QAction(icon("job-cancel"), tr("&Cancel"), this);
  cancel_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
  cancel_->setStatusTip(tr("Stop the selected jobs cleanly; they keep their checkpoint and can be resumed"));
  cancel_->setToolTip(tr("Cancel the selected jobs (Ctrl+.)"));
  connect(cancel_, &QAction::triggered, this, &JobActions::cancelSelected);

  delete_ = new QAction(icon("job-delete"), tr("&Delete"), this);
  delete_->setShortcut(QKeySequence::Delete);
  delete_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  delete_->setStatusTip(tr("Delete the selected jobs with their curves and checkpoints"));
  connect(delete_, &QAction::triggered, this, &JobActions::deleteSelected);

  workers_ = new QAction(tr("Local &Workers…"), this);
  workers_->setStatusTip(tr("How many worker processes of this window run queued jobs at once"));
  connect(workers_, &QAction::triggered, this, [this] {
    bool ok = false;
    const int n = QInputDialog::getInt(c_.window, tr("Local Workers"),
                                       tr("Worker processes that run queued jobs at the same time:"),
                                       c_.controller->maxWorkers(), 1, 64, 1, &ok);
    if (!ok) return;
    c_.controller->setMaxWorkers(n);
    QSettings().setValue(QStringLiteral("jobs/localWorkers"), n);
  });
  c_.controller->setMaxWorkers(QSettings().value(QStringLiteral("jobs/localWorkers"), 1).toInt());

  demo_ = new QAction(tr("Fill With the &Demo"), this);
  demo_->setObjectName(QStringLiteral("demoAction"));
  demo_->setStatusTip(tr("Run the demo into this empty workspace (about 3 minutes on 2 cores): searches, a training "
                         "run, a latency profile and a small SGNAS generator, so that every tab has something to show"));
  connect(demo_, &QAction::triggered, this, &JobActions::runDemo);

  runningLabel_ = new QLabel(c_.window);
  runningLabel_->setObjectName(QStringLiteral("runningLabel"));
  runningLabel_->setContentsMargins(8, 0, 8, 0);
}

void JobActions::wire() {
  connect(c_.controller, &JobController::logLine, c_.panel(), &JobsPanel::appendLog);
  connect(c_.controller, &JobController::jobFinished, this, &JobActions::onJobFinished);
  connect(c_.controller, &JobController::jobStarted, this, &JobActions::update);
  connect(c_.controller, &JobController::runningCountChanged, this, [this] {
    updateRunningLabel();
    update();
  });
  connect(c_.model, &QAbstractItemModel::dataChanged, this, &JobActions::update);
  auto* tick = new QTimer(this);
  tick->setInterval(1000);
  connect(tick, &QTimer::timeout, this, [this] {
    c_.model->tick();
    updateRunningLabel();
  });
  tick->start();
  update();
  updateRunningLabel();
}

void JobActions::onJobFinished(qint64 id, const QString& status, const QString& error) {
  QString text = tr("Job %1 finished: %2").arg(id).arg(status);
  if (!error.isEmpty()) text += QStringLiteral(" — ") + error.section(QLatin1Char('\n'), 0, 0);
  c_.panel()->appendLog(id, text);
  c_.showStatus(text, 10000);
  c_.pollSoon();
  update();
  updateRunningLabel();
}

void JobActions::updateRunningLabel() {
  const int running = std::max(c_.model->runningCount(), c_.controller->runningCount());
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

nas::JobStatus JobActions::ruleStatus(JobDisplayStatus shown) {
  switch (shown) {
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

bool JobActions::allows(qint64 id, nas::JobAction action) const {
  return nas::jobTransition(ruleStatus(c_.model->displayStatus(id)), action).allowed;
}

// The window offers Start / Resume for queued, cancelled and interrupted jobs. A failed job
// threw from its own code or inputs: resuming it runs the same spec into the same error, so it
// is not offered here and the job does not look resumable (issue 21). The core rules still allow
// it (`nasstudio-cli jobs resume`), for a failure whose cause was fixed outside the job.
bool JobActions::offersStart(qint64 id) const {
  return c_.model->displayStatus(id) != JobDisplayStatus::Failed && allows(id, nas::JobAction::Start);
}

bool JobActions::demoRunning() const { return demoProcess_ && demoProcess_->state() != QProcess::NotRunning; }

void JobActions::runDemo() {
  nas::Workspace* ws = c_.workspace();
  if (!ws || demoRunning()) return;
  const QString path = QString::fromStdString(ws->path());
  if (!demoProcess_) {
    demoProcess_ = new QProcess(this);
    demoProcess_->setProcessChannelMode(QProcess::MergedChannels);
    connect(demoProcess_, &QProcess::readyRead, this, [this] {
      // Step headings go to the status bar; the jobs themselves show in the Jobs panel.
      while (demoProcess_->canReadLine()) {
        const QString line = QString::fromLocal8Bit(demoProcess_->readLine()).trimmed();
        if (!line.isEmpty() && line.at(0).isDigit()) c_.showStatus(tr("Demo: %1").arg(line), 0);
      }
    });
    connect(demoProcess_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
      const bool ok = status == QProcess::NormalExit && code == 0;
      c_.showStatus(ok ? tr("Demo done: every tab has something to show.") : tr("The demo stopped (exit code %1); see the failed job's details.").arg(code), 0);
      update();
      c_.pollSoon();
    });
  }
  demoProcess_->setProgram(c_.controller->cliPath());
  demoProcess_->setArguments({QStringLiteral("demo"), QStringLiteral("--workspace"), path});
  demoProcess_->start();
  if (!demoProcess_->waitForStarted(5000)) {
    c_.reportError(tr("Demo"), tr("Could not start %1: %2").arg(c_.controller->cliPath(), demoProcess_->errorString()));
    return;
  }
  c_.showStatus(tr("Demo started: its jobs appear in the Jobs panel as they run."), 0);
  update();
}

qint64 JobActions::submitAndStart(const nas::Json& spec, QString* error) {
  nas::Workspace* ws = c_.workspace();
  if (!ws) {
    if (error) *error = tr("No workspace is open.");
    return 0;
  }
  qint64 id = 0;
  try {
    id = JobController::submit(*ws, c_.engine().methods(), spec);
    c_.model->setJobs(ws->jobs());
    c_.pollSoon();  // drops snapshots read before the job existed
  } catch (const std::exception& e) {
    if (error) *error = errorText(e);
    return 0;
  }
  c_.panel()->selectJob(id);
  QString why;
  if (!c_.controller->start(id, &why)) {
    if (error) *error = why;
    return id;  // the job exists (queued); the caller shows why it does not run
  }
  c_.showStatus(tr("Queued job %1 (%2)").arg(id).arg(QString::fromStdString(spec.value("method", ""))), 4000);
  return id;
}

void JobActions::newJob() {
  if (!c_.workspace()) {
    c_.reportError(tr("New Job"), tr("Open or create a workspace first."));
    return;
  }
  try {
    NewJobDialog dialog(c_.engine().methods(), c_.window);
    dialog.setPastJobs(c_.workspace()->jobs());  // finished jobs calibrate the run-time estimate
    if (dialog.exec() != QDialog::Accepted) return;
    QString error;
    const qint64 id = submitAndStart(dialog.spec(), &error);
    if (!error.isEmpty())
      c_.reportError(tr("New Job"), id ? tr("Job %1 could not be started:\n%2").arg(id).arg(error) : error);
    else
      c_.showCurves();
  } catch (const std::exception& e) {
    c_.reportError(tr("New Job"), errorText(e));
  }
}

void JobActions::startSelected() {
  QStringList problems;
  for (qint64 id : c_.panel()->selectedJobIds()) {
    if (c_.controller->isRunning(id) || !offersStart(id)) continue;
    QString why;
    if (!c_.controller->start(id, &why)) problems << tr("Job %1: %2").arg(id).arg(why);
  }
  if (!problems.isEmpty()) c_.reportError(tr("Start Job"), problems.join(QLatin1Char('\n')));
  update();
}

void JobActions::cancelSelected() {
  for (qint64 id : c_.panel()->selectedJobIds()) {
    if (!allows(id, nas::JobAction::RequestCancel)) continue;
    c_.controller->cancel(id);
    c_.panel()->appendLog(id, tr("cancel requested"));
  }
  update();
}

void JobActions::deleteSelected() {
  nas::Workspace* ws = c_.workspace();
  if (!ws) return;
  QList<qint64> ids;
  for (qint64 id : c_.panel()->selectedJobIds())
    if (!c_.controller->isRunning(id) && allows(id, nas::JobAction::Delete)) ids << id;
  if (ids.isEmpty()) return;
  QStringList names;
  for (qint64 id : ids) names << QStringLiteral("#%1").arg(id);
  const auto answer = QMessageBox::question(
      c_.window, tr("Delete Jobs"),
      tr("Delete %1 (%2) with their curves, samples and checkpoints?\n"
         "Architectures and their evaluations stay in the workspace.")
          .arg(plural(ids.size(), tr("job"), tr("jobs")), names.join(QStringLiteral(", "))),
      QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
  if (answer != QMessageBox::Yes) return;
  try {
    nas::JobService service(*ws);
    for (qint64 id : ids) service.remove(id);
    c_.model->setJobs(ws->jobs());
    c_.pollSoon();
  } catch (const std::exception& e) {
    c_.reportError(tr("Delete Jobs"), errorText(e));
  }
}

void JobActions::update() {
  JobsPanel* panel = c_.panel();
  const QList<qint64> ids = panel ? panel->selectedJobIds() : QList<qint64>();
  bool canStart = false, canCancel = false, canDelete = false, anyQueued = false;
  for (qint64 id : ids) {
    const bool ours = c_.controller->isRunning(id);
    if (!ours && offersStart(id)) canStart = true;
    if (!ours && c_.model->displayStatus(id) == JobDisplayStatus::Queued) anyQueued = true;
    if (allows(id, nas::JobAction::RequestCancel)) canCancel = true;
    if (!ours && allows(id, nas::JobAction::Delete)) canDelete = true;
  }
  // A read-only workspace is browsed: nothing that writes it is offered.
  const bool haveWs = c_.workspace() != nullptr && !(c_.readOnly && c_.readOnly());
  newJob_->setEnabled(haveWs);
  start_->setEnabled(haveWs && canStart);
  start_->setText(anyQueued ? tr("&Start") : tr("&Resume"));
  cancel_->setEnabled(haveWs && canCancel);
  delete_->setEnabled(haveWs && canDelete);
  demo_->setEnabled(haveWs && c_.model->rowCount() == 0 && !demoRunning());
}

bool JobActions::settleRunningJobs(RunningJobsPolicy policy, const QString& why) {
  const int n = c_.controller->runningCount();
  if (n == 0 && c_.controller->workerCount() == 0) return true;
  if (policy == RunningJobsPolicy::Ask && n > 0) {
    QMessageBox box(c_.window);
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(tr("Jobs Still Running"));
    box.setText(n == 1 ? tr("A job started from this window is still running or queued.")
                       : tr("%1 jobs started from this window are still running or queued.").arg(n));
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
    c_.showStatus(tr("Stopping %1…").arg(plural(n, tr("job"), tr("jobs"))), 0);
    c_.controller->stopAll(kStopWaitMs);
    QApplication::restoreOverrideCursor();
  } else {
    c_.controller->detachAll();
  }
  return true;
}

}  // namespace nas::ui
