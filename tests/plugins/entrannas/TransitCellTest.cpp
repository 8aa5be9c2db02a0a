// A Transit-cell computes what a standalone network of the derived cell computes with the same
// weights (max |difference| <= 1e-5): the super-net after some search steps, every cell switched
// to Transit mode, against a network holding only the derived ops whose weights are copied by
// name; the same for one Transit-cell on its own inputs. With and without feature sharing.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "SearchTrainer.h"
#include "data/Augment.h"
#include "data/DatasetLoader.h"

namespace nas::entrannas {
namespace {

// A few search steps so that the weights, BN statistics and the derived cells are not the
// initial ones.
void warmUp(SearchTrainer& t) {
  const ImageDataset data = loadImageDataset("synthetic", "", true).head(64);
  const Normalization norm = datasetNormalization("synthetic", 1);
  for (int s = 0; s < 3; ++s) {
    const torch::Tensor a = torch::arange(16 * s % 48, 16 * s % 48 + 16), b = a + 16;
    t.step(normalizeBatch(data.images.index_select(0, a), norm), data.labels.index_select(0, a),
           normalizeBatch(data.images.index_select(0, b), norm), data.labels.index_select(0, b), 0.05);
  }
}

void expectTransitEqualsStandalone(SpaceKind space, bool sharing, Derivation d) {
  torch::set_num_threads(1);
  SearchOptions o;
  o.method = "entrannas";
  o.space = space;
  o.derivation = d;
  o.featureSharing = sharing;
  o.channels = 4;
  o.layers = space == SpaceKind::Darts ? 5 : 2;  // darts: cells 0, 1, 3 Engine; nb201: 0, 2, 4
  o.archLr = 0.05;
  o.thresholdInit = 3.0;  // a sparse DST cell from the first steps (95% of the node's largest weight)
  o.seed = 11;
  SearchTrainer t(o, 1, 4);
  warmUp(t);
  const std::vector<ActiveOps> derived = t.derived();
  CellNetwork standalone(t.net()->config(), &derived);
  copyMatchingState(*t.net(), *standalone);
  // The standalone network holds only the derived ops: fewer parameters than the super-net.
  const auto count = [](const torch::nn::Module& m) {
    std::int64_t n = 0;
    for (const auto& p : m.parameters()) n += p.numel();
    return n;
  };
  EXPECT_LT(count(*standalone), count(*t.net()));

  std::vector<CellRun> runs;
  for (const ActiveOps& a : derived) runs.push_back(CellRun::transit(a));
  const std::vector<bool> allTransit(static_cast<size_t>(t.net()->numCells()), false);
  const torch::Tensor x = torch::randn({8, 1, 16, 16});
  torch::NoGradGuard noGrad;
  for (bool training : {true, false}) {  // batch statistics, then running statistics
    t.net()->train(training);
    standalone->train(training);
    const torch::Tensor a = t.net()->forward(x, runs, allTransit);
    const torch::Tensor b = standalone->forward(x, runs, allTransit);
    EXPECT_LE((a - b).abs().max().item<double>(), 1e-5) << (training ? "train mode" : "eval mode");
  }
  // One Transit-cell of the search layout on its own inputs: darts cell 2 (after the reduction
  // cell 1: s0 from cell 0 at 16x16, s1 from cell 1 at 8x8), nb201 cell 1.
  const int i = space == SpaceKind::Darts ? 2 : 1;
  ASSERT_FALSE(t.engines()[static_cast<size_t>(i)]);
  t.net()->eval();
  standalone->eval();
  const size_t type = static_cast<size_t>(t.net()->cellType(i));
  const std::int64_t C = o.channels;
  const torch::Tensor s0 = space == SpaceKind::Darts ? torch::randn({4, 4 * C, 16, 16}) : torch::randn({4, C, 16, 16});
  const torch::Tensor s1 = space == SpaceKind::Darts ? torch::randn({4, 8 * C, 8, 8}) : s0;
  const torch::Tensor c0 = t.net()->cell(i)->forward(s0, s1, runs[type], false);
  const torch::Tensor c1 = standalone->cell(i)->forward(s0, s1, runs[type], false);
  EXPECT_LE((c0 - c1).abs().max().item<double>(), 1e-5);
  EXPECT_EQ(derived[type], t.net()->cell(i)->executed());
}

TEST(TransitCell, DstCellEqualsStandaloneNetworkWithSharedFeatures) {
  expectTransitEqualsStandalone(SpaceKind::Darts, true, Derivation::Dst);
}

TEST(TransitCell, Top2CellEqualsStandaloneNetworkWithoutSharing) {
  expectTransitEqualsStandalone(SpaceKind::Darts, false, Derivation::Top2);
}

TEST(TransitCell, Nb201CellEqualsStandaloneNetwork) {
  expectTransitEqualsStandalone(SpaceKind::Nb201, true, Derivation::Dst);
}

TEST(TransitCell, TransitCellsRunFarFewerOpsThanEngineCells) {
  SearchOptions o;
  o.method = "entrannas";
  o.channels = 4;
  o.layers = 5;
  SearchTrainer t(o, 1, 4);
  EXPECT_EQ((std::vector<bool>{true, true, false, true, false}), t.engines());  // cell 0 and both reductions
  SearchOptions d = o;
  d.method = "darts";
  SearchTrainer darts(d, 1, 4);
  EXPECT_EQ(std::vector<bool>(5, true), darts.engines());
  EXPECT_FALSE(darts.options().featureSharing);
  // Feature sharing: one module per (source node, op) rather than per (edge, op).
  EXPECT_LT(t.net()->parameters().size(), darts.net()->parameters().size());
}

}  // namespace
}  // namespace nas::entrannas
