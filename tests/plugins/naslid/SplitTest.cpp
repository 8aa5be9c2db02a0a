// Splitting: the best partition and both edge senses on hand-made matrices, op masks, the
// stratified sample and top-k precision, and the split loop on a tiny supernet over synthetic
// images (every criterion gives leaves that cover the space exactly once; children inherit the
// parent's weights; the probes leave the supernet unchanged; the tree survives its bytes).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <set>

#include "SplitStudy.h"
#include "TruthSample.h"
#include "common/Error.h"
#include "nn/ModuleBytes.h"
#include "search/TabularBenchmark.h"
#include "train/Nb201Run.h"

namespace nas::naslid {
namespace {

EdgeSimilarity blockMatrix() {
  // ops {0,1} alike, {2,3,4} alike, the two groups unlike.
  EdgeSimilarity s;
  s.edge = 2;
  s.ops = {0, 1, 2, 3, 4};
  s.matrix.assign(5, std::vector<double>(5, -0.5));
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j)
      if ((i < 2) == (j < 2)) s.matrix[static_cast<size_t>(i)][static_cast<size_t>(j)] = i == j ? 1.0 : 0.9;
  return s;
}

TEST(Partition, KeepsSimilarOpsTogether) {
  const Partition p = bestPartition(blockMatrix());
  EXPECT_EQ(p.a, (std::vector<int>{0, 1}));
  EXPECT_EQ(p.b, (std::vector<int>{2, 3, 4}));
  EXPECT_NEAR(p.intra, 0.9 * 4, 1e-12);                       // 1 pair + 3 pairs
  EXPECT_NEAR(p.total, 5 * 1.0 + 4 * 0.9 + 6 * -0.5, 1e-12);  // upper triangle with diagonal
  EXPECT_NEAR(edgeScore(p, EdgeSense::Paper), p.intra, 1e-12);
  EXPECT_NEAR(edgeScore(p, EdgeSense::Code), p.total - p.intra, 1e-12);
  EXPECT_THROW(parseEdgeSense("sideways"), Error);
}

TEST(Partition, SmallEdgesSplitOneAgainstTheRest) {
  EdgeSimilarity s;
  s.ops = {1, 3, 4};
  s.matrix = {{1, 0.2, 0.95}, {0.2, 1, 0.1}, {0.95, 0.1, 1}};
  const Partition p = bestPartition(s);
  EXPECT_EQ(p.a, (std::vector<int>{3}));
  EXPECT_EQ(p.b, (std::vector<int>{1, 4}));
}

TEST(OpMaskTest, SamplesOnlyEnabledOps) {
  OpMask m = OpMask::all();
  m.on[0] = {false, false, true, true, false};
  Rng rng(3);
  for (int i = 0; i < 50; ++i) {
    const Nb201Cell c = m.sample(rng);
    EXPECT_TRUE(m.contains(c));
    EXPECT_TRUE(c.op(0) == Nb201Op::Conv1x1 || c.op(0) == Nb201Op::Conv3x3);
  }
  EXPECT_EQ(m.ops(0), (std::vector<int>{2, 3}));
}

TEST(TruthSampleTest, StratifiedDeterministicAndSpread) {
  const auto a = stratifiedSample(20, 1, {}), b = stratifiedSample(20, 1, {}), c = stratifiedSample(20, 2, {});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::set<int> distinct;
  for (const auto& cell : a) distinct.insert(cell.index());
  EXPECT_EQ(distinct.size(), 20u);
  // Stratum 0 holds the smallest cells, the last the largest.
  EXPECT_LT(nb201Cost(a.front()).params, nb201Cost(a.back()).params);
  EXPECT_THROW(stratifiedSample(1, 0, {}), Error);
}

// Accuracy strata over the shipped NB201 table: every stratum of the connected cells, sorted by
// (accuracy, index), gives exactly its own cell; reproducible for a seed; the sample runs from
// the table's bad cells to its good ones.
TEST(TruthSampleTest, AccuracyStrataCoverEveryStratumReproducibly) {
  TabularBenchmark::Options o;
  o.space = "nb201";
  const TabularBenchmark table = TabularBenchmark::load(NAS_NB201_TABLE, o);
  const std::size_t acc = table.metricIndex("test_accuracy");
  std::vector<std::pair<double, int>> sorted;
  for (int i = 0; i < kNb201NumCells; ++i)
    if (Nb201Cell::fromIndex(i).connected()) sorted.emplace_back(table.value(*table.findCell(Nb201Cell::fromIndex(i)), acc), i);
  std::sort(sorted.begin(), sorted.end());
  const int count = 12;
  const auto a = stratifiedByAccuracy(count, 3, table), b = stratifiedByAccuracy(count, 3, table);
  const auto c = stratifiedByAccuracy(count, 4, table);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  ASSERT_EQ(a.size(), static_cast<size_t>(count));
  const std::size_t n = sorted.size();
  for (int s = 0; s < count; ++s) {
    const Nb201Cell& cell = a[static_cast<size_t>(s)];
    EXPECT_TRUE(cell.connected());
    const auto at = std::find_if(sorted.begin(), sorted.end(), [&](const auto& e) { return e.second == cell.index(); });
    ASSERT_NE(at, sorted.end());
    const auto rank = static_cast<std::size_t>(at - sorted.begin());
    EXPECT_GE(rank, static_cast<std::size_t>(s) * n / count) << "stratum " << s;
    EXPECT_LT(rank, static_cast<std::size_t>(s + 1) * n / count) << "stratum " << s;
  }
  // Bad to good: the first stratum is the bottom 1/12 of the table (all below 80 %), the last the top.
  EXPECT_LT(table.value(*table.findCell(a.front()), acc), 80.0);
  EXPECT_GT(table.value(*table.findCell(a.back()), acc), 93.0);
  EXPECT_EQ(truthSample(Strata::Accuracy, count, 3, NAS_NB201_TABLE), a);
  EXPECT_EQ(truthSample(Strata::Params, count, 3, NAS_NB201_TABLE), stratifiedSample(count, 3, {}));
  EXPECT_THROW(stratifiedByAccuracy(1, 0, table), Error);
  EXPECT_THROW(stratifiedByAccuracy(static_cast<int>(n) + 1, 0, table), Error);
}

TEST(TruthSampleTest, StrataRuleNames) {
  EXPECT_EQ(parseStrata("accuracy"), Strata::Accuracy);
  EXPECT_EQ(parseStrata("params"), Strata::Params);
  EXPECT_STREQ(strataName(Strata::Accuracy), "accuracy");
  try {
    parseStrata("size");
    FAIL() << "unknown rule accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.context(), "strata");
  }
}

TEST(TruthSampleTest, TopKPrecision) {
  EXPECT_DOUBLE_EQ(topKPrecision({4, 3, 2, 1}, {40, 30, 20, 10}, 2), 1.0);
  EXPECT_DOUBLE_EQ(topKPrecision({1, 2, 3, 4}, {40, 30, 20, 10}, 2), 0.0);
  EXPECT_DOUBLE_EQ(topKPrecision({4, 1, 3, 2}, {40, 30, 20, 10}, 2), 0.5);
  EXPECT_THROW(topKPrecision({1}, {1, 2}, 1), Error);
}

// ---- the loop on a tiny supernet
// Two states hold the same tensors (their bytes differ: torch numbers modules per process).
bool sameWeights(const std::string& a, const std::string& b, const Nb201MacroConfig& macro) {
  NaslidNet x(macro), y(macro);
  moduleFromBytes(*x, a, "a");
  moduleFromBytes(*y, b, "b");
  const auto bx = x->named_buffers(), by = y->named_buffers();
  const auto px = x->named_parameters(), py = y->named_parameters();
  for (const auto& item : px)
    if (!torch::equal(item.value(), py[item.key()])) return false;
  for (const auto& item : bx)
    if (!torch::equal(item.value(), by[item.key()])) return false;
  return true;
}
QueryData tinyData() {
  QueryDataConfig c;
  c.dataset = "synthetic";
  c.valImages = 128;
  c.trainLimit = 384;
  return loadQueryData(c);
}

SplitOptions tinyOptions(Criterion c) {
  SplitOptions o;
  o.criterion = c;
  o.levels = 2;
  o.levelEpochs = 0;  // inheritance is then visible as equal states
  o.repeats = 2;
  o.probeBatch = 32;
  o.lid.k = 8;
  o.train.batch = 64;
  o.seed = 5;
  return o;
}

TEST(SplitLoop, EveryCriterionCoversTheSpaceOnce) {
  torch::set_num_threads(1);
  const QueryData data = tinyData();
  const Nb201MacroConfig macro = nb201MacroFor(data.train, 4, 1);
  TrainSpec spec;
  spec.batch = 64;
  const std::string root = trainRoot(macro, data, spec, 1, 5);
  for (Criterion c : {Criterion::Lid, Criterion::Gradient, Criterion::Random, Criterion::None}) {
    const SplitReport r = runSplitting(macro, data, root, tinyOptions(c));
    const auto leaves = r.tree.leaves();
    EXPECT_EQ(leaves.size(), c == Criterion::None ? 1u : 4u) << criterionName(c);
    // Every cell in exactly one leaf.
    for (int i = 0; i < 15625; i += 97) {
      int holders = 0;
      for (int leaf : leaves) holders += r.tree.nodes[static_cast<size_t>(leaf)].mask.contains(Nb201Cell::fromIndex(i));
      EXPECT_EQ(holders, 1) << criterionName(c) << " cell " << i;
    }
    for (const auto& n : r.tree.nodes) {
      EXPECT_TRUE(sameWeights(n.state, root, macro)) << "with 0 epochs per level every node keeps the root's weights";
      if (c == Criterion::Lid || c == Criterion::Gradient) {
        if (!n.children.empty()) {
          EXPECT_FALSE(n.similarities.empty());
          for (const auto& s : n.similarities)
            for (size_t i = 0; i < s.ops.size(); ++i) {
              EXPECT_NEAR(s.matrix[i][i], 1.0, 1e-9);
              for (size_t j = 0; j < s.ops.size(); ++j) EXPECT_NEAR(s.matrix[i][j], s.matrix[j][i], 1e-9);
            }
        }
      }
    }
    if (c == Criterion::Lid || c == Criterion::Gradient) {
      EXPECT_GT(r.splitSeconds, 0.0);
      // The two levels split different edges along every path.
      for (int leaf : leaves) {
        const auto& n = r.tree.nodes[static_cast<size_t>(leaf)];
        EXPECT_EQ(n.splitEdges.size(), 2u);
        EXPECT_NE(n.splitEdges[0], n.splitEdges[1]);
      }
    }
    const SplitTree back = treeFromBytes(treeToBytes(r.tree));
    ASSERT_EQ(back.nodes.size(), r.tree.nodes.size());
    EXPECT_EQ(back.toJson(), r.tree.toJson());
    EXPECT_TRUE(back.nodes.back().state == r.tree.nodes.back().state);
  }
}

TEST(SplitLoop, WithoutInheritanceChildrenStartFresh) {
  torch::set_num_threads(1);
  const QueryData data = tinyData();
  const Nb201MacroConfig macro = nb201MacroFor(data.train, 4, 1);
  const std::string root = trainRoot(macro, data, TrainSpec{}, 0, 2);
  SplitOptions o = tinyOptions(Criterion::Random);
  o.levels = 1;
  o.inheritWeights = false;
  const SplitReport r = runSplitting(macro, data, root, o);
  ASSERT_EQ(r.tree.nodes.size(), 3u);
  EXPECT_FALSE(sameWeights(r.tree.nodes[1].state, root, macro));
  EXPECT_FALSE(sameWeights(r.tree.nodes[1].state, r.tree.nodes[2].state, macro));
}

TEST(SplitLoop, ChildrenTrainFromTheParentAndScoresAreAccuracies) {
  torch::set_num_threads(1);
  const QueryData data = tinyData();
  const Nb201MacroConfig macro = nb201MacroFor(data.train, 4, 1);
  TrainSpec spec;
  const std::string root = trainRoot(macro, data, spec, 1, 1);
  SplitOptions o = tinyOptions(Criterion::Lid);
  o.levels = 1;
  o.levelEpochs = 1;
  SplitHooks hooks;
  int saves = 0;
  hooks.saved = [&](const SplitTree&) { ++saves; };
  const SplitReport r = runSplitting(macro, data, root, o, hooks);
  ASSERT_EQ(r.tree.nodes.size(), 3u);
  EXPECT_FALSE(sameWeights(r.tree.nodes[1].state, root, macro));
  EXPECT_FALSE(sameWeights(r.tree.nodes[1].state, r.tree.nodes[2].state, macro));
  EXPECT_GE(saves, 3);
  // 6 edges x 5 ops profiles of repeat 0, each of 3N+2 = 5 blocks, finite and >= 0.
  const auto& profiles = r.tree.nodes[0].profiles;
  ASSERT_EQ(profiles.size(), 30u);
  EXPECT_EQ(treeFromBytes(treeToBytes(r.tree)).nodes[0].profiles.size(), 30u);
  for (const auto& p : profiles) {
    ASSERT_EQ(p.lid.size(), 5u);
    for (double v : p.lid) EXPECT_TRUE(std::isfinite(v) && v >= 0) << p.arch;
  }
  const std::vector<Nb201Cell> cells = stratifiedSample(6, 0, {});
  const auto scores = scoreCells(r.tree, macro, data, cells, 2, spec);
  ASSERT_EQ(scores.size(), cells.size());
  for (double s : scores) EXPECT_TRUE(s >= 0 && s <= 1);
  // Resuming from a saved tree with nothing left to do returns the same tree.
  const SplitReport again = runSplitting(macro, data, root, o, {}, r.tree);
  EXPECT_EQ(again.tree.toJson(), r.tree.toJson());
}

TEST(SplitLoop, ProbesLeaveTheSupernetUnchanged) {
  torch::set_num_threads(1);
  const QueryData data = tinyData();
  const Nb201MacroConfig macro = nb201MacroFor(data.train, 4, 1);
  NaslidNet net(macro);
  const std::string before = moduleToBytes(*net);
  std::vector<LabelledBatch> batches{{torch::randn({32, 1, 16, 16}), torch::randint(0, 4, {32}, torch::kLong)}};
  lidSimilarity(*net, OpMask::all(), 0, batches, LidOptions{8, 1e-6}, 0);
  gradientSimilarity(*net, OpMask::all(), 3, batches, 0);
  EXPECT_TRUE(sameWeights(moduleToBytes(*net), before, macro));
  for (const auto& p : net->parameters()) EXPECT_FALSE(p.grad().defined());
  std::vector<torch::Tensor> blocks;
  net->forward(batches[0].x, Nb201Cell::fromIndex(100), [&](const torch::Tensor& b) { blocks.push_back(b); });
  EXPECT_EQ(static_cast<int>(blocks.size()), net->numBlocks());
  EXPECT_EQ(net->numBlocks(), 5);
}

// Core's supernet block hook (which replaced NAS-LID's own copy of the supernet) hands out every
// block in depth order, and the logits do not depend on whether anyone listens.
TEST(SplitLoop, BlockHookSeesEveryBlockAndChangesNothing) {
  torch::set_num_threads(1);
  const QueryData data = tinyData();
  const Nb201MacroConfig macro = nb201MacroFor(data.train, 4, 1);
  torch::manual_seed(7);
  NaslidNet net(macro);
  net->eval();
  const torch::Tensor x = torch::randn({8, 1, 16, 16});
  const Nb201Cell cell = Nb201Cell::fromIndex(4321);
  std::vector<torch::Tensor> blocks;
  const torch::Tensor hooked = net->forward(x, cell, [&](const torch::Tensor& b) { blocks.push_back(b); });
  const torch::Tensor plain = net->forward(x, cell);
  EXPECT_TRUE(torch::equal(hooked, plain));
  ASSERT_EQ(static_cast<int>(blocks.size()), net->numBlocks());
  EXPECT_EQ(blocks[1].size(1), 2 * blocks[0].size(1));  // reduction0 doubles the channels
  EXPECT_EQ(net->blockNames(), (std::vector<std::string>{"cell0", "reduction0", "cell1", "reduction1", "cell2"}));
}

}  // namespace
}  // namespace nas::naslid
