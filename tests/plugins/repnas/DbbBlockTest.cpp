// Re-parameterisation (methods.md §5 check 1): in eval mode a DBB block in training form and
// the one KxK conv it folds into give the same output (max |diff| < 1e-4), for several
// masks, strides 1 and 2, K = 3 and 5; the same for a whole network; and the border padding
// that makes the sequential branches exact.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "DbbBlock.h"
#include "DbbNetwork.h"
#include "RepnasTestData.h"
#include "common/Error.h"

namespace nas::repnas {
namespace {

using test::randomizeBatchNorms;

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

struct Case {
  BranchMask mask;
  int k, stride, cin, cout, size;
};

TEST(DbbBlock, ReparameterizedConvEqualsTrainingFormInEval) {
  torch::manual_seed(7);
  const BranchMask K = maskOf(Branch::Kxk), O = maskOf(Branch::Conv1x1), C = maskOf(Branch::Conv1x1Kxk),
                   A = maskOf(Branch::Conv1x1Avg);
  const std::vector<Case> cases = {
      {K, 3, 1, 8, 8, 9},          {O, 3, 1, 8, 12, 9},        {C, 3, 1, 8, 12, 9},     {A, 3, 1, 8, 12, 9},
      {kAllBranches, 3, 1, 8, 8, 10}, {kAllBranches, 3, 2, 8, 16, 10}, {kAllBranches, 3, 2, 6, 16, 9},
      {static_cast<BranchMask>(C | A), 3, 2, 8, 16, 11}, {static_cast<BranchMask>(K | O), 3, 2, 8, 16, 8},
      {static_cast<BranchMask>(O | A), 3, 1, 4, 4, 7},   {kAllBranches, 5, 1, 6, 8, 12},
      {kAllBranches, 5, 2, 6, 8, 13}, {A, 5, 2, 6, 8, 12}, {C, 5, 1, 6, 8, 9}};
  for (const Case& c : cases) {
    const std::string what = "mask " + maskToString(c.mask) + " k" + std::to_string(c.k) + " s" + std::to_string(c.stride) +
                             " " + std::to_string(c.cin) + "->" + std::to_string(c.cout) + " @" + std::to_string(c.size);
    DbbBlock block(c.cin, c.cout, c.k, c.stride, c.mask);
    // Weights away from their init (the chain's 1x1 starts as the identity).
    {
      torch::NoGradGuard noGrad;
      for (auto& p : block->parameters()) p.add_(torch::randn_like(p) * 0.1);
    }
    randomizeBatchNorms(*block);
    block->eval();
    const torch::Tensor x = torch::randn({2, c.cin, c.size, c.size});
    torch::NoGradGuard noGrad;
    const torch::Tensor y = block->forward(x);
    torch::nn::Conv2d conv = block->reparameterize();
    const torch::Tensor z = conv->forward(x);
    ASSERT_EQ(y.sizes(), z.sizes()) << what;
    EXPECT_LT(maxAbsDiff(y, z), 1e-4) << what;
    EXPECT_GT(y.abs().max().item<double>(), 0.1) << what;  // not trivially zero
  }
}

TEST(DbbBlock, BorderPaddingUsesTheBnValue) {
  // A chain branch with zero padding after its inner BN would differ from the fused conv at the
  // borders only: check that the padded ring holds the BN's value for a zero input.
  BnAndPad bp(3, 1);
  randomizeBatchNorms(*bp);
  bp->eval();
  torch::NoGradGuard noGrad;
  const torch::Tensor y = bp->forward(torch::randn({1, 3, 4, 4}));
  ASSERT_EQ((std::vector<int64_t>{1, 3, 6, 6}), y.sizes().vec());
  const torch::Tensor v = bp->padValues();
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(v[c].item<double>(), y[0][c][0][0].item<double>(), 1e-6);
    EXPECT_NEAR(v[c].item<double>(), y[0][c][5][3].item<double>(), 1e-6);
  }
  EXPECT_GT(v.abs().max().item<double>(), 1e-3);
}

TEST(DbbBlock, RejectsEmptyMaskAndEvenKernel) {
  EXPECT_THROW(DbbBlock(4, 4, 3, 1, 0), Error);
  EXPECT_THROW(DbbBlock(4, 4, 4, 1, kAllBranches), Error);
}

TEST(DbbNetwork, DeployedNetworkEqualsTrainingFormInEval) {
  torch::manual_seed(3);
  const DbbFamily& f = fashionMnistFamily();
  std::mt19937_64 rng(11);
  for (int i = 0; i < 3; ++i) {
    DbbArch arch = randomDbbArch(f, rng);
    if (i == 0) arch.masks.assign(static_cast<size_t>(f.numLayers()), kAllBranches);
    DbbNet net(f, arch);
    randomizeBatchNorms(*net);
    net->eval();
    const torch::Tensor x = torch::randn({3, f.inputChannels, f.inputSize, f.inputSize});
    torch::NoGradGuard noGrad;
    const torch::Tensor y = net->forward(x);
    const size_t before = net->parameters().size();
    net->deploy();
    EXPECT_TRUE(net->deployed());
    // Stem and every layer a conv with bias, plus the linear's two: 2 * (1 + L) + 2.
    EXPECT_EQ(static_cast<size_t>(2 * (1 + f.numLayers()) + 2), net->parameters().size());
    EXPECT_LT(net->parameters().size(), before);
    EXPECT_LT(maxAbsDiff(y, net->forward(x)), 1e-4) << dbbArchToString(arch);
  }
}

}  // namespace
}  // namespace nas::repnas
