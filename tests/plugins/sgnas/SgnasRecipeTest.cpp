// The paper recipe is what it claims (the official code's hc loss in MFLOPs, argmax decoding,
// selection by the grid's hc loss, one target per step, no extra targets, 50 epochs, any
// groups active in supernet paths); held-out targets never fall on the selection grid; the
// from-scratch summary pairs by target and seed.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>

#include "SgnasEvaluation.h"
#include "SgnasGeneratorTraining.h"
#include "SgnasMethod.h"
#include "SgnasRecipe.h"
#include "SgnasSampling.h"
#include "SgnasScratch.h"
#include "data/SyntheticDataset.h"

namespace nas::sgnas {
namespace {

Json resolved(const Json& given) {
  const ParamSchema s = SgnasMethod().schema();
  return applyRecipe(s.resolve(given), s.resolve(Json::object()));
}

TEST(SgnasRecipe, PaperRecipeTrainsWithThePapersSettings) {
  const GeneratorTrainOptions paper = generatorTrainOptions(resolved({{"recipe", "paper"}}));
  EXPECT_FALSE(paper.straightThroughCost);
  EXPECT_FALSE(paper.hc.relative);
  EXPECT_NEAR(paper.hc.alpha, 3e-4 * 180 * 180, 1e-9);
  EXPECT_NEAR(paper.hc.tolerance, 0.1 / 180, 1e-12);
  EXPECT_DOUBLE_EQ(paper.hc.penalty, 1.2);
  EXPECT_EQ(paper.targetsPerStep, 1);
  EXPECT_EQ(paper.hcTargetsPerStep, 0);
  EXPECT_EQ(paper.selectionImages, 0);
  EXPECT_EQ(paper.selectionMaxError, 0.0);
  EXPECT_EQ(paper.epochs, 50);
  EXPECT_DOUBLE_EQ(paper.tau0, 5.0);
  EXPECT_DOUBLE_EQ(paper.tauDecay, 0.95);
  const Json p = resolved({{"recipe", "paper"}});
  EXPECT_EQ(p.at("decode_samples").get<int>(), 0);
  EXPECT_EQ(p.at("min_expansion").get<int>(), 2);
  EXPECT_FALSE(p.at("supernet_group0_active").get<bool>());
  // studio is the schema's defaults, untouched
  const GeneratorTrainOptions studio = generatorTrainOptions(resolved({}));
  EXPECT_TRUE(studio.straightThroughCost);
  EXPECT_TRUE(studio.hc.relative);
  EXPECT_EQ(studio.hcTargetsPerStep, 32);
  EXPECT_EQ(studio.targetsPerStep, 4);
  // A setting given away from the studio default survives the paper recipe.
  EXPECT_EQ(generatorTrainOptions(resolved({{"recipe", "paper"}, {"generator_epochs", 7}})).epochs, 7);
}

TEST(SgnasRecipe, PaperHcLossIsTheOfficialCodesInMflops) {
  // cal_hc_loss(F, T, 3e-4, 1.2) on a [270, 450] MFLOPs range: 3e-4 (F-T)^2 x 1.2 over the
  // target by more than 0.1 MFLOPs, 3e-4 (F-T)^2 under it, 0 within 0.1.
  const GeneratorTrainOptions o = generatorTrainOptions(resolved({{"recipe", "paper"}}));
  const Constraint c{"flops", 270e6, 450e6};
  const double T = 360e6;
  EXPECT_NEAR(hcLossValue(370e6, T, c, o.hc), 3e-4 * 10 * 10 * 1.2, 1e-9);
  EXPECT_NEAR(hcLossValue(340e6, T, c, o.hc), 3e-4 * 20 * 20, 1e-9);
  EXPECT_EQ(hcLossValue(360.05e6, T, c, o.hc), 0.0);
  EXPECT_GT(hcLossValue(360.2e6, T, c, o.hc), 0.0);
}

GeneratorSetup tinySetup() {
  GeneratorSetup s;
  s.space = spacePreset("tiny", 4);
  s.table = buildCostTable(s.space);
  s.constraints = makeConstraints(s.space, "flops");
  s.pool = buildPriorPool(s.space, s.table, 1, 3);
  s.config.layers = s.space.numLayers();
  s.config.groups = s.space.groups;
  s.config.constraints = 1;
  return s;
}

TEST(SgnasRecipe, PaperDecodingIsTheArgmax) {
  GeneratorSetup s = tinySetup();
  s.config.decodeSamples = resolved({{"recipe", "paper"}}).at("decode_samples").get<int>();
  torch::manual_seed(4);
  SgnasGenerator g(s.config);
  const torch::Tensor logits = g->forward(torch::zeros({2, 3, 12}), torch::rand({2, 2}))[0];
  Targets t(1);
  t[0] = s.constraints[0].denormalize(0.3);
  const Generated d = decodeForTargets(logits, s, t);
  EXPECT_EQ(archToString(s.space, d.arch), archToString(s.space, decodeArgmax(logits)));
}

TEST(SgnasRecipe, PaperSelectionKeepsTheLowestHcLoss) {
  torch::set_num_threads(1);
  torch::manual_seed(5);
  const GeneratorSetup s = tinySetup();
  SgnasSupernet net(s.space);
  SyntheticOptions so;
  so.size = 64;
  GeneratorTrainOptions o = generatorTrainOptions(resolved({{"recipe", "paper"}}));
  o.epochs = 4;
  o.stepsPerEpoch = 2;
  o.batchSize = 16;
  o.selectionTargets = 6;
  GeneratorTrainer trainer(net, s, makeSyntheticDataset(so), datasetNormalization("synthetic", 1), o);
  double lowest = INFINITY;
  while (!trainer.done()) {
    trainer.step();
    if (!trainer.epochFinished()) continue;
    const auto e = trainer.endEpoch();
    EXPECT_DOUBLE_EQ(e.score.score, e.score.hcLoss);  // no cross-entropy term, no bound
    EXPECT_EQ(e.improved, e.score.hcLoss <= lowest);
    lowest = std::min(lowest, e.score.hcLoss);
  }
  EXPECT_DOUBLE_EQ(trainer.bestHcLoss(), lowest);
}

TEST(SgnasRecipe, OfficialSamplingLetsGroupZeroSkip) {
  const SgnasSpace s = spacePreset("fashion-mnist", 10);
  FairPathSampler official(s, 3, 2, false), studio(s, 3, 2, true);
  int skipped = 0;
  for (int i = 0; i < 300; ++i) {
    const SgnasArch a = official.next(), b = studio.next();
    for (int l = 0; l < s.numLayers(); ++l) {
      skipped += a.choices[l][0] == Choice::Skip;
      EXPECT_GE(a.expansion(l), 2);
      EXPECT_NE(b.choices[l][0], Choice::Skip);
    }
  }
  // e in {2..6} of 6 groups: group 0 is idle with probability 1 - E[e]/6 = 1/3.
  const double share = skipped / (300.0 * s.numLayers());
  EXPECT_NEAR(share, 1.0 / 3.0, 0.05);
  torch::manual_seed(1);
  SgnasSupernet net(s);
  const SgnasArch a = official.next();
  EXPECT_EQ(net->forwardTrainingPath(torch::randn({2, 1, 28, 28}), a).sizes(), torch::IntArrayRef({2, 10}));
}

TEST(SgnasHeldOut, TargetsAreDisjointFromTheSelectionGrid) {
  const GeneratorSetup s = tinySetup();
  const Constraint& c = s.constraints[0];
  for (int n : {2, 5, 20}) {
    std::set<double> grid;
    for (const Targets& r : selectionRequests(s, n, 0)) grid.insert(*r[0]);
    const std::vector<double> eval = targetGrid(c, n);
    EXPECT_EQ(grid, std::set<double>(eval.begin(), eval.end()));  // the in-sample grid is the selection grid
    const std::vector<double> held = heldOutTargets(c, n, 50, 9);
    ASSERT_EQ(held.size(), static_cast<size_t>(n - 1 + 50));
    for (double t : held) {
      for (double g : grid) EXPECT_GT(std::abs(c.normalize(t) - c.normalize(g)), 0.999e-3) << t;
      EXPECT_GE(c.normalize(t), 0.5 / n - 1e-12);
      EXPECT_LE(c.normalize(t), 1 - 0.5 / n + 1e-12);
    }
  }
  EXPECT_EQ(heldOutTargets(c, 20, 20, 1), heldOutTargets(c, 20, 20, 1));
  EXPECT_NE(heldOutTargets(c, 20, 20, 1), heldOutTargets(c, 20, 20, 2));
}

ScratchRow row(int target, int seed, const char* kind, const std::string& arch, double acc, double est) {
  ScratchRow r;
  r.target = target, r.seed = seed, r.kind = kind, r.arch = arch, r.testAccuracy = acc, r.supernetAccuracy = est;
  r.targetFlops = 1e6 * (target + 1);
  return r;
}

TEST(SgnasScratchSummary, PairsByTargetAndSeed) {
  std::vector<ScratchRow> rows = {
      row(0, 0, "generated", "g0", 0.80, 0.5), row(0, 0, "random", "r00", 0.78, 0.4),
      row(1, 0, "generated", "g1", 0.85, 0.6), row(1, 0, "random", "r10", 0.86, 0.7),
      row(0, 1, "generated", "g0", 0.82, 0.5), row(0, 1, "random", "r01", 0.79, 0.3),
      row(2, 0, "generated", "g2", 0.90, 0.8),  // its random never finished: no pair
  };
  const Json s = summarizeScratch(rows);
  EXPECT_EQ(s.at("pairs").get<int>(), 3);
  EXPECT_EQ(s.at("targets").get<int>(), 2);
  // target 0: mean of (0.02, 0.03); target 1: -0.01
  const double d0 = 0.025, d1 = -0.01, m = (d0 + d1) / 2;
  EXPECT_NEAR(s.at("difference_mean").get<double>(), m, 1e-12);
  const double se = std::abs(d0 - d1) / std::sqrt(2.0) / std::sqrt(2.0);
  EXPECT_NEAR(s.at("difference_se").get<double>(), se, 1e-12);
  EXPECT_NEAR(s.at("difference_ci95")[1].get<double>(), m + 12.706 * se, 1e-9);
  EXPECT_EQ(s.at("generated_wins").get<int>(), 1);
  EXPECT_EQ(s.at("architectures").get<int>(), 6);
  EXPECT_NEAR(s.at("seed_sd_same_arch").get<double>(), std::sqrt(2 * 0.01 * 0.01 / 1), 1e-12);
  EXPECT_DOUBLE_EQ(tQuantile975(1000), 1.959964 + 2.4 / 1000);
  // Two distinct generated architectures: the by-architecture test has 2 units.
  EXPECT_EQ(s.at("by_generated_architecture").at("units").get<int>(), 2);
}

TEST(SgnasScratchSummary, TargetsSharingAGeneratedArchitectureCountOnceByArchitecture) {
  // Three targets, but the generator returned g0 for targets 0 and 1: per target 3 units,
  // per distinct generated architecture 2 (g0's difference the mean of its two pairs).
  const std::vector<ScratchRow> rows = {
      row(0, 0, "generated", "g0", 0.80, 0.5), row(0, 0, "random", "r0", 0.77, 0.4),
      row(1, 0, "generated", "g0", 0.80, 0.5), row(1, 0, "random", "r1", 0.79, 0.4),
      row(2, 0, "generated", "g2", 0.90, 0.8), row(2, 0, "random", "r2", 0.91, 0.8),
  };
  const Json s = summarizeScratch(rows);
  EXPECT_EQ(s.at("targets").get<int>(), 3);
  const Json& a = s.at("by_generated_architecture");
  EXPECT_EQ(a.at("units").get<int>(), 2);
  EXPECT_EQ(a.at("generated_wins").get<int>(), 1);
  const double g0 = (0.03 + 0.01) / 2, g2 = -0.01, m = (g0 + g2) / 2;
  EXPECT_NEAR(a.at("difference_mean").get<double>(), m, 1e-12);
  EXPECT_NEAR(a.at("difference_ci95")[1].get<double>(), m + 12.706 * std::abs(g0 - g2) / 2, 1e-9);
  EXPECT_DOUBLE_EQ(a.at("wilcoxon_p").get<double>(), 1.0);  // n = 2, one positive: the exact two-sided p
}

}  // namespace
}  // namespace nas::sgnas
