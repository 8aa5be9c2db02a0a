// CurveView's axes on short runs (issue 21): no negative steps or epochs, epoch points that stay
// where they belong on the step axis as more steps arrive, a sensible range for a single point,
// and a failed job that says so instead of waiting for points forever.

#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QLabel>

#include "UiTestSupport.h"
#include "charts/CurveView.h"
#include "store/Workspace.h"

using nas::ui::CurveView;

namespace {

QCPGraph* graphOf(QCustomPlot* plot, const QString& name) {
  for (int i = 0; i < plot->graphCount(); ++i)
    if (plot->graph(i)->name().contains(name) && plot->graph(i)->visible()) return plot->graph(i);
  return nullptr;
}

}  // namespace

TEST(CurveAxes, ASinglePointGetsASensibleRangeAndNoNegativeStep) {
  CurveView view;
  view.resize(800, 500);
  view.show();
  view.setJobs({7});
  view.appendPoint(7, QStringLiteral("test_accuracy"), 1, 0.35);
  view.replotNow();
  QCustomPlot* plot = view.plot();
  QCPGraph* g = graphOf(plot, QStringLiteral("test_accuracy"));
  ASSERT_NE(g, nullptr);
  const QCPRange x = g->keyAxis()->range();
  EXPECT_GT(x.lower, -1.0) << x.lower;  // no tick at -1, -2, ...
  EXPECT_TRUE(x.contains(1.0));
  const QCPRange y = g->valueAxis()->range();
  EXPECT_TRUE(y.contains(35.0));                           // the fraction 0.35 shown in percent
  EXPECT_GE(y.size(), 2.0) << y.lower << ".." << y.upper;  // not 35.0-35.5
  EXPECT_LE(y.size(), 100.0) << y.lower << ".." << y.upper;
  EXPECT_GE(y.lower, 0.0);                                   // an accuracy is not negative
}

TEST(CurveAxes, EpochPointsStayAtTheirStepsAsDataArrives) {
  CurveView view;
  view.resize(800, 500);
  view.show();
  view.setJobs({3});
  // 50 optimizer steps per epoch: the loss every step, the accuracy once per epoch.
  for (int s = 1; s <= 100; ++s) view.appendPoint(3, QStringLiteral("train_loss"), s, 2.0 / s);
  view.appendPoint(3, QStringLiteral("test_accuracy"), 1, 0.6);
  view.appendPoint(3, QStringLiteral("test_accuracy"), 2, 0.7);
  view.replotNow();
  QCustomPlot* plot = view.plot();
  plot->replot();
  QCPGraph* acc = graphOf(plot, QStringLiteral("test_accuracy"));
  ASSERT_NE(acc, nullptr);
  ASSERT_EQ(acc->keyAxis(), plot->xAxis2);  // epochs on their own axis
  EXPECT_GT(plot->xAxis2->range().lower, -1.0) << plot->xAxis2->range().lower;
  EXPECT_GT(plot->xAxis->range().lower, -1.0);
  auto offset = [&] { return plot->xAxis2->coordToPixel(2.0) - plot->xAxis->coordToPixel(100.0); };
  EXPECT_NEAR(offset(), 0.0, 3.0);
  // Half an epoch more of loss points: epoch 2 stays at step 100.
  for (int s = 101; s <= 125; ++s) view.appendPoint(3, QStringLiteral("train_loss"), s, 2.0 / s);
  view.replotNow();
  plot->replot();
  EXPECT_NEAR(offset(), 0.0, 3.0);
}

TEST(CurveAxes, AFailedJobWithoutPointsSaysItFailed) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("failed-curves")).toStdString());
  const nas::JobId id = ws->createJob("train", R"({"method":"train","params":{}})");
  CurveView view;
  view.setWorkspace(ws.get());
  view.setJobs({id});
  auto* placeholder = view.findChild<QLabel*>(QStringLiteral("curvePlaceholder"));
  ASSERT_NE(placeholder, nullptr);
  EXPECT_TRUE(placeholder->text().contains(QStringLiteral("Waiting")));
  view.setJobOutcome(id, CurveView::Outcome::Failed, QStringLiteral("data_dir: no such folder /nope"));
  EXPECT_FALSE(placeholder->text().contains(QStringLiteral("Waiting"))) << placeholder->text().toStdString();
  EXPECT_TRUE(placeholder->text().contains(QStringLiteral("failed"))) << placeholder->text().toStdString();
  EXPECT_TRUE(placeholder->text().contains(QStringLiteral("/nope")));
}
