// The full ODBB branch set and its exact transforms (issue 16, part 1): every branch alone and
// every combination of branches, with stride 1 and 2, groups 1, 2 and depthwise, K = 3 and 5,
// against the unmerged block in eval mode on real Fashion-MNIST pixels: max |diff| <= 1e-4.
// Suite names start with DbbTransform (numerical: select with --gtest_filter=DbbTransform*).
#include <gtest/gtest.h>

#include "DbbBlock.h"
#include "RepnasTestData.h"
#include "common/Error.h"
#include "train/MlInfo.h"

namespace nas::repnas {
namespace {

using test::maxAbsDiff;

constexpr double kTol = 1e-4;

struct Shape {
  int cin, cout, k, stride, groups, size;
  std::string text() const {
    return std::to_string(cin) + "->" + std::to_string(cout) + " k" + std::to_string(k) + " s" +
           std::to_string(stride) + " g" + std::to_string(groups) + " @" + std::to_string(size);
  }
};

BranchMask allowedBits(const Shape& s) {
  BranchMask m = kAnyBranchBits;
  if (!DbbBlockImpl::identityAllowed(s.cin, s.cout, s.stride)) m &= static_cast<BranchMask>(~maskOf(Branch::Identity));
  return m;
}

// A block holding `held`, its weights moved off their init and its BN statistics random.
DbbBlock trainedLookingBlock(const Shape& s, BranchMask held) {
  DbbBlock b(s.cin, s.cout, s.k, s.stride, held, s.groups);
  test::perturbWeights(*b);
  test::randomizeBatchNorms(*b);
  b->eval();
  return b;
}

// forwardBranches(active) against the conv reparameterize(active) builds, on real pixels.
void expectFusedEqualsUnmerged(DbbBlock& b, BranchMask active, const torch::Tensor& x, const std::string& what) {
  torch::NoGradGuard noGrad;
  const torch::Tensor y = b->forwardBranches(x, active);
  const torch::Tensor z = b->reparameterize(active)->forward(x);
  ASSERT_EQ(y.sizes(), z.sizes()) << what;
  EXPECT_LE(maxAbsDiff(y, z), kTol) << what;
  EXPECT_GT(y.abs().max().item<double>(), 0.1) << what;  // not trivially zero
}

class DbbTransform : public ::testing::Test {
 protected:
  void SetUp() override {
    setTorchThreads(1);
    torch::manual_seed(16);
  }
};

TEST_F(DbbTransform, EachBranchAloneEqualsItsFusedConv) {
  const std::vector<Shape> shapes = {{8, 8, 3, 1, 1, 13}, {8, 16, 3, 2, 1, 13}, {8, 8, 3, 1, 2, 12},
                                     {8, 16, 3, 2, 4, 14}, {8, 8, 3, 1, 8, 11}, {8, 8, 3, 2, 8, 12},
                                     {6, 6, 5, 1, 1, 13},  {6, 12, 5, 2, 3, 15}};
  for (const Shape& s : shapes) {
    const torch::Tensor x = test::realBlockInput(2, s.cin, s.size);
    for (Branch br : kAllBranchList) {
      const BranchMask m = maskOf(br);
      if ((m & allowedBits(s)) == 0) continue;
      DbbBlock b = trainedLookingBlock(s, m);  // a block that holds only this branch
      expectFusedEqualsUnmerged(b, m, x, std::string(branchName(br)) + " " + s.text());
    }
  }
}

TEST_F(DbbTransform, EveryCombinationEqualsItsFusedConv) {
  // One block holding every allowed branch per shape; each non-empty subset run and fused.
  const std::vector<Shape> shapes = {{8, 8, 3, 1, 1, 12}, {8, 16, 3, 2, 2, 13}, {8, 8, 3, 1, 8, 11}, {4, 4, 5, 1, 2, 11}};
  for (const Shape& s : shapes) {
    const BranchMask all = allowedBits(s);
    DbbBlock b = trainedLookingBlock(s, all);
    const torch::Tensor x = test::realBlockInput(2, s.cin, s.size);
    int subsets = 0;
    for (int m = 1; m <= kAnyBranchBits; ++m) {
      if ((m & ~all) != 0) continue;
      expectFusedEqualsUnmerged(b, static_cast<BranchMask>(m), x, maskToString(static_cast<BranchMask>(m)) + " " + s.text());
      ++subsets;
    }
    EXPECT_EQ(DbbBlockImpl::identityAllowed(s.cin, s.cout, s.stride) ? 127 : 63, subsets) << s.text();
  }
}

TEST_F(DbbTransform, AsymmetricKernelsSitInTheMiddleRowAndColumn) {
  DbbBlock b = trainedLookingBlock({4, 4, 5, 1, 1, 9}, static_cast<BranchMask>(maskOf(Branch::Conv1xK) | maskOf(Branch::ConvKx1)));
  const auto [row, rb] = b->fusedKernelAndBias(maskOf(Branch::Conv1xK));
  const auto [col, cb] = b->fusedKernelAndBias(maskOf(Branch::ConvKx1));
  const torch::Tensor rowOff = torch::cat({row.slice(2, 0, 2), row.slice(2, 3, 5)}, 2);
  const torch::Tensor colOff = torch::cat({col.slice(3, 0, 2), col.slice(3, 3, 5)}, 3);
  EXPECT_EQ(0.0, rowOff.abs().max().item<double>());
  EXPECT_EQ(0.0, colOff.abs().max().item<double>());
  EXPECT_GT(row.select(2, 2).abs().min().item<double>(), 0.0);
  EXPECT_GT(col.select(3, 2).abs().min().item<double>(), 0.0);
}

TEST_F(DbbTransform, IdentityAndAvgKernelsAreGrouped) {
  // identity: 1 at the centre of each channel's own input; avg: 1/K^2 on the group diagonal.
  const torch::Tensor id = identityKernel(6, 3, 3);
  ASSERT_EQ((std::vector<int64_t>{6, 2, 3, 3}), id.sizes().vec());
  EXPECT_EQ(6.0, id.sum().item<double>());
  for (int c = 0; c < 6; ++c) EXPECT_EQ(1.0, id[c][c % 2][1][1].item<double>());
  const torch::Tensor avg = avgPoolKernel(6, 3, 3);
  for (int c = 0; c < 6; ++c) EXPECT_NEAR(1.0, avg[c][c % 2].sum().item<double>(), 1e-6);
  EXPECT_NEAR(6.0, avg.sum().item<double>(), 1e-5);
}

TEST_F(DbbTransform, GatesScaleTheirBranchesOnly) {
  const Shape s{4, 4, 3, 1, 1, 10};
  DbbBlock b = trainedLookingBlock(s, allowedBits(s));
  const torch::Tensor x = test::realBlockInput(1, s.cin, s.size);
  BranchGates gates;
  gates[static_cast<size_t>(Branch::Kxk)] = torch::tensor(0.25);
  gates[static_cast<size_t>(Branch::Conv1x1)] = torch::tensor(0.0);
  const BranchMask active = maskOf(Branch::Kxk) | maskOf(Branch::Conv1x1) | maskOf(Branch::Identity);
  torch::NoGradGuard noGrad;
  const torch::Tensor expected = 0.25 * b->forwardBranches(x, maskOf(Branch::Kxk)) + b->forwardBranches(x, maskOf(Branch::Identity));
  EXPECT_LE(maxAbsDiff(b->forwardBranches(x, active, &gates), expected), 1e-5);
}

TEST_F(DbbTransform, BadShapesAndSubsetsAreRejected) {
  EXPECT_THROW(DbbBlock(4, 4, 3, 2, maskOf(Branch::Identity)), Error);  // identity at stride 2
  EXPECT_THROW(DbbBlock(4, 8, 3, 1, maskOf(Branch::Identity)), Error);  // identity across widths
  EXPECT_THROW(DbbBlock(6, 8, 3, 1, maskOf(Branch::Kxk), 4), Error);    // groups must divide
  DbbBlock b(4, 4, 3, 1, maskOf(Branch::Kxk));
  try {
    b->forwardBranches(torch::zeros({1, 4, 5, 5}), maskOf(Branch::Conv1x1));
    FAIL() << "a branch the block does not hold must be rejected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'1'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nas::repnas
