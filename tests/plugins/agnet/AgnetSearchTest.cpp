// The AG-Net query strategy on a small synthetic table: it improves over its initial random
// queries, is deterministic per seed, respects a hard limit, and its rank weights follow the
// paper's formula.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "AgnetSearch.h"
#include "SyntheticNb201Table.h"
#include "search/TabularSearch.h"

namespace nas::agnet {
namespace {

const TabularBenchmark& syntheticTable() {
  static const TabularBenchmark table = [] {
    TabularBenchmark::Options o;
    o.space = "nb201";
    return TabularBenchmark::load(test::syntheticNb201TablePath(), o);
  }();
  return table;
}

SearchConfig smallConfig() {
  SearchConfig c;
  c.k = 8;
  c.ticks = 10;
  c.pretrain.samples = 32 * 150;
  c.pretrain.lr = 2e-3;
  c.pretrain.validitySamples = 200;
  return c;
}

double meanOf(const std::vector<QueryRecord>& t, int from, int to) {
  double s = 0;
  for (int i = from; i < to; ++i) s += t[i].value;
  return s / (to - from);
}

TEST(AgnetSearch, ImprovesOverItsInitialRandomQueriesAndIsDeterministic) {
  torch::set_num_threads(1);
  const int queries = 48;
  AgnetStrategy a(smallConfig());
  const auto r = runTabularSearch(syntheticTable(), "score", a, queries, 11);
  double bestInit = 0;
  for (int i = 0; i < 16; ++i) bestInit = std::max(bestInit, r.trace[i].value);
  EXPECT_GT(meanOf(r.trace, 16, queries), meanOf(r.trace, 0, 16) + 3.0);
  EXPECT_GT(r.bestValue, bestInit);
  ASSERT_EQ(a.rounds().size(), 4u);
  for (const auto& round : a.rounds()) {
    EXPECT_GT(round.validity, 0.0);
    EXPECT_LE(round.validity, 1.0);
    EXPECT_LE(round.queued.size(), 8u);
    EXPECT_EQ(round.latent2d.size(), round.queued.size());
  }
  AgnetStrategy again(smallConfig());
  const auto r2 = runTabularSearch(syntheticTable(), "score", again, queries, 11);
  for (int i = 0; i < queries; ++i) ASSERT_EQ(r.trace[i].cell, r2.trace[i].cell) << "query " << i + 1;
}

TEST(AgnetSearch, HardLimitIsRespected) {
  torch::set_num_threads(1);
  const double limit = 60.0;  // MFLOPs
  const SearchObjectives o = makeSearchObjectives(syntheticTable(), "score", {"flops", limit});
  AgnetStrategy a(smallConfig());
  const auto r = runTabularSearch(syntheticTable(), "score", a, 40, 3, {}, o);
  ASSERT_TRUE(r.hasBest);
  EXPECT_LE(nb201Cost(r.bestCell).flops / 1e6, limit);
  int feasibleAfterInit = 0;
  for (int i = 16; i < 40; ++i) feasibleAfterInit += r.trace[i].feasible;
  EXPECT_GE(feasibleAfterInit, 20) << "the ranking penalises candidates over the limit";
}

TEST(AgnetSearch, RankWeightsFollowThePaper) {
  const auto w = rankWeights({0.5, 0.9, 0.7, 0.1}, 0.01);
  EXPECT_DOUBLE_EQ(w[1], 1.0 / 0.04);
  EXPECT_DOUBLE_EQ(w[2], 1.0 / 1.04);
  EXPECT_DOUBLE_EQ(w[0], 1.0 / 2.04);
  EXPECT_DOUBLE_EQ(w[3], 1.0 / 3.04);
}

// Pareto mode queries along the candidates' predicted front: non-dominated ones first, its
// two ends before its middle, the middle by crowding distance; dominated ones after, by front.
TEST(AgnetSearch, ParetoAcquisitionOrdersByFrontThenCrowding) {
  //                              end  crowded  end  lonely  2nd front  3rd front
  const std::vector<double> costs{10, 21, 50, 35, 30, 40};
  const std::vector<double> predicted{60, 66, 80, 75, 64, 62};
  const auto score = paretoAcquisition(costs, predicted);
  ASSERT_EQ(score.size(), 6u);
  // Front 0 = {0, 1, 3, 2} by cost; its ends first.
  EXPECT_GT(score[0], score[3]);
  EXPECT_GT(score[2], score[3]);
  // 3 (neighbours 1 and 2, far apart) is less crowded than 1 (neighbours 0 and 3).
  EXPECT_GT(score[3], score[1]);
  // Every point of a front above every point of the next.
  EXPECT_GT(score[1], score[4]);  // 4 (30, 64) is dominated by 1 (21, 66)
  EXPECT_GT(score[4], score[5]);  // 5 (40, 62) is dominated by 4 as well
  EXPECT_LT(score[4], 0.0);
  EXPECT_LT(score[5], -1.0);
  // Every score lies in its front's band (-f, -f + 1).
  for (double v : score) EXPECT_GT(v, -3.0);
}

TEST(AgnetSearch, ParetoAcquisitionOfOneOrNoCandidate) {
  EXPECT_TRUE(paretoAcquisition({}, {}).empty());
  const auto one = paretoAcquisition({5}, {70});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_GT(one[0], 0.0);
  // A NaN prediction (a diverged predictor) goes last instead of stalling the sort.
  const auto withNan = paretoAcquisition({5, 6}, {std::nan(""), 70});
  ASSERT_EQ(withNan.size(), 2u);
  EXPECT_GT(withNan[1], withNan[0]);
}

TEST(AgnetSearch, ParametersAreCheckedByName) {
  EXPECT_EQ(searchConfigFromParams(Json::object()).k, 16);
  EXPECT_EQ(searchConfigFromParams(Json{{"k", 4}}).k, 4);
  EXPECT_DOUBLE_EQ(searchConfigFromParams(Json{{"alpha", 0.5}}).alpha, 0.5);
  try {
    searchConfigFromParams(Json{{"alpha", 2.0}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("alpha"), std::string::npos);
  }
  EXPECT_THROW(searchConfigFromParams(Json{{"k", 1.5}}), Error);
  EXPECT_THROW(searchConfigFromParams(Json{{"node_dim", 31}}), Error);
  const Json d = searchConfigDefaults();
  for (const char* key : {"num_init", "k", "num_test", "ticks", "weight_factor", "alpha", "lr", "pretrain_samples"})
    EXPECT_TRUE(d.contains(key)) << key;
  EXPECT_DOUBLE_EQ(d.at("weight_factor").get<double>(), 0.01);
  EXPECT_DOUBLE_EQ(d.at("alpha").get<double>(), 0.9);
}

}  // namespace
}  // namespace nas::agnet
