// JobController with real workers (nasstudio-cli worker, from NAS_CLI_PATH): a short training
// job on the synthetic set reports progress, curve points and log lines through the workspace,
// is cancelled cleanly and resumed; a worker killed with SIGKILL is replaced and its job
// resumed while the window keeps running; a job started from the CLI shows its log.

#include <gtest/gtest.h>

#include <QPlainTextEdit>
#include <QProcess>
#include <QSignalSpy>
#include <algorithm>
#include <csignal>

#include "UiTestSupport.h"
#include "app/MainWindow.h"
#include "charts/CurveView.h"
#include "engine/Engine.h"
#include "jobs/JobController.h"
#include "jobs/JobsPanel.h"
#include "jobs/WorkspaceWatcher.h"
#include "models/JobListModel.h"
#include "store/Workspace.h"

using nas::ui::test::waitFor;

namespace {

constexpr int kStartTimeoutMs = 120000;  // LibTorch start-up on a busy 2-core machine

// A training job long enough to be cancelled while it runs.
nas::Json trainSpec(const nas::Engine& engine, int epochs) {
  const nas::ParamSchema schema = engine.methods().get("train").schema();  // find() points into it
  const nas::ParamSpec* spec = schema.find("epochs");
  if (spec && spec->max) epochs = std::min(epochs, static_cast<int>(*spec->max));
  return nas::Json{{"method", "train"},
                   {"params",
                    {{"dataset", "synthetic"},
                     {"epochs", epochs},
                     {"channels", 4},
                     {"cells", 1},
                     {"train_limit", 512},
                     {"batch_size", 32}}}};
}

class JobControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!nas::ui::test::haveCli()) GTEST_SKIP() << "worker executable not found: " << nas::ui::test::cliPath().toStdString();
    qputenv("NAS_CLI_PATH", nas::ui::test::cliPath().toLocal8Bit());
  }
};

}  // namespace

TEST_F(JobControllerTest, ProgressCurvesCancelAndResume) {
  nas::Engine engine(false);
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("controller"));
  auto ws = nas::Workspace::open(path.toStdString());
  const nas::JobId id = nas::ui::JobController::submit(*ws, engine.methods(), trainSpec(engine, 200));

  nas::ui::JobController controller;
  controller.setCliPath(nas::ui::test::cliPath());
  controller.setWorkspace(ws.get());
  nas::ui::WorkspaceWatcher watcher(path, 100);  // its own connection, on its own thread
  nas::ui::CurveView curves;
  curves.setWorkspace(ws.get());
  curves.setJobs({id});
  QObject::connect(&watcher, &nas::ui::WorkspaceWatcher::metricsPolled, &curves, &nas::ui::CurveView::appendRows);
  QObject::connect(&watcher, &nas::ui::WorkspaceWatcher::jobsPolled, &controller,
                   &nas::ui::JobController::onJobsPolled);

  // Everything comes back through the workspace: progress from the jobs table, log lines from
  // the job log; nothing is read from the worker's output.
  double lastFraction = -1;
  QString finishedStatus;
  QStringList log;
  QObject::connect(&watcher, &nas::ui::WorkspaceWatcher::jobsPolled, [&](const nas::ui::JobSnapshot& jobs) {
    for (const auto& j : jobs)
      if (j.id == id && j.status == nas::JobStatus::Running) lastFraction = j.progress;
  });
  QObject::connect(&watcher, &nas::ui::WorkspaceWatcher::logPolled, [&](const nas::ui::LogLines& lines) {
    for (const auto& l : lines) log << QString::fromStdString(l.line);
  });
  QObject::connect(&controller, &nas::ui::JobController::jobFinished,
                   [&](qint64 job, const QString& status, const QString&) { if (job == id) finishedStatus = status; });

  QString error;
  ASSERT_TRUE(controller.start(id, &error)) << error.toStdString();
  EXPECT_TRUE(controller.isRunning(id));
  EXPECT_EQ(controller.runningCount(), 1);
  EXPECT_EQ(controller.workerCount(), 1);
  QString why;
  EXPECT_FALSE(controller.start(id, &why));  // in hand already

  ASSERT_TRUE(waitFor([&] { return lastFraction > 0; }, kStartTimeoutMs)) << log.join('\n').toStdString();
  ASSERT_TRUE(waitFor(
      [&] {
        for (const QString& s : curves.seriesNames())
          if (curves.pointCount(id, s) > 0) return true;
        return false;
      },
      kStartTimeoutMs))
      << "no curve points; log:\n" << log.join('\n').toStdString();
  EXPECT_EQ(ws->job(id).status, nas::JobStatus::Running);
  EXPECT_GT(controller.workerPid(id), 0);
  EXPECT_TRUE(log.join('\n').contains(QStringLiteral("started by worker"))) << log.join('\n').toStdString();

  controller.cancel(id);
  ASSERT_TRUE(waitFor([&] { return !finishedStatus.isEmpty(); }, 60000)) << log.join('\n').toStdString();
  EXPECT_EQ(finishedStatus, QStringLiteral("cancelled"));
  EXPECT_EQ(ws->job(id).status, nas::JobStatus::Cancelled);
  EXPECT_FALSE(controller.isRunning(id));
  EXPECT_EQ(controller.runningCount(), 0);

  // Resume: the same job is queued again, runs again (from its checkpoint) and can be stopped.
  finishedStatus.clear();
  lastFraction = -1;
  ASSERT_TRUE(controller.start(id, &error)) << error.toStdString();
  ASSERT_TRUE(waitFor([&] { return lastFraction >= 0 || !finishedStatus.isEmpty(); }, kStartTimeoutMs));
  EXPECT_EQ(ws->job(id).attempts, 2);
  controller.stopAll(20000);
  EXPECT_EQ(controller.runningCount(), 0);
  EXPECT_NE(ws->job(id).status, nas::JobStatus::Running);
}

