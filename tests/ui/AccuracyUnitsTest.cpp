// One unit for accuracy in every view, and costs that say which input they are for (issue 21):
// Search Progress and Generate showed percent while Search Results, its table, its tooltips,
// Curves and the job details showed the stored fraction; the table's FLOPs (the NB201
// reference network at 3x32x32) did not say so.

#include <gtest/gtest.h>

#include <QTextBrowser>
#include <qcustomplot.h>

#include "UiTestSupport.h"
#include "charts/CurveView.h"
#include "jobs/JobsPanel.h"
#include "models/ArchTableModel.h"
#include "models/JobListModel.h"
#include "store/Workspace.h"
#include "views/ScatterSource.h"

namespace {

std::unique_ptr<nas::Workspace> workspaceWithOneAccuracy(double value) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("units")).toStdString());
  const auto a = ws->upsertArchitecture("nb201", "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", 153.27e6, 1000);
  nas::EvaluationRecord e;
  e.archId = a;
  e.source = "tabular";
  e.dataset = "cifar10";
  e.metric = "test_accuracy";
  e.value = value;
  ws->addEvaluation(e);
  return ws;
}

}  // namespace

TEST(AccuracyUnits, SearchResultsShowAStoredFractionInPercent) {
  auto ws = workspaceWithOneAccuracy(0.9437);
  const auto points = nas::ui::ScatterSource::loadFrom(*ws, QStringLiteral("flops"), QStringLiteral("test_accuracy"),
                                                       QString(), {});
  ASSERT_EQ(points.size(), 1u);
  EXPECT_NEAR(points[0].y, 94.37, 1e-9);
  EXPECT_NEAR(points[0].x, 153.27, 1e-9);
  EXPECT_EQ(nas::ui::ScatterSource::axisTitle(QStringLiteral("test_accuracy")), QStringLiteral("test_accuracy (%)"));
  EXPECT_TRUE(nas::ui::ScatterSource::axisTitle(QStringLiteral("flops")).contains(QStringLiteral("reference")));

  nas::ui::ArchTableModel model;
  model.setWorkspace(ws.get());
  model.setMetric(QStringLiteral("test_accuracy"));
  while (model.canFetchMore({})) model.fetchMore({});
  ASSERT_EQ(model.rowCount(), 1);
  EXPECT_EQ(model.data(model.index(0, nas::ui::ArchTableModel::ColMetric)).toString(), QLocale().toString(94.37, 'f', 2));
  EXPECT_TRUE(model.headerData(nas::ui::ArchTableModel::ColFlops, Qt::Horizontal, Qt::ToolTipRole)
                  .toString()
                  .contains(QStringLiteral("32\u00d732")));
}

TEST(AccuracyUnits, ATableAlreadyInPercentIsNotScaledTwice) {
  auto ws = workspaceWithOneAccuracy(94.37);
  const auto points = nas::ui::ScatterSource::loadFrom(*ws, QStringLiteral("flops"), QStringLiteral("test_accuracy"),
                                                       QString(), {});
  ASSERT_EQ(points.size(), 1u);
  EXPECT_NEAR(points[0].y, 94.37, 1e-9);
}

TEST(AccuracyUnits, CurvesAndJobDetailsShowPercent) {
  nas::ui::CurveView view;
  view.resize(800, 500);
  view.show();
  view.setJobs({4});
  view.appendPoint(4, QStringLiteral("val_accuracy"), 1, 0.62);
  view.appendPoint(4, QStringLiteral("val_accuracy"), 2, 0.71);
  view.appendPoint(4, QStringLiteral("train_loss"), 1, 1.2);
  view.replotNow();
  QCPGraph* acc = nullptr;
  for (int i = 0; i < view.plot()->graphCount(); ++i)
    if (view.plot()->graph(i)->visible() && view.plot()->graph(i)->name() == QStringLiteral("val_accuracy"))
      acc = view.plot()->graph(i);
  ASSERT_NE(acc, nullptr);
  EXPECT_NEAR((acc->data()->constEnd() - 1)->value, 71.0, 1e-9);
  EXPECT_TRUE(acc->valueAxis()->label().contains(QStringLiteral("%")));

  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("units-job")).toStdString());
  const nas::JobId id = ws->createJob("train", R"({"method":"train","params":{}})");
  ws->setJobResult(id, R"({"test_accuracy": 0.6518})");
  nas::ui::JobListModel model;
  model.setJobs(ws->jobs());
  nas::ui::JobsPanel panel(&model);
  panel.show();
  panel.selectJob(id);
  QTest::qWait(400);
  auto* details = panel.findChild<QTextBrowser*>(QStringLiteral("jobDetails"));
  ASSERT_NE(details, nullptr);
  EXPECT_TRUE(details->toPlainText().contains(QLocale().toString(65.18, 'f', 2) + QStringLiteral(" %")))
      << details->toPlainText().toStdString();
}
