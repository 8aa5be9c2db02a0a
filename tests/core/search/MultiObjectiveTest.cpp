// Second objective of tabular searches (hard limit and Pareto) and the strategy registry
// that plugins feed.
#include <gtest/gtest.h>

#include <cmath>

#include "SearchTestUtil.h"
#include "common/Error.h"
#include "jobs/Method.h"
#include "plugin/PluginApi.h"
#include "search/TabularSearch.h"

using namespace nas;

namespace {

const std::string kMetric = "test_accuracy";

double flopsOf(const Nb201Cell& c) { return nb201Cost(c).flops / 1e6; }

TEST(MultiObjective, LimitedSearchNeverReportsABestOverTheLimit) {
  const auto& table = test::shippedTable();
  SecondObjective second{"flops", 60.0};
  const SearchObjectives objectives = makeSearchObjectives(table, kMetric, second);
  for (const char* name : {"random", "evolution"}) {
    for (std::uint64_t seed = 0; seed < 3; ++seed) {
      auto s = queryStrategyFactory(name)();
      const auto r = runTabularSearch(table, kMetric, *s, 60, seed, {}, objectives);
      ASSERT_TRUE(r.hasBest) << name;
      EXPECT_LE(flopsOf(r.bestCell), 60.0) << name << " seed " << seed;
      double bestFeasible = -1;
      for (const auto& q : r.trace) {
        EXPECT_DOUBLE_EQ(q.cost, flopsOf(q.cell));
        EXPECT_EQ(q.feasible, q.cost <= 60.0);
        if (q.feasible) bestFeasible = std::max(bestFeasible, q.value);
        if (bestFeasible >= 0) EXPECT_DOUBLE_EQ(q.bestSoFar, bestFeasible);
        else EXPECT_TRUE(std::isnan(q.bestSoFar));
      }
      EXPECT_DOUBLE_EQ(r.bestValue, bestFeasible);
    }
  }
}

TEST(MultiObjective, ImpossibleLimitReportsNoBest) {
  const auto& table = test::shippedTable();
  // The cheapest cell still has the stem, reductions and classifier: far above 0.001 MFLOPs.
  auto summary = runMultiSeedSearch(table, kMetric, "random", queryStrategyFactory("random"), 20, 2, 0, {},
                                    SecondObjective{"flops", 0.001});
  EXPECT_EQ(summary.seedsWithoutFeasible, 2);
  EXPECT_TRUE(std::isnan(summary.meanBest));
  const Json j = summary.toJson();
  // NaN is written as null.
  EXPECT_NE(j.dump().find("\"best_per_seed\":[null,null]"), std::string::npos) << j.dump();
  EXPECT_EQ(j.at("limit").get<double>(), 0.001);
}

TEST(MultiObjective, ParetoFrontIsNonDominatedAndHypervolumeNormalised) {
  const auto& table = test::shippedTable();
  auto summary = runMultiSeedSearch(table, kMetric, "evolution", queryStrategyFactory("evolution"), 50, 3, 0, {},
                                    SecondObjective{"params", std::nullopt});
  const Json j = summary.toJson();
  for (const char* k : {"pareto", "hypervolume", "hypervolume_per_seed", "objective2", "limit"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_TRUE(j.at("limit").is_null());
  ASSERT_FALSE(j.at("pareto").empty());
  const Json& front = j.at("pareto");
  for (size_t a = 0; a < front.size(); ++a) {
    if (a > 0) {
      EXPECT_GE(front[a].at("cost").get<double>(), front[a - 1].at("cost").get<double>());
    }
    for (size_t b = 0; b < front.size(); ++b) {
      if (a == b) continue;
      const double ca = front[a].at("cost"), cb = front[b].at("cost"), va = front[a].at("value"),
                   vb = front[b].at("value");
      EXPECT_FALSE(cb <= ca && vb >= va && (cb < ca || vb > va)) << front.dump();
    }
  }
  for (double hv : summary.hypervolumePerSeed) {
    EXPECT_GT(hv, 0.0);
    EXPECT_LT(hv, 1.0);
  }
  // More queries never shrink the queried set's hypervolume (same seed, random search).
  const SearchObjectives o = makeSearchObjectives(table, kMetric, {"params", std::nullopt});
  RandomSearch r1, r2;
  const auto small = runTabularSearch(table, kMetric, r1, 30, 9, {}, o);
  const auto large = runTabularSearch(table, kMetric, r2, 120, 9, {}, o);
  EXPECT_GE(large.pareto.hypervolume, small.pareto.hypervolume);
}

TEST(MultiObjective, BadSecondObjectiveIsNamed) {
  const auto& table = test::shippedTable();
  try {
    makeSearchObjectives(table, kMetric, {"latency", 3.0});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("latency"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("flops"), std::string::npos) << e.what();
  }
  EXPECT_THROW(makeSearchObjectives(table, kMetric, {kMetric, std::nullopt}), Error);
  EXPECT_THROW(makeSearchObjectives(table, kMetric, {"", 5.0}), Error);
  EXPECT_THROW(makeSearchObjectives(table, kMetric, {"flops", NAN}), Error);
}

// A strategy that remembers what the loop told it.
class Recorder final : public QueryStrategy {
 public:
  explicit Recorder(int tag) : tag(tag) {}
  std::string name() const override { return "recorder"; }
  Nb201Cell propose(SearchRng& rng) override { return randomNb201Cell(rng); }
  void observe(const Nb201Cell&, double) override {}
  void setObjectives(const SearchObjectives& o) override { mode = o.mode; }
  int tag;
  SearchObjectives::Mode mode = SearchObjectives::Mode::Single;
};

TEST(StrategyRegistry, RegisteredStrategyIsBuiltByNameWithParams) {
  QueryStrategyRegistry strategies;
  strategies.add(
      "test-recorder", [](const Json& p) { return std::make_unique<Recorder>(p.value("tag", 7)); },
      Json{{"tag", 7}});
  const auto names = strategies.names();
  EXPECT_EQ(names.front(), "random");
  EXPECT_NE(std::find(names.begin(), names.end(), "test-recorder"), names.end());
  EXPECT_EQ(strategies.defaults("test-recorder").at("tag"), 7);
  auto s = strategies.factory("test-recorder", Json{{"tag", 3}})();
  auto* rec = dynamic_cast<Recorder*>(s.get());
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->tag, 3);
  runTabularSearch(test::shippedTable(), kMetric, *rec, 5, 0, {},
                   makeSearchObjectives(test::shippedTable(), kMetric, {"flops", 100.0}));
  EXPECT_EQ(rec->mode, SearchObjectives::Mode::Limit);

  EXPECT_THROW(strategies.factory("test-recorder", Json{{"colour", 1}}), Error);
  EXPECT_THROW(strategies.factory("evolution", Json{{"population", "many"}}), Error);
  EXPECT_THROW(strategies.add("test-recorder", [](const Json&) { return std::make_unique<Recorder>(0); }), Error);
  EXPECT_THROW(strategies.add("random", [](const Json&) { return std::make_unique<Recorder>(0); }), Error);
  try {
    strategies.factory("annealing");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("test-recorder"), std::string::npos) << e.what();
  }
  // Another registry (another engine) knows only the built-ins, as does the engine-less lookup.
  EXPECT_FALSE(QueryStrategyRegistry().contains("test-recorder"));
  EXPECT_THROW(queryStrategyFactory("test-recorder"), Error);
}

TEST(StrategyRegistry, PluginHostFeedsTheRegistry) {
  MethodRegistry methods;
  QueryStrategyRegistry strategies;
  PluginHost host(Registries{methods, nullptr, &strategies}, "test");
  host.addQueryStrategy("test-host", [](const Json&) { return std::make_unique<Recorder>(1); });
  EXPECT_FALSE(strategies.contains("test-host"));  // staged until the commit
  host.commit();
  EXPECT_TRUE(strategies.contains("test-host"));
  PluginHost methodsOnly(methods, "methods-only");
  EXPECT_THROW(methodsOnly.addQueryStrategy("x", [](const Json&) { return std::make_unique<Recorder>(1); }), Error);
}

}  // namespace
