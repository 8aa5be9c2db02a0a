// The generator and predictor: shapes, the fixed input node and first edge, sampling that
// yields a cell or counts the sample invalid, and reconstruction training that works.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include "AgnetModel.h"
#include "AgnetSearch.h"

namespace nas::agnet {
namespace {

TEST(AgnetModel, DecodeShapesAndFixedEntries) {
  torch::manual_seed(0);
  Generator g;
  const torch::Tensor z = torch::randn({5, g->latentDim()});
  const DecodeOutput out = g->decode(z);
  ASSERT_EQ(out.nodeLogits.sizes(), (std::vector<int64_t>{5, kNodes, kNodeTypes}));
  ASSERT_EQ(out.edgeLogits.sizes(), (std::vector<int64_t>{5, kEdgeSlots}));
  EXPECT_EQ(out.graph().size(1), kGraphVector);
  EXPECT_FLOAT_EQ(out.nodeLogits[0][0][kInput].item<float>(), 20.0f);
  EXPECT_FLOAT_EQ(out.nodeLogits[3][0][kOutput].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(out.edgeLogits[2][edgeSlot(0, 1)].item<float>(), 20.0f);
  EXPECT_EQ(g->predict(out).sizes(), (std::vector<int64_t>{5}));
  // Different latent codes give different graphs' logits.
  EXPECT_FALSE(torch::allclose(out.nodeLogits[0], out.nodeLogits[1]));
}

TEST(AgnetModel, SamplesAreCellsOrCountedInvalid) {
  torch::manual_seed(1);
  Generator g;
  at::Generator gen = at::detail::createCPUGenerator(3);
  const DecodeOutput out = g->decode(torch::rand({400, g->latentDim()}, gen) * 6 - 3);
  const auto cells = sampleCells(out, gen);
  ASSERT_EQ(cells.size(), 400u);
  int valid = 0;
  for (const auto& c : cells)
    if (c) {
      ++valid;
      EXPECT_EQ(Nb201Cell::parse(c->toString()), *c);
    }
  // An untrained decoder draws 21 free edges at random: nearly always invalid.
  EXPECT_LT(valid, 40);

  // Logits that spell a cell sample exactly that cell.
  const Nb201Cell cell = Nb201Cell::fromIndex(777);
  const auto [types, edges] = cellTargets({cell, cell});
  DecodeOutput exact{torch::one_hot(types, kNodeTypes).to(torch::kFloat32) * 40.0, (edges * 2 - 1) * 40.0};
  for (const auto& c : sampleCells(exact, gen)) {
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(*c, cell);
  }
  // An output node early truncates the graph: invalid.
  DecodeOutput early{exact.nodeLogits.clone(), exact.edgeLogits.clone()};
  early.nodeLogits[0][4].fill_(0).index_put_({kOutput}, 40.0);
  const auto truncated = sampleCells(early, gen);
  EXPECT_FALSE(truncated[0].has_value());
  EXPECT_TRUE(truncated[1].has_value());
}

TEST(AgnetModel, ReconstructionTrainingLowersLossAndRaisesValidity) {
  PretrainConfig c;
  c.samples = 32 * 150;
  c.lr = 2e-3;
  c.validitySamples = 200;
  const auto p = pretrain(c);
  Generator fresh;
  {
    torch::manual_seed(c.seed);
    fresh = Generator(c.model);
  }
  const auto [types, edges] = cellTargets({Nb201Cell::fromIndex(5), Nb201Cell::fromIndex(9000)});
  torch::NoGradGuard noGrad;
  const torch::Tensor z = torch::randn({2, fresh->latentDim()});
  const double before = reconstructionLoss(fresh->decode(z), types, edges).mean().item<double>();
  EXPECT_LT(p->finalLoss, before);
  EXPECT_GT(p->validity, 0.2) << "loss " << p->finalLoss;
  EXPECT_LE(p->validity, 1.0);
  // The shared copy is the same object for the same settings.
  EXPECT_EQ(sharedPretrained(c).get(), sharedPretrained(c).get());
}

}  // namespace
}  // namespace nas::agnet
