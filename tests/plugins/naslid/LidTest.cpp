// The LID estimator: estimates near the true dimension of points on linear subspaces of a
// larger space, and its documented values for the awkward inputs (k >= batch, duplicates, a
// batch of one repeated point, non-finite features).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "Lid.h"
#include "common/Error.h"

namespace nas::naslid {
namespace {

// n points uniform in [0,1]^d, mapped into R^ambient by a random orthonormal basis (so every
// pairwise distance is that of the d-dimensional cube) plus an offset.
torch::Tensor subspacePoints(std::int64_t n, std::int64_t d, std::int64_t ambient, std::uint64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor basis = std::get<0>(torch::linalg_qr(torch::randn({ambient, d}, torch::kDouble)));  // [ambient, d]
  const torch::Tensor u = torch::rand({n, d}, torch::kDouble);
  return u.matmul(basis.t()) + torch::randn({1, ambient}, torch::kDouble);
}

TEST(Lid, EstimatesTheDimensionOfPointsOnALinearSubspace) {
  LidOptions o;  // k = 20 as in the paper
  for (std::int64_t d : {1, 2, 4, 6, 8}) {
    const double est = lidOfBatch(subspacePoints(2000, d, 64, static_cast<std::uint64_t>(d)), o);
    // The MLE is biased low at high d with finite samples (boundary of the cube, k/(k-1)):
    // within 20 % of d here.
    EXPECT_NEAR(est, static_cast<double>(d), 0.2 * static_cast<double>(d)) << "d = " << d;
  }
}

TEST(Lid, GrowsWithTheSubspaceDimensionAtBatchSize) {
  // At the paper's batch of 128 the absolute values shrink, the order must not.
  double previous = 0;
  for (std::int64_t d : {1, 2, 4, 8, 16}) {
    const double est = lidOfBatch(subspacePoints(128, d, 256, 7), LidOptions{});
    EXPECT_GT(est, previous) << "d = " << d;
    previous = est;
  }
}

TEST(Lid, IsInvariantToScaleAndEmbedding) {
  const torch::Tensor x = subspacePoints(300, 3, 10, 1);
  LidOptions o;
  o.eps = 0;  // exact invariance needs no absolute epsilon
  const torch::Tensor a = lidPerSample(x, o), b = lidPerSample(x * 1000.0, o);
  EXPECT_TRUE(torch::allclose(a, b, 1e-9, 1e-9));
}

TEST(Lid, RefusesTooFewPointsForK) {
  const torch::Tensor x = torch::randn({20, 5});
  LidOptions o;
  o.k = 20;
  try {
    lidPerSample(x, o);
    FAIL() << "k = batch accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(e.context(), "k");
  }
  o.k = 0;
  EXPECT_THROW(lidPerSample(x, o), Error);
  o.k = 19;
  EXPECT_NO_THROW(lidPerSample(x, o));
  EXPECT_THROW(lidPerSample(torch::randn({20}), LidOptions{}), Error);  // not a batch
}

TEST(Lid, DuplicatesAreNotNeighbours) {
  // Every point twice: each point's distinct neighbours are those of the unique set, so the
  // estimates are exactly the unique set's (log 0 would otherwise force them to 0).
  const torch::Tensor x = subspacePoints(200, 3, 12, 3);
  LidOptions o;
  o.k = 10;
  const torch::Tensor unique = lidPerSample(x, o);
  const torch::Tensor doubled = lidPerSample(torch::cat({x, x}), o);
  EXPECT_TRUE(torch::allclose(doubled.slice(0, 0, 200), unique, 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(doubled.slice(0, 200, 400), unique, 1e-12, 1e-12));
}

TEST(Lid, ARepeatedPointHasDimensionZero) {
  // A block whose output is the same for every input (a cell of `none` edges): LID 0, no NaN.
  const torch::Tensor same = torch::ones({64, 8, 4, 4});
  const torch::Tensor lid = lidPerSample(same, LidOptions{});
  EXPECT_TRUE(torch::isfinite(lid).all().item<bool>());
  EXPECT_EQ(lid.abs().max().item<double>(), 0.0);
  // Zeros too (all-zero features: every distance 0).
  EXPECT_EQ(lidOfBatch(torch::zeros({64, 10}), LidOptions{}), 0.0);
  // Two distinct points only: fewer than 2 distinct neighbours each, LID 0.
  const torch::Tensor two = torch::cat({torch::zeros({32, 3}), torch::ones({32, 3})});
  EXPECT_EQ(lidOfBatch(two, LidOptions{}), 0.0);
}

TEST(Lid, FewerDistinctNeighboursThanKUseThoseThereAre) {
  // 15 distinct points, each 4 times: 14 distinct neighbours < k = 20, a finite positive estimate.
  const torch::Tensor x = subspacePoints(15, 2, 5, 9).repeat({4, 1});
  const torch::Tensor lid = lidPerSample(x, LidOptions{});
  EXPECT_TRUE(torch::isfinite(lid).all().item<bool>());
  EXPECT_GT(lid.min().item<double>(), 0.0);
}

TEST(Lid, RefusesNonFiniteFeatures) {
  torch::Tensor x = torch::randn({50, 4});
  x[3][1] = std::numeric_limits<float>::quiet_NaN();
  try {
    lidPerSample(x, LidOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.context(), "features");
  }
}

TEST(Lid, ProfileAndCosine) {
  const std::vector<torch::Tensor> blocks{subspacePoints(100, 2, 8, 1), subspacePoints(100, 5, 8, 2)};
  const auto profile = lidProfile(blocks, LidOptions{});
  ASSERT_EQ(profile.size(), 2u);
  EXPECT_LT(profile[0], profile[1]);
  EXPECT_NEAR(cosineSimilarity({1, 2, 3}, {2, 4, 6}), 1.0, 1e-12);
  EXPECT_NEAR(cosineSimilarity({1, 0}, {0, 1}), 0.0, 1e-12);
  EXPECT_EQ(cosineSimilarity({0, 0}, {1, 1}), 0.0);
  EXPECT_EQ(cosineSimilarity({0, 0}, {0, 0}), 1.0);
  EXPECT_THROW(cosineSimilarity({1}, {1, 2}), Error);
}

}  // namespace
}  // namespace nas::naslid
