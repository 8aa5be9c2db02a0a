// Which metric is "the accuracy" where a view picks one by itself: one rule
// (models/MetricDisplay.h accuracyMetric), followed by Search Results' best architecture and by
// the scatter view's default y axis. They used to differ: the scatter took the first name with
// "acc", so a supernet's estimate sorted before test_accuracy won there and lost in Results.

#include <gtest/gtest.h>

#include "UiTestSupport.h"
#include "app/ResultsLoader.h"
#include "models/MetricDisplay.h"
#include "store/Workspace.h"
#include "views/ArchTableView.h"
#include "views/ScatterView.h"

using nas::ui::accuracyMetric;

TEST(AccuracyMetric, HeldOutAccuracyFirstThenTheFirstAccuracyLikeName) {
  EXPECT_EQ(accuracyMetric({QStringLiteral("flops"), QStringLiteral("supernet_acc"), QStringLiteral("test_accuracy")}),
            QStringLiteral("test_accuracy"));
  EXPECT_EQ(accuracyMetric({QStringLiteral("latency_ms"), QStringLiteral("Val_Acc"), QStringLiteral("train_acc")}),
            QStringLiteral("Val_Acc"));
  EXPECT_EQ(accuracyMetric({QStringLiteral("flops"), QStringLiteral("params"), QStringLiteral("latency_ms")}),
            QString());
  EXPECT_EQ(accuracyMetric({}), QString());
}

TEST(AccuracyMetric, SearchResultsAndTheScatterPickTheSameMetric) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("accuracy-metric")).toStdString());
  const nas::JobId job = ws->createJob("sgnas", R"({"method":"sgnas","params":{}})");
  const char* cells[] = {"|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                         "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|"};
  for (int i = 0; i < 2; ++i) {
    const auto arch = ws->upsertArchitecture("nb201", cells[i], 1e6 * (i + 1), 1000);
    // "supernet_acc" sorts before "test_accuracy" among the metric names.
    for (const char* metric : {"supernet_acc", "test_accuracy"}) {
      nas::EvaluationRecord e;
      e.archId = arch;
      e.jobId = job;
      e.source = "test";
      e.dataset = "cifar10";
      e.metric = metric;
      e.value = 0.5 + 0.1 * i;
      ws->addEvaluation(e);
    }
  }
  nas::ui::ResultsRequest r;
  r.wantBest = true;
  const nas::ui::ResultsSnapshot s = nas::ui::ResultsLoader::read(*ws, r);
  ASSERT_TRUE(s.error.isEmpty()) << s.error.toStdString();
  EXPECT_EQ(s.accuracy, QStringLiteral("test_accuracy"));

  nas::ui::ScatterView view;
  view.resize(900, 600);
  view.setWorkspace(ws.get());
  EXPECT_EQ(view.yMetric(), s.accuracy);
  // The table under the plot starts on the same metric (it took the first "acc" name).
  EXPECT_EQ(nas::ui::ArchTableView::pickMetric({QStringLiteral("supernet_acc"), QStringLiteral("test_accuracy")}, {}),
            s.accuracy);
}
