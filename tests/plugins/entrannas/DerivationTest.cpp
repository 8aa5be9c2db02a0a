// The derivations and what the cells run: with DST the derived cell is the set of non-zero
// Engine-cell connections at every step, and both Engine- and Transit-cells compute exactly
// those (edge, op) pairs; DARTS' top-2 rule keeps two inputs per node; the NAS-Bench-201 rule
// keeps one op per edge.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <set>

#include "Derivation.h"
#include "common/Error.h"
#include "SearchTrainer.h"
#include "data/Augment.h"
#include "data/DatasetLoader.h"

namespace nas::entrannas {
namespace {

SearchOptions tiny(SpaceKind space, const std::string& method) {
  SearchOptions o;
  o.method = method;
  o.space = space;
  o.channels = 4;
  o.layers = space == SpaceKind::Darts ? 5 : 2;  // Engine- and Transit-cells in both spaces
  o.batchSize = 16;
  o.archLr = 0.05;        // large, so that the sparse set changes within a few steps
  o.thresholdInit = 1.5;  // threshold at 82% of each node's largest weight: sparse early
  o.seed = 3;
  return o;
}

void expectDstConsistentOverSteps(SpaceKind space) {
  torch::set_num_threads(1);
  SearchTrainer t(tiny(space, "entrannas"), 1, 4);
  const ImageDataset data = loadImageDataset("synthetic", "", true).head(64);
  const Normalization norm = datasetNormalization("synthetic", 1);
  const auto batch = [&](int from) {
    std::vector<std::int64_t> idx;
    for (int i = 0; i < 16; ++i) idx.push_back(from + i);
    const torch::Tensor ix = torch::tensor(idx);
    return std::make_pair(normalizeBatch(data.images.index_select(0, ix), norm), data.labels.index_select(0, ix));
  };
  std::set<ActiveOps> seen;
  for (int s = 0; s < 12; ++s) {
    const auto [xt, yt] = batch((s % 2) * 32);
    const auto [xv, yv] = batch((s % 2) * 32 + 16);
    t.step(xt, yt, xv, yv, 0.05);
    const std::vector<torch::Tensor> w = t.engineWeights();
    const std::vector<ActiveOps> derived = t.derived();
    for (size_t type = 0; type < derived.size(); ++type) {
      // The derived cell is the non-zero set of the Engine weights...
      EXPECT_EQ(nonZeroOps(t.spec(), w[type]), derived[type]) << "step " << s;
      // ... which is what this step's weight update ran in every cell of that type.
      EXPECT_EQ(t.lastStepDerived()[type], derived[type]) << "step " << s;
      seen.insert(derived[type]);
      EXPECT_FALSE(derived[type].empty());
    }
    for (int i = 0; i < t.net()->numCells(); ++i)
      EXPECT_EQ(derived[static_cast<size_t>(t.net()->cellType(i))], t.net()->cell(i)->executed())
          << "step " << s << ", cell " << i << (t.engines()[static_cast<size_t>(i)] ? " (Engine)" : " (Transit)");
  }
  // The thresholds removed connections, and the derived cells changed along the way.
  size_t smallest = 1000;
  for (const ActiveOps& a : seen) smallest = std::min(smallest, a.size());
  EXPECT_LT(smallest, static_cast<size_t>(t.spec().numEdges() * (t.spec().numOps() - 1)) / 2);
  EXPECT_GT(seen.size(), t.derived().size());
}

TEST(Derivation, DstDerivedCellEqualsNonZeroEngineConnectionsEveryStep) {
  expectDstConsistentOverSteps(SpaceKind::Darts);
}

TEST(Derivation, DstOnNb201KeepsOneOpPerEdgeEveryStep) { expectDstConsistentOverSteps(SpaceKind::Nb201); }

TEST(Derivation, DstWeightsSumToOnePerNodeAndKeepTheStrongest) {
  const CellSpec& spec = cellSpec(SpaceKind::Darts);
  torch::manual_seed(0);
  const torch::Tensor alpha = torch::randn({14, 8}), theta = torch::zeros({4});
  const torch::Tensor w = engineWeights(spec, alpha, theta, Derivation::Dst);
  for (int j = 2; j < 6; ++j) {
    const std::vector<int> into = spec.edgesInto(j);
    const torch::Tensor block = w.slice(0, into.front(), into.back() + 1);
    EXPECT_NEAR(1.0, block.sum().item<double>(), 1e-5);
    EXPECT_EQ(0.0, block.select(1, 0).abs().sum().item<double>());  // `none` never carries weight
    // The node's strongest non-none candidate always survives.
    const torch::Tensor cand = alpha.slice(0, into.front(), into.back() + 1).slice(1, 1);
    const std::int64_t best = cand.flatten().argmax().item<std::int64_t>();
    EXPECT_GT(block.slice(1, 1).flatten()[best].item<double>(), 0.0);
  }
  // A higher threshold keeps fewer connections; a very low one keeps (almost) all.
  const auto count = [&](double th) {
    return nonZeroOps(spec, engineWeights(spec, alpha, torch::full({4}, th), Derivation::Dst)).size();
  };
  EXPECT_GT(count(-10.0), count(0.0));
  EXPECT_GT(count(0.0), count(3.0));
  EXPECT_GE(count(10.0), 4u);  // one per node at least
  // Gradients reach alpha and theta.
  const torch::Tensor a = alpha.clone().requires_grad_(true), th = theta.clone().requires_grad_(true);
  (engineWeights(spec, a, th, Derivation::Dst) * torch::randn({14, 8})).sum().backward();
  EXPECT_GT(a.grad().abs().sum().item<double>(), 0.0);
  EXPECT_GT(th.grad().abs().sum().item<double>(), 0.0);
}

TEST(Derivation, Top2KeepsTwoStrongestEdgesPerNodeWithTheirBestOp) {
  const CellSpec& spec = cellSpec(SpaceKind::Darts);
  torch::Tensor alpha = torch::zeros({14, 8});
  // Node 4 (edges 5..8 from 0, 1, 2, 3): strong sep_conv_5x5 from 3 and skip from 1; `none` is
  // strongest on the edge from 0 but never counts.
  alpha[8][5] = 4.0;
  alpha[6][3] = 3.0;
  alpha[5][0] = 9.0;
  const ActiveOps d = deriveCell(spec, alpha, torch::Tensor(), Derivation::Top2);
  const DartsCell cell = toDartsCell(d);
  ASSERT_TRUE(cell.standard());
  EXPECT_EQ((std::vector<DartsConnection>{{DartsOp::SkipConnect, 1}, {DartsOp::SepConv5x5, 3}}), cell.nodes[2]);
  // On the NAS-Bench-201 cell: per edge the argmax, `none` included.
  torch::Tensor nb = torch::zeros({6, 5});
  nb[0][3] = 1.0;  // edge 0: conv 3x3
  nb[1][0] = 1.0;  // edge 1: none
  for (int e = 2; e < 6; ++e) nb[e][1] = 1.0;
  EXPECT_EQ("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|",
            toNb201Cell(deriveCell(cellSpec(SpaceKind::Nb201), nb, torch::Tensor(), Derivation::Top2)).toString());
}

TEST(Derivation, GenotypeTextsRoundTripThroughActiveOps) {
  // Active ops list a node's inputs in edge order, so the text may reorder a node's pairs.
  const std::vector<ActiveOps> v2 = parseGenotypeText(SpaceKind::Darts, dartsV2Genotype().toString());
  EXPECT_EQ(8u, v2[0].size());
  EXPECT_EQ(v2, parseGenotypeText(SpaceKind::Darts, genotypeText(SpaceKind::Darts, v2)));
  const std::string nb = "|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|none~2|";
  EXPECT_EQ(nb, genotypeText(SpaceKind::Nb201, parseGenotypeText(SpaceKind::Nb201, nb)));
  EXPECT_THROW(toNb201Cell({{0, 1}, {0, 2}}), Error);
}

}  // namespace
}  // namespace nas::entrannas
