// Search Results separates what should not mix (issue 21): a dataset filter and a job filter
// that apply to the scatter and the table alike, and the table's text filter filtering the plot.

#include <gtest/gtest.h>

#include <QComboBox>

#include "UiTestSupport.h"
#include "app/ResultsTab.h"
#include "models/ArchTableModel.h"
#include "store/Workspace.h"
#include "views/ArchTableView.h"
#include "views/ScatterView.h"

using nas::ui::test::waitFor;

namespace {

std::vector<qint64> ids(const nas::ui::ScatterView* v) {
  std::vector<qint64> out;
  for (const auto& p : v->points()) out.push_back(p.id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST(ResultsFilter, DatasetAndJobFilterTheScatterAndTheTable) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("filters")).toStdString());
  const nas::JobId fashionJob = ws->createJob("train", R"({"method":"train","params":{}})");
  const nas::JobId cifarJob = ws->createJob("tabular-search", R"({"method":"tabular-search","params":{}})");
  const auto a = ws->upsertArchitecture("nb201", "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", 1e6, 1000);
  const auto b = ws->upsertArchitecture("nb201", "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|", 2e6, 2000);
  const auto c = ws->upsertArchitecture("nb201", "|avg_pool_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", 3e6, 3000);
  auto eval = [&](nas::ArchId arch, nas::JobId job, const char* dataset, double v) {
    nas::EvaluationRecord e;
    e.archId = arch;
    e.jobId = job;
    e.source = "test";
    e.dataset = dataset;
    e.metric = "test_accuracy";
    e.value = v;
    ws->addEvaluation(e);
  };
  eval(a, fashionJob, "fashion-mnist", 0.85);
  eval(b, cifarJob, "cifar10", 0.93);
  eval(c, cifarJob, "cifar10", 0.91);
  eval(a, cifarJob, "cifar10", 0.60);

  nas::ui::ResultsTab tab;
  tab.resize(1000, 600);
  tab.show();
  tab.setWorkspace(ws.get());
  tab.refreshNow();
  nas::ui::ScatterView* scatter = tab.scatter();
  scatter->setAxes(QStringLiteral("flops"), QStringLiteral("test_accuracy"));
  ASSERT_TRUE(waitFor([&] { return scatter->points().size() == 3; }, 5000)) << scatter->points().size();
  EXPECT_GE(tab.datasetPicker()->findData(QStringLiteral("cifar10")), 0);
  EXPECT_GE(tab.jobPicker()->findData(qint64(fashionJob)), 0);

  tab.setDatasetFilter(QStringLiteral("fashion-mnist"));
  ASSERT_TRUE(waitFor([&] { return ids(scatter) == std::vector<qint64>{a}; }, 5000)) << scatter->points().size();
  EXPECT_DOUBLE_EQ(scatter->points().front().y, 85.0);  // its Fashion-MNIST value (in percent), not the CIFAR-10 one
  tab.table()->model()->fetchMore({});
  EXPECT_EQ(tab.table()->model()->rowCount(), 1);

  tab.setDatasetFilter(QString());
  tab.setJobFilter(cifarJob);
  ASSERT_TRUE(waitFor([&] { return ids(scatter) == (std::vector<qint64>{a, b, c}); }, 5000));
  tab.table()->model()->fetchMore({});
  EXPECT_EQ(tab.table()->model()->rowCount(), 3);

  // The table's text filter applies to the plot as well.
  tab.table()->setFilterText(QStringLiteral("skip_connect"));
  ASSERT_TRUE(waitFor([&] { return ids(scatter) == std::vector<qint64>{b}; }, 5000)) << scatter->points().size();
  tab.table()->model()->fetchMore({});
  EXPECT_EQ(tab.table()->model()->rowCount(), 1);
}
