// The main window: opening workspaces (recent list, last one reopened, settings kept in the
// test's temporary location), the New Job dialog built from the registry, the help dialog,
// jobs started from outside showing up through the poller.

#include <gtest/gtest.h>

#include <QDockWidget>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>

#include "UiTestSupport.h"
#include "app/AboutDialog.h"
#include "app/MainWindow.h"
#include "charts/CurveView.h"
#include "engine/Engine.h"
#include "forms/NewJobDialog.h"
#include "forms/ParamForm.h"
#include "jobs/JobsPanel.h"
#include "models/JobListModel.h"
#include "store/Workspace.h"

using nas::ui::MainWindow;
using nas::ui::test::waitFor;

TEST(MainWindow, OpensWorkspacesAndRemembersThem) {
  const QString first = nas::ui::test::newWorkspacePath(QStringLiteral("first"));
  const QString second = nas::ui::test::newWorkspacePath(QStringLiteral("second"));
  {
    MainWindow window;
    window.show();
    QString error;
    ASSERT_TRUE(window.openWorkspace(first, &error, true)) << error.toStdString();
    EXPECT_TRUE(QFileInfo::exists(first));
    EXPECT_TRUE(window.windowTitle().contains(QFileInfo(first).fileName()));
    ASSERT_TRUE(window.openWorkspace(second, &error, true)) << error.toStdString();
    EXPECT_EQ(window.workspacePath(), QFileInfo(second).absoluteFilePath());
    EXPECT_EQ(window.recentWorkspaces().value(0), QFileInfo(second).absoluteFilePath());
    EXPECT_EQ(window.recentWorkspaces().value(1), QFileInfo(first).absoluteFilePath());
    auto* wsLabel = window.statusBar()->findChild<QLabel*>(QStringLiteral("workspaceLabel"));
    ASSERT_NE(wsLabel, nullptr);
    EXPECT_TRUE(wsLabel->text().contains(QFileInfo(second).fileName()));

    // A file that is not a workspace is refused and the current one stays open.
    const QString junk = QDir(nas::ui::test::tempRoot()).filePath(QStringLiteral("junk.nasdb"));
    QFile f(junk);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("this is not a database, just text that is long enough to look like a header........");
    f.close();
    EXPECT_FALSE(window.openWorkspace(junk, &error, true));
    EXPECT_FALSE(error.isEmpty());
    EXPECT_EQ(window.workspacePath(), QFileInfo(second).absoluteFilePath());
    window.close();
  }
  // Settings went to the test's private folder, and the last workspace is reopened.
  EXPECT_TRUE(QSettings().fileName().startsWith(nas::ui::test::tempRoot())) << QSettings().fileName().toStdString();
  MainWindow again;
  again.openInitialWorkspace();
  EXPECT_EQ(again.workspacePath(), QFileInfo(second).absoluteFilePath());
  // An explicit path wins.
  again.openInitialWorkspace(first);
  EXPECT_EQ(again.workspacePath(), QFileInfo(first).absoluteFilePath());
}

TEST(MainWindow, ShowsJobsWrittenByOtherProcesses) {
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("external"));
  MainWindow window;
  window.setPollInterval(50);
  window.show();
  ASSERT_TRUE(window.openWorkspace(path, nullptr, true));
  auto other = nas::Workspace::open(path.toStdString());  // like the CLI would
  const nas::JobId id = other->createJob("tabular-search", R"({"method":"tabular-search","params":{}})");
  other->appendMetrics(id, {{"best_so_far", 1, 90.0}});
  ASSERT_TRUE(waitFor([&] { return window.jobModel()->rowOf(id) >= 0; }, 5000));
  other->setJobProgress(id, 0.5, "query 50/100");
  other->setJobStatus(id, nas::JobStatus::Done);
  ASSERT_TRUE(waitFor([&] { return window.jobModel()->displayStatus(id) == nas::ui::JobDisplayStatus::Done; }, 5000));

  // Selecting it in the jobs panel plots it.
  window.jobsPanel()->selectJob(id);
  EXPECT_EQ(window.curveView()->jobs(), QList<qint64>{id});
  EXPECT_TRUE(window.curveView()->seriesNames().contains(QStringLiteral("best_so_far")));
  window.close();
}

