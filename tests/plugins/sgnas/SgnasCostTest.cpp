// The cost model: exact table == counting the built network's path == LUT on one-hot
// probabilities; the LUT is differentiable and monotone in the right places.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "SgnasCost.h"
#include "SgnasGenerator.h"
#include "SgnasSampling.h"
#include "SgnasSupernet.h"

namespace nas::sgnas {
namespace {

CostCounter countPath(SgnasSupernet& net, const SgnasArch& arch) {
  const SgnasSpace& s = net->space();
  CostCounter c;
  torch::NoGradGuard ng;
  net->eval();
  net->forward(torch::randn({1, s.inputChannels, s.inputSize, s.inputSize}), arch, &c);
  return c;
}

void expectAllAgree(const std::string& preset, int archs) {
  const SgnasSpace s = spacePreset(preset, 10);
  const CostTable t = buildCostTable(s);
  SgnasSupernet net(s);
  Rng rng(11);
  std::vector<SgnasArch> list = {minimalArch(s), maximalArch(s)};
  for (int i = 0; i < archs; ++i) list.push_back(randomArch(s, rng));
  for (const auto& a : list) {
    const Cost exact = exactCost(t, a);
    const CostCounter counted = countPath(net, a);
    EXPECT_DOUBLE_EQ(exact.flops, counted.flops) << archToString(s, a);
    EXPECT_EQ(exact.params, counted.params) << archToString(s, a);
    const torch::Tensor p = archProbabilities(a).to(torch::kDouble);
    EXPECT_NEAR(lutFlops(t, p).item<double>(), exact.flops, 1e-6 * exact.flops) << archToString(s, a);
    EXPECT_NEAR(lutParams(t, p).item<double>(), static_cast<double>(exact.params), 1e-6 * exact.params);
  }
}

TEST(SgnasCost, ExactEqualsCountedEqualsLutTiny) { expectAllAgree("tiny", 30); }
TEST(SgnasCost, ExactEqualsCountedEqualsLutFashionMnist) { expectAllAgree("fashion-mnist", 20); }
TEST(SgnasCost, ExactEqualsCountedEqualsLutCifar) { expectAllAgree("cifar", 2); }

TEST(SgnasCost, RangeIsMinimalToMaximal) {
  const SgnasSpace s = spacePreset("fashion-mnist", 10);
  const CostRange r = costRange(s);
  const CostTable t = buildCostTable(s);
  Rng rng(5);
  for (int i = 0; i < 500; ++i) {
    const Cost c = exactCost(t, randomArch(s, rng));
    EXPECT_GE(c.flops, r.min.flops);
    EXPECT_LE(c.flops, r.max.flops);
    EXPECT_GE(c.params, r.min.params);
    EXPECT_LE(c.params, r.max.params);
  }
  EXPECT_GT(r.max.flops, 2 * r.min.flops);
}

TEST(SgnasCost, LutIsDifferentiableAndBatched) {
  const SgnasSpace s = spacePreset("tiny", 4);
  const CostTable t = buildCostTable(s);
  torch::Tensor logits = torch::zeros({2, s.numLayers(), s.groups, kNumChoices}, torch::requires_grad());
  const torch::Tensor p = torch::softmax(logits, -1);
  const torch::Tensor f = lutFlops(t, p);
  ASSERT_EQ(f.sizes(), torch::IntArrayRef({2}));
  f.sum().backward();
  // More weight on k7 must cost more than on k3, and more on skip must cost less.
  const auto g = logits.grad()[0][0][1];
  EXPECT_GT(g[2].item<double>(), g[0].item<double>());
  EXPECT_LT(g[3].item<double>(), g[0].item<double>());
  // Uniform probabilities land strictly inside the range.
  const CostRange r = costRange(s);
  EXPECT_GT(f[0].item<double>(), r.min.flops);
  EXPECT_LT(f[0].item<double>(), r.max.flops);
}

}  // namespace
}  // namespace nas::sgnas
