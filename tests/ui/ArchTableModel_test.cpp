// ArchTableModel over a temporary workspace of 1,000 architectures: model invariants
// (QAbstractItemModelTester), lazy paging, SQL sorting and filtering; ArchTableView signals.
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest/QTest>
#include <cmath>
#include <random>

#include "models/ArchTableModel.h"
#include "searchspace/Nb201Cell.h"
#include "store/Workspace.h"
#include "views/ArchTableView.h"

using nas::ui::ArchTableModel;

namespace {

constexpr int kArchs = 1000;

// 1,000 NB201 architectures; all but every 10th have a test accuracy.
std::unique_ptr<nas::Workspace> makeWorkspace(const QTemporaryDir& dir) {
  auto ws = nas::Workspace::open(dir.filePath(QStringLiteral("table.nasw")).toStdString());
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> acc(10, 94);
  ws->transaction([&] {
    std::vector<nas::EvaluationRecord> evals;
    for (int i = 0; i < kArchs; ++i) {
      const auto cell = nas::Nb201Cell::fromIndex((i * 13) % nas::kNb201NumCells);
      const auto cost = nas::nb201Cost(cell);
      const auto id = ws->upsertArchitecture("nb201", cell.toString(), cost.flops, cost.params);
      if (i % 10 == 0) continue;
      nas::EvaluationRecord e;
      e.archId = id;
      e.source = "tabular";
      e.dataset = "cifar10";
      e.metric = "test_accuracy";
      e.value = acc(rng);
      evals.push_back(e);
    }
    ws->addEvaluations(evals);
  });
  return ws;
}

void fetchAll(ArchTableModel& m) {
  while (m.canFetchMore({})) m.fetchMore({});
}

}  // namespace

TEST(ArchTableModel, PassesTheModelTester) {
  QTemporaryDir dir;
  auto ws = makeWorkspace(dir);
  ArchTableModel model;
  model.setPageSize(100);
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.setWorkspace(ws.get());
  model.setMetric(QStringLiteral("test_accuracy"));
  model.fetchMore({});
  model.sort(ArchTableModel::ColMetric, Qt::DescendingOrder);
  model.fetchMore({});
  model.setFilter(QStringLiteral("avg_pool"));
  fetchAll(model);
  model.setWorkspace(nullptr);
  EXPECT_EQ(model.rowCount(), 0);
}

TEST(ArchTableModel, FetchesLazilyInPages) {
  QTemporaryDir dir;
  auto ws = makeWorkspace(dir);
  ArchTableModel model;
  model.setPageSize(128);
  model.setWorkspace(ws.get());
  EXPECT_EQ(model.totalCount(), kArchs);  // no metric: every architecture
  EXPECT_EQ(model.rowCount(), 0);
  ASSERT_TRUE(model.canFetchMore({}));
  model.fetchMore({});
  EXPECT_EQ(model.rowCount(), 128);
  model.fetchMore({});
  EXPECT_EQ(model.rowCount(), 256);
  fetchAll(model);
  EXPECT_EQ(model.rowCount(), kArchs);
  EXPECT_FALSE(model.canFetchMore({}));
  EXPECT_EQ(model.data(model.index(0, ArchTableModel::ColMetric)).toString(), QStringLiteral("\u2013"));

  model.setMetric(QStringLiteral("test_accuracy"));
  EXPECT_EQ(model.totalCount(), kArchs - kArchs / 10);
  EXPECT_EQ(model.rowCount(), 0);
  EXPECT_EQ(model.headerData(ArchTableModel::ColMetric, Qt::Horizontal).toString(), QStringLiteral("test_accuracy (%)"));
}

TEST(ArchTableModel, SortsThroughSql) {
  QTemporaryDir dir;
  auto ws = makeWorkspace(dir);
  ArchTableModel model;
  model.setWorkspace(ws.get());
  model.setMetric(QStringLiteral("test_accuracy"));
  for (int col : {int(ArchTableModel::ColMetric), int(ArchTableModel::ColFlops), int(ArchTableModel::ColArch),
                  int(ArchTableModel::ColId), int(ArchTableModel::ColParams)})
    for (auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
      model.sort(col, order);
      fetchAll(model);
      ASSERT_EQ(model.rowCount(), kArchs - kArchs / 10);
      for (int r = 1; r < model.rowCount(); ++r) {
        const QVariant a = model.data(model.index(r - 1, col), ArchTableModel::kSortRole);
        const QVariant b = model.data(model.index(r, col), ArchTableModel::kSortRole);
        const int cmp = QVariant::compare(a, b) == QPartialOrdering::Less ? -1 : QVariant::compare(a, b) == QPartialOrdering::Greater ? 1 : 0;
        if (order == Qt::AscendingOrder)
          ASSERT_LE(cmp, 0) << "column " << col << " row " << r;
        else
          ASSERT_GE(cmp, 0) << "column " << col << " row " << r;
      }
    }
}

TEST(ArchTableModel, FiltersByArchitectureSubstring) {
  QTemporaryDir dir;
  auto ws = makeWorkspace(dir);
  ArchTableModel model;
  model.setWorkspace(ws.get());
  const QString needle = QStringLiteral("|avg_pool_3x3~0|+");  // op of edge 0->1
  model.setFilter(needle);
  fetchAll(model);
  int expected = 0;
  for (int i = 0; i < kArchs; ++i)
    if (QString::fromStdString(nas::Nb201Cell::fromIndex((i * 13) % nas::kNb201NumCells).toString()).contains(needle))
      ++expected;
  ASSERT_GT(expected, 0);
  EXPECT_EQ(model.totalCount(), expected);
  EXPECT_EQ(model.rowCount(), expected);
  for (int r = 0; r < model.rowCount(); ++r)
    EXPECT_TRUE(model.data(model.index(r, ArchTableModel::ColArch)).toString().contains(needle));
  // `_` and `%` are literal, not LIKE wildcards.
  model.setFilter(QStringLiteral("nor%conv"));
  EXPECT_EQ(model.totalCount(), 0);
  model.setFilter(QString());
  EXPECT_EQ(model.totalCount(), kArchs);
}

TEST(ArchTableView, SelectingRowsEmitsActivationAndSelection) {
  QTemporaryDir dir;
  auto ws = makeWorkspace(dir);
  nas::ui::ArchTableView view;
  view.resize(900, 500);
  view.show();
  view.setWorkspace(ws.get());
  EXPECT_EQ(view.model()->metric(), QStringLiteral("test_accuracy"));  // first accuracy-like metric
  // The first page arrives through the event loop; on a loaded machine that takes a while.
  for (int i = 0; i < 500 && view.model()->rowCount() == 0; ++i) QTest::qWait(10);
  ASSERT_GT(view.model()->rowCount(), 0);
  QSignalSpy activated(&view, &nas::ui::ArchTableView::archActivated);
  QSignalSpy selection(&view, &nas::ui::ArchTableView::selectionChanged);
  view.table()->selectRow(2);
  ASSERT_EQ(activated.count(), 1);
  EXPECT_EQ(activated.front().front().toLongLong(), view.model()->archId(2));
  auto* sm = view.table()->selectionModel();
  sm->select(view.model()->index(5, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
  const auto ids = selection.last().front().value<QList<qint64>>();
  EXPECT_EQ(ids, (QList<qint64>{view.model()->archId(2), view.model()->archId(5)}));
  EXPECT_EQ(activated.count(), 1);  // two rows: selection only

  view.setFilterText(QStringLiteral("skip_connect~2"));
  EXPECT_GT(view.model()->totalCount(), 0);
  EXPECT_LT(view.model()->totalCount(), kArchs);
}