TEST(MainWindow, LiveMetricsAndLogLinesArriveThroughTheWorkspace) {
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("live"));
  MainWindow window;
  window.setPollInterval(50);
  window.show();
  ASSERT_TRUE(window.openWorkspace(path, nullptr, true));
  auto other = nas::Workspace::open(path.toStdString());  // a worker's connection
  const nas::JobId id = other->createJob("tabular-search", R"({"method":"tabular-search","params":{}})");
  ASSERT_TRUE(waitFor([&] { return window.jobModel()->rowOf(id) >= 0; }, 5000));
  window.jobsPanel()->selectJob(id);
  ASSERT_TRUE(waitFor([&] { return window.curveView()->jobs() == QList<qint64>{id}; }, 5000));
  other->appendMetrics(id, {{"best_so_far", 1, 90.0}, {"best_so_far", 2, 91.0}});
  other->appendJobLog(id, {{0, id, 0, "a line from the worker"}});
  EXPECT_TRUE(waitFor([&] { return window.curveView()->pointCount(id, QStringLiteral("best_so_far")) == 2; }, 5000))
      << window.curveView()->pointCount(id, QStringLiteral("best_so_far"));
  EXPECT_TRUE(waitFor([&] { return window.jobsPanel()->log(id).join('\n').contains(QStringLiteral("from the worker")); },
                      5000));
  window.close();
}

TEST(NewJobDialog, ListsMethodsAndRefusesInvalidParameters) {
  nas::Engine engine(false);
  nas::ui::NewJobDialog dialog(engine.methods());
  ASSERT_TRUE(dialog.selectMethod(QStringLiteral("train")));
  EXPECT_EQ(dialog.methodName(), QStringLiteral("train"));
  nas::Json spec = dialog.spec();
  ASSERT_FALSE(spec.is_null()) << dialog.form()->errorText().toStdString();
  EXPECT_EQ(spec["method"], "train");
  EXPECT_NO_THROW(engine.methods().get("train").schema().resolve(spec["params"]));

  QString error;
  EXPECT_FALSE(dialog.form()->setValues(nas::Json{{"epochs", 0}}, &error));  // below the minimum
  EXPECT_FALSE(dialog.spec().is_null());  // refused, so the form stays valid
  EXPECT_TRUE(dialog.form()->setValues(
      nas::Json{{"dataset", "synthetic"}, {"epochs", 2}, {"channels", 4}, {"cells", 1}, {"train_limit", 512}, {"batch_size", 32}},
      &error))
      << error.toStdString();
  spec = dialog.spec();
  EXPECT_EQ(spec["params"]["epochs"], 2);
  EXPECT_EQ(spec["params"]["dataset"], "synthetic");

  if (dialog.selectMethod(QStringLiteral("tabular-search"))) {
    EXPECT_FALSE(dialog.spec().is_null()) << dialog.form()->errorText().toStdString();
  }
}

TEST(AboutDialog, ShowsVersionsAndWhereTheWorkspaceIs) {
  nas::Engine engine(false);
  nas::ui::AboutDialog dialog(engine.info(), QStringLiteral("/tmp/some/where.nasdb"));
  EXPECT_TRUE(dialog.factsText().contains(QString::fromLatin1(qVersion())));
  EXPECT_TRUE(dialog.factsText().contains(QStringLiteral("/tmp/some/where.nasdb")));
  EXPECT_TRUE(dialog.factsText().contains(QStringLiteral("LibTorch")));
  EXPECT_EQ(dialog.tabs()->count(), 2);
}
