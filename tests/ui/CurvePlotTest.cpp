// CurveView (the live metric plot): history load, appends from the poller, the user's zoom
// kept across appends, fit, series picking, several jobs overlaid, and export.

#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QFileInfo>
#include <QWheelEvent>

#include "UiTestSupport.h"
#include "charts/CurveView.h"
#include "jobs/WorkspaceWatcher.h"
#include "store/Workspace.h"

using nas::ui::CurveView;

namespace {

std::vector<nas::MetricPoint> ramp(const std::string& series, int from, int to, double scale) {
  std::vector<nas::MetricPoint> pts;
  for (int s = from; s < to; ++s) pts.push_back({series, s, scale / (1.0 + s)});
  return pts;
}

}  // namespace

TEST(CurveView, LoadsHistoryAppendsAndKeepsTheUsersZoom) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("curves")).toStdString());
  const nas::JobId a = ws->createJob("train", R"({"method":"train","params":{}})");
  ws->appendMetrics(a, ramp("train_loss", 0, 50, 3.0));
  ws->appendMetrics(a, {{"test_accuracy", 0, 40.0}, {"test_accuracy", 1, 55.0}, {"lr", 0, 0.1}});

  CurveView view;
  view.resize(900, 600);
  view.show();
  view.setWorkspace(ws.get());
  view.setJobs({a});
  EXPECT_EQ(view.pointCount(a, QStringLiteral("train_loss")), 50);
  EXPECT_EQ(view.pointCount(a, QStringLiteral("test_accuracy")), 2);
  EXPECT_EQ(view.seriesNames(), (QStringList{"lr", "test_accuracy", "train_loss"}));
  EXPECT_TRUE(view.visibleSeries().contains(QStringLiteral("train_loss")));  // loss shown by default
  EXPECT_FALSE(view.visibleSeries().contains(QStringLiteral("lr")));

  // New rows from the poller (rows of unrelated jobs are ignored).
  std::vector<nas::Workspace::MetricRow> rows;
  for (int s = 50; s < 60; ++s) rows.push_back({a, 1000 + s, {"train_loss", s, 0.05}});
  rows.push_back({a + 100, 2000, {"train_loss", 0, 9.0}});
  view.appendRows(rows);
  EXPECT_EQ(view.pointCount(a, QStringLiteral("train_loss")), 60);
  EXPECT_EQ(view.pointCount(a + 100, QStringLiteral("train_loss")), 0);
  view.replotNow();
  QCustomPlot* plot = view.plot();
  EXPECT_GE(plot->xAxis->range().upper, 59.0);  // follows the data

  // The user zooms with the wheel: the axes stop following.
  QApplication::processEvents();
  const QPointF center = plot->axisRect()->rect().center();
  QWheelEvent wheel(center, plot->mapToGlobal(center.toPoint()), QPoint(), QPoint(0, 120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(plot, &wheel);
  EXPECT_FALSE(view.followsData());
  const QCPRange zoomed = plot->xAxis->range();
  rows.clear();
  for (int s = 60; s < 200; ++s) rows.push_back({a, 2000 + s, {"train_loss", s, 0.01}});
  view.appendRows(rows);
  view.replotNow();
  EXPECT_DOUBLE_EQ(plot->xAxis->range().lower, zoomed.lower);
  EXPECT_DOUBLE_EQ(plot->xAxis->range().upper, zoomed.upper);
  EXPECT_EQ(view.pointCount(a, QStringLiteral("train_loss")), 200);

  // Fit follows again.
  view.fit();
  EXPECT_TRUE(view.followsData());
  EXPECT_GE(plot->xAxis->range().upper, 199.0);

  // A resumed job repeats steps: they replace the tail instead of doubling it.
  rows.clear();
  for (int s = 150; s < 160; ++s) rows.push_back({a, 3000 + s, {"train_loss", s, 0.02}});
  view.appendRows(rows);
  EXPECT_EQ(view.pointCount(a, QStringLiteral("train_loss")), 160);

  // Series picking.
  view.setSeriesVisible(QStringLiteral("test_accuracy"), true);
  EXPECT_TRUE(view.visibleSeries().contains(QStringLiteral("test_accuracy")));
  view.replotNow();
  EXPECT_TRUE(plot->yAxis2->visible());  // accuracy on its own axis next to the loss
  view.setSeriesVisible(QStringLiteral("test_accuracy"), false);
}

TEST(CurveView, OverlaysJobsAndExports) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("overlay")).toStdString());
  const nas::JobId a = ws->createJob("train", "{}");
  const nas::JobId b = ws->createJob("train", "{}");
  ws->appendMetrics(a, ramp("train_loss", 0, 30, 2.0));
  ws->appendMetrics(b, ramp("train_loss", 0, 20, 3.0));

  CurveView view;
  view.resize(800, 500);
  view.show();
  view.setWorkspace(ws.get());
  view.setJobs({a, b});
  view.setJobLabel(a, QStringLiteral("#%1 train").arg(a));
  view.replotNow();
  EXPECT_EQ(view.pointCount(a, QStringLiteral("train_loss")), 30);
  EXPECT_EQ(view.pointCount(b, QStringLiteral("train_loss")), 20);
  EXPECT_EQ(view.plot()->legend->itemCount(), 2);

  for (const char* suffix : {"png", "svg", "pdf"}) {
    const QString file = QDir(nas::ui::test::tempRoot()).filePath(QStringLiteral("curves.%1").arg(suffix));
    QString error;
    EXPECT_TRUE(view.exportTo(file, &error)) << suffix << ": " << error.toStdString();
    EXPECT_GT(QFileInfo(file).size(), 500) << suffix;
  }
  QString error;
  EXPECT_FALSE(view.exportTo(QDir(nas::ui::test::tempRoot()).filePath(QStringLiteral("curves.bmpx")), &error));
  EXPECT_FALSE(error.isEmpty());

  // Dropping a job from the selection removes its curves.
  view.setJobs({b});
  EXPECT_EQ(view.pointCount(a, QStringLiteral("train_loss")), 0);
  EXPECT_EQ(view.plot()->legend->itemCount(), 1);
}

