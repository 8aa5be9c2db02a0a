// JobController with real workers (nasstudio-cli run-job, from NAS_CLI_PATH): a short training
// job on the synthetic set reports progress and curve points, is cancelled cleanly, is resumed,
// and a worker killed with SIGKILL leaves a failed job while the window keeps running.

#include <gtest/gtest.h>

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
  // One connection per workspace in this process, like the main window (WorkspaceWatcher.h).
  const nas::JobId id = nas::ui::JobController::submit(*ws, engine.methods(), trainSpec(engine, 200));

  nas::ui::JobController controller;
  controller.setCliPath(nas::ui::test::cliPath());
  controller.setWorkspace(ws.get());
  nas::ui::WorkspaceWatcher watcher(ws.get(), 100);
  nas::ui::CurveView curves;
  curves.setWorkspace(ws.get());
  curves.setJobs({id});
  QObject::connect(&watcher, &nas::ui::WorkspaceWatcher::metricsPolled, &curves, &nas::ui::CurveView::appendRows);

  double lastFraction = -1;
  QString finishedStatus;
  QStringList log;
  QObject::connect(&controller, &nas::ui::JobController::progressChanged,
                   [&](qint64 job, double f, const QString&) { if (job == id) lastFraction = f; });
  QObject::connect(&controller, &nas::ui::JobController::jobFinished,
                   [&](qint64 job, const QString& status, const QString&) { if (job == id) finishedStatus = status; });
  QObject::connect(&controller, &nas::ui::JobController::logLine, [&](qint64, const QString& l) { log << l; });

  QString error;
  ASSERT_TRUE(controller.start(id, &error)) << error.toStdString();
  EXPECT_TRUE(controller.isRunning(id));
  EXPECT_EQ(controller.runningCount(), 1);
  QString why;
  EXPECT_FALSE(controller.start(id, &why));  // one worker per job

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

  controller.cancel(id);
  ASSERT_TRUE(waitFor([&] { return !finishedStatus.isEmpty(); }, 60000)) << log.join('\n').toStdString();
  EXPECT_EQ(finishedStatus, QStringLiteral("cancelled"));
  EXPECT_EQ(ws->job(id).status, nas::JobStatus::Cancelled);
  EXPECT_FALSE(controller.isRunning(id));
  EXPECT_EQ(controller.runningCount(), 0);

  // Resume: the same job runs again (from its checkpoint) and can be stopped again.
  finishedStatus.clear();
  lastFraction = -1;
  ASSERT_TRUE(controller.start(id, &error)) << error.toStdString();
  ASSERT_TRUE(waitFor([&] { return lastFraction >= 0 || !finishedStatus.isEmpty(); }, kStartTimeoutMs));
  controller.stopAll(20000);
  EXPECT_EQ(controller.runningCount(), 0);
  EXPECT_NE(ws->job(id).status, nas::JobStatus::Running);
}

TEST_F(JobControllerTest, KilledWorkerFailsAndTheWindowKeepsRunning) {
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
  const qint64 pid = window.jobController()->workerPid(id);
  ASSERT_GT(pid, 0);
  QSignalSpy finished(window.jobController(), &nas::ui::JobController::jobFinished);
  ASSERT_EQ(::kill(static_cast<pid_t>(pid), SIGKILL), 0);

  ASSERT_TRUE(waitFor([&] { return finished.count() > 0; }, 30000));
  EXPECT_EQ(finished.first().at(1).toString(), QStringLiteral("failed"));
  ASSERT_TRUE(waitFor([&] { return model->displayStatus(id) == nas::ui::JobDisplayStatus::Failed; }, 10000));
  EXPECT_FALSE(window.workspace()->job(id).error.empty());
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
