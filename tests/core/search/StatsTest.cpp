// Paired tests of core/search/Stats: the exact sign test and the exact Wilcoxon signed-rank
// test. Reference values were enumerated over all 2^n sign assignments independently.
#include <gtest/gtest.h>

#include "common/Error.h"
#include "search/Stats.h"

namespace nas {
namespace {

TEST(Stats, BinomialStandardError) {
  EXPECT_DOUBLE_EQ(binomialStandardError(0.8, 400), 0.02);
  EXPECT_DOUBLE_EQ(binomialStandardError(0.5, 100), 0.05);
  EXPECT_EQ(binomialStandardError(0.9, 0), 0.0);
}

TEST(Stats, SignTest) {
  EXPECT_DOUBLE_EQ(signTestP(10, 20), 1.0);
  EXPECT_NEAR(signTestP(6, 20), 0.1153, 1e-4);
  EXPECT_NEAR(signTestP(14, 20), 0.1153, 1e-4);
  EXPECT_NEAR(signTestP(20, 20), 2.0 / 1048576.0, 1e-12);
  EXPECT_DOUBLE_EQ(signTestP(0, 0), 1.0);
}

TEST(Stats, WilcoxonSignedRankExact) {
  // Ranks 1..10, only rank 9 negative: W- = 9; 33 of 1024 assignments have W+ <= 9.
  EXPECT_DOUBLE_EQ(wilcoxonSignedRankP({1, 2, 3, 4, 5, 6, 7, 8, -9, 10}), 66.0 / 1024.0);
  // Mirrored differences give the same p.
  EXPECT_DOUBLE_EQ(wilcoxonSignedRankP({-1, -2, -3, -4, -5, -6, -7, -8, 9, -10}), 66.0 / 1024.0);
  // Ties in |d| (average ranks 2.5, 4.5) and a zero (dropped): 11 differences remain.
  EXPECT_DOUBLE_EQ(wilcoxonSignedRankP({0.5, -0.25, 1.5, 2, -3, 4, 0.5, 6, 1.5, 8, 0, 10}), 0.0244140625);
  // All positive: only the all-plus assignment is as extreme, doubled.
  EXPECT_DOUBLE_EQ(wilcoxonSignedRankP({3, 1, 2}), 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(wilcoxonSignedRankP({1, -1, 2, -2}), 1.0);
  EXPECT_DOUBLE_EQ(wilcoxonSignedRankP({}), 1.0);
  EXPECT_DOUBLE_EQ(wilcoxonSignedRankP({0, 0}), 1.0);
}

TEST(Stats, WilcoxonWeighsSizesTheSignTestIgnores) {
  // 14 large wins and 6 tiny losses: 14/20 is not significant for the sign test, while the
  // losses hold only the 6 smallest ranks (W- = 21) for Wilcoxon.
  std::vector<double> d;
  for (int i = 0; i < 14; ++i) d.push_back(2.0 + i);
  for (int i = 0; i < 6; ++i) d.push_back(-0.01 * (i + 1));
  EXPECT_GT(signTestP(14, 20), 0.1);
  EXPECT_LT(wilcoxonSignedRankP(d), 0.01);
}

TEST(Stats, WilcoxonRefusesMoreThanItCanEnumerate) {
  std::vector<double> d(61, 1.0);
  try {
    wilcoxonSignedRankP(d);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::InvalidArgument, e.code());
  }
}

}  // namespace
}  // namespace nas