class WorkspaceWatcherTest : public ::testing::TestWithParam<bool> {};

TEST_P(WorkspaceWatcherTest, DeliversNewJobsAndMetricRows) {
  const bool threaded = GetParam();
  const QString path = nas::ui::test::newWorkspacePath(QStringLiteral("watcher"));
  auto ws = nas::Workspace::open(path.toStdString());
  const nas::JobId a = ws->createJob("train", "{}");
  ws->appendMetrics(a, ramp("train_loss", 0, 5, 1.0));  // history: not re-sent

  std::unique_ptr<nas::ui::WorkspaceWatcher> owned =
      threaded ? std::make_unique<nas::ui::WorkspaceWatcher>(path, 50)
               : std::make_unique<nas::ui::WorkspaceWatcher>(ws.get(), 50);
  nas::ui::WorkspaceWatcher& watcher = *owned;
  nas::ui::JobSnapshot jobs;
  std::vector<nas::Workspace::MetricRow> rows;
  QObject::connect(&watcher, &nas::ui::WorkspaceWatcher::jobsPolled, [&](const nas::ui::JobSnapshot& j) { jobs = j; });
  QObject::connect(&watcher, &nas::ui::WorkspaceWatcher::metricsPolled,
                   [&](const nas::ui::MetricRows& r) { rows.insert(rows.end(), r.begin(), r.end()); });
  ASSERT_TRUE(nas::ui::test::waitFor([&] { return jobs.size() == 1; }, 5000));

  const nas::JobId b = ws->createJob("tabular-search", "{}");
  ws->appendMetrics(b, {{"best_so_far", 1, 91.0}, {"best_so_far", 2, 93.5}});
  ASSERT_TRUE(nas::ui::test::waitFor([&] { return jobs.size() == 2 && rows.size() == 2; }, 5000));
  EXPECT_EQ(rows[0].job, b);
  EXPECT_EQ(rows[1].point.value, 93.5);
}

INSTANTIATE_TEST_SUITE_P(Modes, WorkspaceWatcherTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "Threaded" : "Shared"; });