TEST_F(JobControllerTest, KilledWorkerIsReplacedAndTheWindowKeepsRunning) {
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("killed"));
  nas::ui::MainWindow window;
  window.setPollInterval(100);
  window.setRunningJobsPolicy(nas::ui::MainWindow::RunningJobsPolicy::Stop);
  window.resize(1200, 800);
  window.show();
  QString error;
  ASSERT_TRUE(window.openWorkspace(path, &error, true)) << error.toStdString();
  window.jobController()->setCliPath(nas::ui::test::cliPath());

  const qint64 id = window.submitAndStart(trainSpec(window.engine(), 200), &error);
  ASSERT_GT(id, 0);
  ASSERT_TRUE(error.isEmpty()) << error.toStdString();
  EXPECT_EQ(window.jobsPanel()->selectedJobIds(), QList<qint64>{id});  // selected: its curves show
  EXPECT_EQ(window.curveView()->jobs(), QList<qint64>{id});

  nas::ui::JobListModel* model = window.jobModel();
  ASSERT_TRUE(waitFor([&] { return model->displayStatus(id) == nas::ui::JobDisplayStatus::Running; }, kStartTimeoutMs));
  ASSERT_TRUE(waitFor([&] { return window.jobController()->workerPid(id) > 0; }, 10000));
  // The selected job's curves fill while it runs (metric rows through the watcher's thread).
  ASSERT_TRUE(waitFor(
      [&] {
        for (const QString& s : window.curveView()->seriesNames())
          if (window.curveView()->pointCount(id, s) > 0) return true;
        return false;
      },
      kStartTimeoutMs))
      << "curve jobs " << window.curveView()->jobs().size() << ", selected " << window.jobsPanel()->selectedJobIds().size()
      << ", series " << window.curveView()->seriesNames().join(',').toStdString() << ", metrics in the workspace "
      << window.workspace()->metrics(id).size();
  const qint64 pid = window.jobController()->workerPid(id);
  const QString firstWorker = model->index(model->rowOf(id), nas::ui::JobListModel::WorkerColumn).data().toString();
  EXPECT_FALSE(firstWorker.isEmpty());  // the Worker column says who runs it
  ASSERT_EQ(::kill(static_cast<pid_t>(pid), SIGKILL), 0);

  // The job is recorded interrupted, re-queued, and a new worker resumes it.
  ASSERT_TRUE(waitFor(
      [&] {
        const nas::JobRecord r = window.workspace()->job(id);
        return r.attempts == 2 && r.status == nas::JobStatus::Running;
      },
      kStartTimeoutMs));
  ASSERT_TRUE(waitFor(
      [&] {
        return model->index(model->rowOf(id), nas::ui::JobListModel::WorkerColumn).data().toString() != firstWorker;
      },
      10000));
  EXPECT_TRUE(window.jobsPanel()->log(id).join('\n').contains(QStringLiteral("interrupted")))
      << window.jobsPanel()->log(id).join('\n').toStdString();
  EXPECT_TRUE(window.isVisible());  // the window is still there and responsive
  QApplication::processEvents();

  // A foreign worker that died (status running, pid gone) shows as interrupted.
  const nas::JobId orphan = window.workspace()->createJob("train", R"({"method":"train","params":{}})");
  window.workspace()->setJobStatus(orphan, nas::JobStatus::Running);
  window.workspace()->setJobPid(orphan, 0x7ffffff0);
  ASSERT_TRUE(waitFor([&] { return model->displayStatus(orphan) == nas::ui::JobDisplayStatus::Interrupted; }, 10000));
  // Cancelling it records the decision, since nothing runs it.
  window.jobController()->cancel(orphan);
  EXPECT_EQ(window.workspace()->job(orphan).status, nas::JobStatus::Cancelled);
  window.close();
}

TEST_F(JobControllerTest, TheLogOfAJobStartedFromTheCliAppearsInTheWindow) {
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("clilog"));
  nas::ui::MainWindow window;
  window.setPollInterval(100);
  window.show();
  ASSERT_TRUE(window.openWorkspace(path, nullptr, true));
  QProcess cli;
  cli.start(nas::ui::test::cliPath(), {QStringLiteral("run"), QStringLiteral("tabular-search"), QStringLiteral("--param"),
                                        QStringLiteral("queries=5"), QStringLiteral("--workspace"), path,
                                        QStringLiteral("--json")});
  ASSERT_TRUE(cli.waitForFinished(kStartTimeoutMs));
  ASSERT_EQ(cli.exitCode(), 0) << cli.readAllStandardError().toStdString();
  const qint64 id = nas::Json::parse(cli.readAllStandardOutput().toStdString())["job_id"].get<qint64>();
  ASSERT_TRUE(waitFor([&] { return window.jobsPanel()->log(id).join('\n').contains(QStringLiteral("done")); }, 10000))
      << window.jobsPanel()->log(id).join('\n').toStdString();
  EXPECT_TRUE(window.jobsPanel()->log(id).join('\n').contains(QStringLiteral("started by worker")));
  // Selected, the log view shows it.
  window.jobsPanel()->selectJob(id);
  auto* view = window.jobsPanel()->findChild<QPlainTextEdit*>(QStringLiteral("jobLog"));
  ASSERT_NE(view, nullptr);
  ASSERT_TRUE(waitFor([&] { return view->toPlainText().contains(QStringLiteral("started by worker")); }, 5000));
  window.close();
}
