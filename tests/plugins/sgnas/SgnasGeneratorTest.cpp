// The generator network, its sampling, decoding and artifact, and that training moves it
// toward its targets on a tiny space.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "SgnasGeneratorTraining.h"
#include "SgnasSampling.h"
#include "data/SyntheticDataset.h"

namespace nas::sgnas {
namespace {

GeneratorSetup tinySetup(const std::string& constraints) {
  GeneratorSetup s;
  s.space = spacePreset("tiny", 4);
  s.table = buildCostTable(s.space);
  s.constraints = makeConstraints(s.space, constraints);
  s.pool = buildPriorPool(s.space, s.table, 1, 3);
  s.config.layers = s.space.numLayers();
  s.config.groups = s.space.groups;
  s.config.constraints = static_cast<int>(s.constraints.size());
  return s;
}

TEST(SgnasGenerator, OutputShapeAndGroupZeroNeverSkips) {
  const GeneratorSetup s = tinySetup("flops+params");
  SgnasGenerator g(s.config);
  const torch::Tensor logits = g->forward(torch::zeros({5, 3, 12}), torch::rand({5, 4}));
  ASSERT_EQ(logits.sizes(), torch::IntArrayRef({5, 3, 3, 4}));
  EXPECT_TRUE(torch::isinf(logits.select(2, 0).select(2, 3)).all().item<bool>());
  const torch::Tensor p = gumbelSoftmax(logits, 5.0);
  EXPECT_TRUE(torch::allclose(p.sum(-1), torch::ones({5, 3, 3})));
  EXPECT_EQ(p.select(2, 0).select(2, 3).abs().sum().item<double>(), 0.0);
  for (int i = 0; i < 5; ++i) validateArch(s.space, decodeArgmax(logits[i]));
}

TEST(SgnasGenerator, TargetsAndDontCare) {
  const GeneratorSetup s = tinySetup("flops+params");
  const Targets t = targetsFromJson(s.constraints, Json{{"params", s.constraints[1].max}});
  EXPECT_FALSE(t[0].has_value());
  EXPECT_EQ(conditionRow(s.constraints, t), (std::vector<float>{0.f, 0.f, 1.f, 1.f}));
  EXPECT_THROW(targetsFromJson(s.constraints, Json{{"latency", 3}}), Error);
  EXPECT_THROW(targetsFromJson(s.constraints, Json::object()), Error);
  EXPECT_THROW(targetsFromJson(s.constraints, Json{{"flops", "many"}}), Error);
  // The asymmetric penalty: over budget costs lambda times more; inside the tolerance nothing.
  HcLossOptions o;
  const Constraint& c = s.constraints[0];
  const double span = c.max - c.min, mid = c.min + span / 2;
  EXPECT_NEAR(hcLossValue(mid + 0.1 * span, mid, c, o), 1.2 * hcLossValue(mid - 0.1 * span, mid, c, o), 1e-12);
  EXPECT_EQ(hcLossValue(mid + 0.001 * span, mid, c, o), 0.0);
}

TEST(SgnasGenerator, ArtifactRoundTrips) {
  const GeneratorSetup s = tinySetup("flops");
  SgnasGenerator g(s.config);
  g->eval();
  LoadedGenerator back = loadGeneratorArtifact(generatorArtifact(s, moduleToBytes(*g)));
  ASSERT_EQ(back.setup.constraints.size(), 1u);
  const Targets t{s.constraints[0].denormalize(0.3)};
  EXPECT_EQ(generateArch(g, s, t).arch, generateArch(back.generator, back.setup, t).arch);
  EXPECT_THROW(loadGeneratorArtifact("not an archive"), Error);
}

TEST(SgnasGenerator, TrainingMovesGeneratedFlopsToTargets) {
  torch::set_num_threads(1);  // tiny tensors: one thread is faster and deterministic
  torch::manual_seed(0);
  const GeneratorSetup s = tinySetup("flops");
  SgnasSupernet net(s.space);
  SyntheticOptions so;
  so.size = 256;
  const ImageDataset data = makeSyntheticDataset(so);
  GeneratorTrainOptions o;
  o.epochs = 8;
  o.stepsPerEpoch = 15;
  o.batchSize = 16;
  o.targetsPerStep = 4;
  o.selectionTargets = 20;
  GeneratorTrainer trainer(net, s, data, datasetNormalization("synthetic", 1), o);
  SgnasGenerator initial = trainer.generator();
  const GridScore before = scoreGrid(initial, s, selectionRequests(s, 20, 0), o.hc);
  while (!trainer.done()) {
    trainer.step();
    if (trainer.epochFinished()) trainer.endEpoch();
  }
  SgnasGenerator best(s.config);
  moduleFromBytes(*best, trainer.bestGenerator(), "best");
  const GridScore after = scoreGrid(best, s, selectionRequests(s, 20, 0), o.hc);
  EXPECT_GT(after.kendallTau, 0.8) << "before: " << before.kendallTau;
  EXPECT_LT(after.hcLoss, before.hcLoss);
  // Checkpoint state restores the counters.
  GeneratorTrainer again(net, s, data, datasetNormalization("synthetic", 1), o);
  again.restore(trainer.state());
  EXPECT_TRUE(again.done());
  EXPECT_DOUBLE_EQ(again.bestHcLoss(), trainer.bestHcLoss());
}

}  // namespace
}  // namespace nas::sgnas
