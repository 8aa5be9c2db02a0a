// ArchitectureView: edge diffs, compare mode marking exactly the differing edges, loading from
// a workspace, the macro strip and export.
#include <gtest/gtest.h>

#include <QClipboard>
#include <QGuiApplication>
#include <QListWidget>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "common/Error.h"
#include "searchspace/DartsGenotype.h"
#include "searchspace/Nb201Cell.h"
#include "store/Workspace.h"
#include "views/ArchitectureView.h"
#include "views/CellGraphView.h"
#include "views/MacroView.h"

using nas::Nb201Cell;
using nas::Nb201Op;
using nas::ui::ArchitectureView;
using nas::ui::CellGraphView;

namespace {
const char* kOptimum = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";

QSet<int> highlighted(nas::ui::CellGraphView* v) { return v->highlightedEdges(); }
}  // namespace

TEST(ArchitectureViewDiff, ListsExactlyTheEdgesWhoseOpDiffers) {
  const Nb201Cell a = Nb201Cell::parse(kOptimum);
  Nb201Cell b = a;
  b.setOp(4, Nb201Op::SkipConnect);  // 1->3: conv3x3 -> skip
  b.setOp(1, Nb201Op::None);         // 0->2: conv3x3 -> none
  const auto diffs = nas::ui::diffGraphs(a.graph(), b.graph());
  ASSERT_EQ(diffs.size(), 2);
  EXPECT_EQ(diffs[0].edgeA, 1);
  EXPECT_EQ(diffs[0].edgeB, 1);
  EXPECT_EQ(diffs[0].text(), QStringLiteral("edge 0\u21922: conv3x3 \u2192 none"));
  EXPECT_EQ(diffs[1].from, 1);
  EXPECT_EQ(diffs[1].to, 3);
  EXPECT_EQ(diffs[1].text(), QStringLiteral("edge 1\u21923: conv3x3 \u2192 skip"));
  EXPECT_TRUE(nas::ui::diffGraphs(a.graph(), a.graph()).isEmpty());
}

TEST(ArchitectureViewDiff, EdgesPresentOnOneSideOnly) {
  nas::GraphForm a, b;
  a.nodes = b.nodes = {{0, "in", "input"}, {1, "1", "intermediate"}, {2, "out", "output"}};
  a.edges = {{0, 1, "sep_conv_3x3", "", true}, {1, 2, "skip_connect", "", true}};
  b.edges = {{0, 1, "sep_conv_3x3", "", true}, {0, 2, "max_pool_3x3", "", true}};
  const auto d = nas::ui::diffGraphs(a, b);
  ASSERT_EQ(d.size(), 2);
  EXPECT_EQ(d[0].edgeA, 1);
  EXPECT_EQ(d[0].edgeB, -1);
  EXPECT_EQ(d[1].edgeA, -1);
  EXPECT_EQ(d[1].edgeB, 1);
}

TEST(ArchitectureView, CompareModeMarksExactlyTheDifferingEdges) {
  ArchitectureView view;
  view.resize(1000, 600);
  const Nb201Cell a = Nb201Cell::parse(kOptimum);
  Nb201Cell b = a;
  b.setOp(0, Nb201Op::AvgPool3x3);
  b.setOp(5, Nb201Op::Conv1x1);
  view.compareDescriptions(ArchitectureView::describe("nb201", QString::fromStdString(a.toString())),
                           ArchitectureView::describe("nb201", QString::fromStdString(b.toString())));
  ASSERT_TRUE(view.isComparing());
  ASSERT_TRUE(CellGraphView::waitForLayouts(&view));  // cells lay out in the background
  EXPECT_EQ(highlighted(view.cellView()), (QSet<int>{0, 5}));
  EXPECT_EQ(highlighted(view.compareCellView()), (QSet<int>{0, 5}));
  EXPECT_EQ(view.cellView()->edgeItemCount(), 6);
  EXPECT_EQ(view.compareCellView()->edgeItemCount(), 6);
  EXPECT_FALSE(view.compareCellView()->isHidden());
  auto* list = view.findChild<QListWidget*>();
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->count(), 2);
  EXPECT_EQ(list->item(0)->text(), QStringLiteral("edge 0\u21921: conv3x3 \u2192 avg pool"));
  EXPECT_EQ(list->item(1)->text(), QStringLiteral("edge 2\u21923: conv3x3 \u2192 conv1x1"));

  view.stopComparing();
  EXPECT_FALSE(view.isComparing());
  EXPECT_TRUE(highlighted(view.cellView()).isEmpty());
  EXPECT_TRUE(view.compareCellView()->isHidden());
}

TEST(ArchitectureView, DescribesNb201WithCostAndMacroStrip) {
  const auto d = ArchitectureView::describe("nb201", kOptimum);
  EXPECT_EQ(d.graph.edges.size(), 6u);
  EXPECT_GT(d.flops, 1e6);
  EXPECT_GT(d.params, 1000);
  ASSERT_EQ(d.macro.size(), 7);  // stem, stage, reduction, stage, reduction, stage, head
  EXPECT_EQ(d.macro[1].repeat, 5);
  EXPECT_EQ(d.macro[5].channels, 64);
  // Other spaces: no graph, but no failure either.
  const auto other = ArchitectureView::describe("unknown-space", "abc");
  EXPECT_TRUE(other.graph.nodes.empty());
  EXPECT_THROW(ArchitectureView::describe("nb201", "|bogus~0|"), nas::Error);
}

