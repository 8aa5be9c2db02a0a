// The Search Results refresh reads on ResultsLoader's thread (issue 13: it stalled the window
// by 80-100 ms under load): refreshNow() only asks, the tab changes when the answer arrives,
// and a page that did not change leaves the table (and the user's selection) alone.

#include <gtest/gtest.h>

#include <QComboBox>
#include <QItemSelectionModel>
#include <QTableView>

#include "UiTestSupport.h"
#include "app/ResultsLoader.h"
#include "app/ResultsTab.h"
#include "models/ArchTableModel.h"
#include "store/Workspace.h"
#include "views/ArchTableView.h"

using nas::ui::test::waitFor;

namespace {

const char* kCells[] = {"|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                        "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                        "|avg_pool_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"};

void evaluate(nas::Workspace& ws, nas::ArchId arch, nas::JobId job, const char* dataset, double value) {
  nas::EvaluationRecord e;
  e.archId = arch;
  e.jobId = job;
  e.source = "test";
  e.dataset = dataset;
  e.metric = "test_accuracy";
  e.value = value;
  ws.addEvaluation(e);
}

}  // namespace

TEST(ResultsLoader, ARefreshIsReadElsewhereAndShownWhenItArrives) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("results-loader")).toStdString());
  const nas::JobId first = ws->createJob("train", R"({"method":"train","params":{}})");
  const auto a = ws->upsertArchitecture("nb201", kCells[0], 1e6, 1000);
  evaluate(*ws, a, first, "fashion-mnist", 0.85);

  nas::ui::ResultsTab tab;
  tab.resize(1000, 600);
  tab.show();
  tab.setWorkspace(ws.get());
  tab.table()->model()->fetchMore({});
  ASSERT_EQ(tab.table()->model()->totalCount(), 1);

  const nas::JobId second = ws->createJob("tabular-search", R"({"method":"tabular-search","params":{}})");
  const auto b = ws->upsertArchitecture("nb201", kCells[1], 2e6, 2000);
  evaluate(*ws, b, second, "cifar10", 0.93);
  tab.refreshNow();
  // Nothing was read on this thread: the tab shows what it showed until the answer arrives.
  EXPECT_LT(tab.datasetPicker()->findData(QStringLiteral("cifar10")), 0);
  EXPECT_EQ(tab.table()->model()->totalCount(), 1);
  ASSERT_TRUE(waitFor([&] { return tab.datasetPicker()->findData(QStringLiteral("cifar10")) >= 0; }, 20000));
  EXPECT_GE(tab.jobPicker()->findData(qint64(second)), 0);
  EXPECT_EQ(tab.table()->model()->totalCount(), 2);
  EXPECT_EQ(tab.table()->model()->rowCount(), 2);  // the first page came with the answer
  EXPECT_EQ(tab.table()->metricCombo()->currentData().toString(), QStringLiteral("test_accuracy"));
}

TEST(ResultsLoader, ReadsWhatTheTabShows) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("results-read")).toStdString());
  const nas::JobId job = ws->createJob("train", R"({"method":"train","params":{}})");
  for (int i = 0; i < 3; ++i)
    evaluate(*ws, ws->upsertArchitecture("nb201", kCells[i], 1e6 * (i + 1), 1000), job, "cifar10", 0.9 + 0.01 * i);
  nas::ui::ResultsRequest r;
  r.table.pageSize = 2;
  r.wantBest = true;
  const nas::ui::ResultsSnapshot s = nas::ui::ResultsLoader::read(*ws, r);
  EXPECT_EQ(s.datasets, QStringList{QStringLiteral("cifar10")});
  ASSERT_EQ(s.jobs.size(), 1);
  EXPECT_EQ(s.jobs.front().first, job);
  EXPECT_TRUE(s.jobs.front().second.startsWith(QStringLiteral("#%1").arg(job))) << s.jobs.front().second.toStdString();
  EXPECT_EQ(s.metricNames, QStringList{QStringLiteral("test_accuracy")});
  EXPECT_EQ(s.accuracy, QStringLiteral("test_accuracy"));
  EXPECT_EQ(s.table.metric, "test_accuracy");  // picked as the table's metric picker would
  EXPECT_EQ(s.page.total, 3);
  EXPECT_EQ(s.page.rows.size(), 2u);  // one page
  EXPECT_EQ(s.bestArch, ws->archMetricRows("test_accuracy", {}, "value", true, 1).front().archId);
}

TEST(ResultsLoader, AnUnchangedPageKeepsTheTableAndItsSelection) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("results-page")).toStdString());
  const nas::JobId job = ws->createJob("train", R"({"method":"train","params":{}})");
  for (int i = 0; i < 2; ++i)
    evaluate(*ws, ws->upsertArchitecture("nb201", kCells[i], 1e6, 1000), job, "cifar10", 0.9);
  nas::ui::ArchTableView view;
  view.setWorkspace(ws.get());
  view.model()->fetchMore({});
  ASSERT_EQ(view.model()->rowCount(), 2);
  view.table()->selectRow(1);
  ASSERT_EQ(view.selectedIds().size(), 1);

  const auto q = view.model()->query();
  EXPECT_TRUE(view.model()->showPage(q, nas::ui::ArchTableModel::readFirstPage(*ws, q)));
  EXPECT_EQ(view.selectedIds().size(), 1);  // nothing changed: no reset

  evaluate(*ws, ws->upsertArchitecture("nb201", kCells[2], 1e6, 1000), job, "cifar10", 0.9);
  EXPECT_TRUE(view.model()->showPage(q, nas::ui::ArchTableModel::readFirstPage(*ws, q)));
  EXPECT_EQ(view.model()->rowCount(), 3);
  EXPECT_EQ(view.model()->totalCount(), 3);

  // A page read for another query (the user typed a filter meanwhile) is refused.
  view.model()->setFilter(QStringLiteral("skip"));
  EXPECT_FALSE(view.model()->showPage(q, nas::ui::ArchTableModel::readFirstPage(*ws, q)));
  EXPECT_EQ(view.model()->totalCount(), 1);
}
