// The supernet's forwards and the fair path sampler.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

#include "SgnasGenerator.h"
#include "SgnasSampling.h"
#include "SgnasSupernet.h"

namespace nas::sgnas {
namespace {

torch::Tensor buffer(SgnasSupernet& net, const std::string& name) {
  for (const auto& item : net->named_buffers())
    if (item.key() == name) return item.value().clone();
  ADD_FAILURE() << "no buffer " << name;
  return {};
}

TEST(SgnasSupernet, SinglePathShapes) {
  const SgnasSpace s = spacePreset("fashion-mnist", 10);
  SgnasSupernet net(s);
  Rng rng(1);
  for (int i = 0; i < 5; ++i) {
    const torch::Tensor y = net->forward(torch::randn({3, 1, 28, 28}), randomArch(s, rng));
    EXPECT_EQ(y.sizes(), torch::IntArrayRef({3, 10}));
  }
}

TEST(SgnasSupernet, OnlyThePathsStatisticsMove) {
  const SgnasSpace s = spacePreset("tiny", 4);
  SgnasSupernet net(s);
  net->train();
  // Layer 0: group 0 k5, group 1 skip, group 2 k3 -> one skipped group -> SBN index 1.
  const SgnasArch a = parseArch(s, "tiny:5x3|3xx|777");
  const auto sbn0 = buffer(net, "layer0.sbn.0.running_mean"), sbn1 = buffer(net, "layer0.sbn.1.running_mean");
  const auto k5 = buffer(net, "layer0.dw5_bn.running_mean"), k3 = buffer(net, "layer0.dw3_bn.running_mean");
  const auto pw1 = buffer(net, "layer0.bn1.running_mean");
  net->forward(torch::randn({8, 1, 16, 16}) + 1.0, a);
  EXPECT_TRUE(torch::equal(buffer(net, "layer0.sbn.0.running_mean"), sbn0));
  EXPECT_FALSE(torch::equal(buffer(net, "layer0.sbn.1.running_mean"), sbn1));
  const int c = s.layerInChannels(0);
  const auto k5now = buffer(net, "layer0.dw5_bn.running_mean"), k3now = buffer(net, "layer0.dw3_bn.running_mean");
  EXPECT_FALSE(torch::equal(k5now.narrow(0, 0, c), k5.narrow(0, 0, c)));      // group 0 used k5
  EXPECT_TRUE(torch::equal(k5now.narrow(0, c, 2 * c), k5.narrow(0, c, 2 * c)));  // groups 1, 2 did not
  EXPECT_TRUE(torch::equal(k3now.narrow(0, 0, 2 * c), k3.narrow(0, 0, 2 * c)));
  EXPECT_FALSE(torch::equal(k3now.narrow(0, 2 * c, c), k3.narrow(0, 2 * c, c)));  // group 2 used k3
  const auto pw1now = buffer(net, "layer0.bn1.running_mean");
  EXPECT_TRUE(torch::equal(pw1now.narrow(0, c, c), pw1.narrow(0, c, c)));  // skipped group's expansion untouched
}

TEST(SgnasSupernet, MixedForwardOnOneHotEqualsSinglePath) {
  const SgnasSpace s = spacePreset("tiny", 4);
  SgnasSupernet net(s);
  net->train();
  FairPathSampler warm(s, 2);
  for (int i = 0; i < 10; ++i) net->forward(torch::randn({8, 1, 16, 16}), warm.next());  // non-trivial BN stats
  net->eval();
  torch::NoGradGuard ng;
  Rng rng(4);
  const torch::Tensor x = torch::randn({4, 1, 16, 16});
  for (int i = 0; i < 10; ++i) {
    const SgnasArch a = randomArch(s, rng);
    EXPECT_TRUE(torch::allclose(net->forward(x, a), net->forwardMixed(x, archProbabilities(a)), 1e-4, 1e-5))
        << archToString(s, a);
  }
}

TEST(SgnasSupernet, MixedForwardPassesGradientsToProbabilities) {
  const SgnasSpace s = spacePreset("tiny", 4);
  SgnasSupernet net(s);
  net->eval();
  torch::Tensor logits = torch::randn({s.numLayers(), s.groups, kNumChoices}, torch::requires_grad());
  const torch::Tensor p = torch::softmax(logits, -1);
  net->forwardMixed(torch::randn({2, 1, 16, 16}), p).pow(2).sum().backward();
  EXPECT_GT(logits.grad().abs().sum().item<double>(), 0.0);
}

TEST(SgnasSampling, FairSamplingCoversEveryKernelOfEveryGroup) {
  const SgnasSpace s = spacePreset("fashion-mnist", 10);
  FairPathSampler sampler(s, 7);  // expansions 1..6
  std::map<std::tuple<int, int, int>, int> counts;  // (layer, group, choice)
  std::map<std::pair<int, int>, int> expansions;
  const int n = 600;
  for (int i = 0; i < n; ++i) {
    const SgnasArch a = sampler.next();
    validateArch(s, a);
    for (int l = 0; l < s.numLayers(); ++l) {
      ++expansions[{l, a.expansion(l)}];
      for (int g = 0; g < s.groups; ++g) ++counts[{l, g, static_cast<int>(a.choices[l][g])}];
    }
  }
  for (int l = 0; l < s.numLayers(); ++l) {
    // Group 0 is active in every path and cycles through permutations of {3,5,7}: exact thirds.
    for (int k = 0; k < kNumKernels; ++k) EXPECT_EQ((counts[{l, 0, k}]), n / 3);
    for (int g = 1; g < s.groups; ++g)
      for (int k = 0; k < kNumKernels; ++k) {
        EXPECT_GT((counts[{l, g, k}]), 0) << "layer " << l << " group " << g << " kernel " << k;
        // An active group's kernels differ by at most one cycle's worth.
        EXPECT_LE(std::abs(counts[{l, g, k}] - counts[{l, g, (k + 1) % 3}]), 1);
      }
    // e cycles through {1..6}: each value exactly n/6 times.
    for (int e = 1; e <= 6; ++e) EXPECT_EQ((expansions[{l, e}]), n / 6);
  }
}

TEST(SgnasSampling, SamplerStateRoundTrips) {
  const SgnasSpace s = spacePreset("tiny", 4);
  FairPathSampler a(s, 9), b(s, 123);
  for (int i = 0; i < 7; ++i) a.next();
  b.setState(a.state());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.next(), b.next());
}

}  // namespace
}  // namespace nas::sgnas