TEST(ArchitectureView, ShowsArchitecturesFromTheWorkspace) {
  QTemporaryDir dir;
  auto ws = nas::Workspace::open(dir.filePath(QStringLiteral("w.nasw")).toStdString());
  const Nb201Cell a = Nb201Cell::parse(kOptimum);
  const auto cost = nas::nb201Cost(a);
  const auto id = ws->upsertArchitecture("nb201", a.toString(), cost.flops, cost.params);
  nas::EvaluationRecord e;
  e.archId = id;
  e.source = "tabular";
  e.dataset = "cifar10";
  e.metric = "test_accuracy";
  e.value = 94.37;
  ws->addEvaluation(e);

  ArchitectureView view;
  view.setWorkspace(ws.get());
  QSignalSpy shown(&view, &ArchitectureView::architectureShown);
  QSignalSpy errors(&view, &ArchitectureView::errorOccurred);
  view.showArchitecture(id);
  EXPECT_EQ(shown.count(), 1);
  EXPECT_EQ(errors.count(), 0);
  EXPECT_EQ(view.current().id, id);
  ASSERT_EQ(view.current().evaluations.size(), 1u);
  ASSERT_TRUE(view.cellView()->waitForLayout());  // laid out in the background
  EXPECT_EQ(view.cellView()->nodeItemCount(), 4);
  EXPECT_FALSE(view.macroView()->caption().isEmpty());

  view.showArchitecture(id + 1000);  // missing: an error signal, no exception
  EXPECT_EQ(errors.count(), 1);

  QString error;
  EXPECT_TRUE(view.exportPng(dir.filePath(QStringLiteral("a.png")), 1.0, &error)) << error.toStdString();
  EXPECT_TRUE(view.exportSvg(dir.filePath(QStringLiteral("a.svg")), &error)) << error.toStdString();
}

TEST(ArchitectureView, DartsGenotypesDrawBothCellsAndCompareEdgeByEdge) {
  const nas::DartsGenotype v2 = nas::dartsV2Genotype();
  const auto d = ArchitectureView::describe("darts", QString::fromStdString(v2.toString()));
  EXPECT_EQ(d.graph.nodes.size(), 14u);  // normal and reduction cell, 7 nodes each
  EXPECT_EQ(d.graph.edges.size(), 24u);
  EXPECT_EQ(d.params, 3349342);  // DARTS' CIFAR-10 evaluation network
  EXPECT_THROW(ArchitectureView::describe("darts", "Genotype(normal=[('conv', 0)])"), nas::Error);

  // A second genotype differing in one normal and one reduction edge.
  nas::DartsGenotype other = v2;
  other.normal.nodes[0][0].op = nas::DartsOp::SepConv5x5;
  other.reduce.nodes[3][1].op = nas::DartsOp::AvgPool3x3;
  QTemporaryDir dir;
  auto ws = nas::Workspace::open(dir.filePath(QStringLiteral("w.nasw")).toStdString());
  const auto a = ws->upsertArchitecture("darts", v2.toString(), 1e6, 1000);
  const auto b = ws->upsertArchitecture("darts", other.toString(), 1e6, 1000);
  ArchitectureView view;
  view.resize(1200, 700);
  view.setWorkspace(ws.get());
  QSignalSpy errors(&view, &ArchitectureView::errorOccurred);
  view.showArchitecture(a);
  ASSERT_TRUE(view.cellView()->waitForLayout());
  EXPECT_EQ(view.cellView()->nodeItemCount(), 14);
  view.compareArchitectures(a, b);
  EXPECT_EQ(errors.count(), 0);
  ASSERT_TRUE(view.isComparing());
  ASSERT_EQ(view.differences().size(), 2);
  const auto& d0 = view.differences()[0];
  EXPECT_EQ(d0.from, 0);
  EXPECT_EQ(d0.to, 2);
  EXPECT_EQ(d0.opA, QStringLiteral("sep_conv_3x3"));
  EXPECT_EQ(d0.opB, QStringLiteral("sep_conv_5x5"));
  const auto& d1 = view.differences()[1];  // reduction cell: node 5's input from c_{k-1}
  EXPECT_EQ(d1.from, nas::DartsGenotype::kReduceNodeOffset + 1);
  EXPECT_EQ(d1.to, nas::DartsGenotype::kReduceNodeOffset + 5);
  EXPECT_EQ(d1.opB, QStringLiteral("avg_pool_3x3"));
  EXPECT_EQ(highlighted(view.compareCellView()).size(), 2);
  view.copyString();
  EXPECT_EQ(QGuiApplication::clipboard()->text(),
            QString::fromStdString(v2.toString() + "\n" + other.toString()));
}
