// Screenshots of the real window for docs/screenshots: a workspace with a finished tabular
// search and a training job running in a worker. Runs only when NAS_SCREENSHOT_DIR is set,
// best under `xvfb-run -s "-screen 0 1600x1000x24"` with QT_QPA_PLATFORM=xcb:
//
//   NAS_SCREENSHOT_DIR=docs/screenshots QT_QPA_PLATFORM=xcb
//     xvfb-run -s "-screen 0 1600x1000x24" build/bin/test_ui --gtest_filter='Screenshots.*'

#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QScreen>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

#include "UiTestSupport.h"
#include "app/AboutDialog.h"
#include "app/Appearance.h"
#include "app/MainWindow.h"
#include "charts/CurveView.h"
#include "engine/Engine.h"
#include "forms/NewJobDialog.h"
#include "forms/ParamForm.h"
#include "jobs/JobController.h"
#include "jobs/JobsPanel.h"
#include "models/JobListModel.h"
#include "store/Workspace.h"
#include "views/CellGraphView.h"

using nas::ui::test::waitFor;

namespace {

bool save(QWidget* w, const QString& dir, const QString& name) {
  QApplication::processEvents();
  nas::ui::CellGraphView::waitForLayouts(w);  // cells lay out in the background
  const QPixmap pm = w->grab();
  const bool ok = pm.save(QDir(dir).filePath(name));
  std::printf("screenshot %s: %dx%d %s\n", qPrintable(name), pm.width(), pm.height(), ok ? "saved" : "FAILED");
  return ok;
}

}  // namespace

TEST(Screenshots, MainWindowWithRunningJob) {
  const QString dir = qEnvironmentVariable("NAS_SCREENSHOT_DIR");
  if (dir.isEmpty()) GTEST_SKIP() << "set NAS_SCREENSHOT_DIR to take screenshots";
  if (!nas::ui::test::haveCli()) GTEST_SKIP() << "worker executable not found";
  QDir().mkpath(dir);
  qputenv("NAS_CLI_PATH", nas::ui::test::cliPath().toLocal8Bit());
  nas::ui::applyAppearance(*qApp);

  const QString path = QDir(nas::ui::test::tempRoot()).filePath(QStringLiteral("mnist-study.nasdb"));
  nas::ui::MainWindow window;
  window.setPollInterval(250);
  window.setRunningJobsPolicy(nas::ui::MainWindow::RunningJobsPolicy::Stop);
  const QRect avail = window.screen()->availableGeometry();
  window.resize(std::min(1560, avail.width() - 40), std::min(960, avail.height() - 40));
  window.move(avail.topLeft() + QPoint(20, 20));
  window.show();
  QString error;
  ASSERT_TRUE(window.openWorkspace(path, &error, true)) << error.toStdString();
  window.jobController()->setCliPath(nas::ui::test::cliPath());

  // A finished tabular search: architectures for the results tab, a best_so_far curve.
  const qint64 search = window.submitAndStart(
      nas::Json{{"method", "tabular-search"}, {"params", {{"strategy", "evolution"}, {"queries", 400}}}}, &error);
  ASSERT_GT(search, 0) << error.toStdString();
  ASSERT_TRUE(waitFor([&] { return window.jobModel()->displayStatus(search) == nas::ui::JobDisplayStatus::Done; },
                      180000));
  // A random-search baseline.
  const qint64 random = window.submitAndStart(
      nas::Json{{"method", "tabular-search"}, {"params", {{"strategy", "random"}, {"queries", 400}}}}, &error);
  ASSERT_GT(random, 0) << error.toStdString();
  ASSERT_TRUE(waitFor([&] { return window.jobModel()->displayStatus(random) == nas::ui::JobDisplayStatus::Done; },
                      180000));

  // A training job that runs while the screenshots are taken.
  const qint64 train = window.submitAndStart(
      nas::Json{{"method", "train"},
                {"params",
                 {{"dataset", "synthetic"},
                  {"epochs", 40},
                  {"channels", 8},
                  {"cells", 1},
                  {"train_limit", 2048},
                  {"batch_size", 32}}}},
      &error);
  ASSERT_GT(train, 0) << error.toStdString();
  ASSERT_TRUE(waitFor([&] { return window.jobModel()->displayStatus(train) == nas::ui::JobDisplayStatus::Running; },
                      180000));
  // Let some epochs of curves accumulate.
  waitFor([&] {
    const auto* r = window.jobModel()->job(train);
    return r && r->progress > 0.12;
  }, 90000);
  window.jobsPanel()->selectJob(train);
  window.centralTabs()->setCurrentIndex(0);
  QTest::qWait(800);
  EXPECT_TRUE(save(&window, dir, QStringLiteral("main-window-running-job.png")));

  // The two searches overlaid.
  window.jobsPanel()->selectJob(search);
  {
    // Add the random baseline to the selection, as a Ctrl+click would.
    QTableView* table = window.jobsPanel()->table();
    for (int r = 0; r < table->model()->rowCount(); ++r) {
      const QModelIndex idx = table->model()->index(r, 0);
      if (idx.data(nas::ui::JobListModel::JobIdRole).toLongLong() == random)
        table->selectionModel()->select(idx, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
  }
  QTest::qWait(400);
  EXPECT_TRUE(save(&window, dir, QStringLiteral("curves-tabular-search.png")));

  // Search results: scatter, table, architecture.
  window.jobsPanel()->selectJob(train);
  window.centralTabs()->setCurrentIndex(1);
  QTest::qWait(600);
  EXPECT_TRUE(save(&window, dir, QStringLiteral("search-results.png")));
  window.centralTabs()->setCurrentIndex(0);

  // Dialogs.
  {
    nas::ui::NewJobDialog dialog(window.engine().methods(), &window);
    dialog.selectMethod(QStringLiteral("train"));
    dialog.show();
    QTest::qWait(300);
    EXPECT_TRUE(save(&dialog, dir, QStringLiteral("new-job-dialog.png")));
    dialog.form()->setValues(nas::Json{{"epochs", 5000}});
    QTest::qWait(100);
    EXPECT_TRUE(save(&dialog, dir, QStringLiteral("new-job-dialog-refused.png")));
  }
  {
    nas::ui::AboutDialog dialog(window.engine().info(), window.workspacePath(), &window);
    dialog.show();
    QTest::qWait(200);
    EXPECT_TRUE(save(&dialog, dir, QStringLiteral("help-dialog.png")));
    dialog.tabs()->setCurrentIndex(1);
    QTest::qWait(200);
    EXPECT_TRUE(save(&dialog, dir, QStringLiteral("about-dialog.png")));
  }
  window.close();
}
