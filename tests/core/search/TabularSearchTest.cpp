// The query loop: determinism per seed, no repeated queries, the strategies' rules, and
// evolution beating random search on the shipped NAS-Bench-201 table.
#include <gtest/gtest.h>

#include <set>

#include "SearchTestUtil.h"
#include "common/Error.h"
#include "search/TabularSearch.h"

using namespace nas;

namespace {

const std::string kMetric = "test_accuracy";

std::vector<int> trajectory(const TabularSearchResult& r) {
  std::vector<int> cells;
  for (const auto& q : r.trace) cells.push_back(q.cell.index());
  return cells;
}

TabularSearchResult runOnce(const std::string& strategy, int queries, std::uint64_t seed) {
  auto s = queryStrategyFactory(strategy)();
  return runTabularSearch(test::shippedTable(), kMetric, *s, queries, seed);
}

// Always proposes the same cell: the loop must fall back to fresh unseen cells.
class StubbornStrategy final : public QueryStrategy {
 public:
  std::string name() const override { return "stubborn"; }
  Nb201Cell propose(SearchRng&) override {
    ++proposals;
    return Nb201Cell::fromIndex(42);
  }
  void observe(const Nb201Cell& cell, double) override { observed.push_back(cell.index()); }
  int proposals = 0;
  std::vector<int> observed;
};

}  // namespace

TEST(TabularSearch, SameSeedSameTrajectoryDifferentSeedsDiffer) {
  for (const std::string strategy : {"random", "evolution"}) {
    auto a = runOnce(strategy, 100, 7), b = runOnce(strategy, 100, 7), c = runOnce(strategy, 100, 8);
    EXPECT_EQ(trajectory(a), trajectory(b)) << strategy;
    EXPECT_EQ(a.bestSoFar(), b.bestSoFar()) << strategy;
    EXPECT_NE(trajectory(a), trajectory(c)) << strategy;
  }
}

TEST(TabularSearch, RecordsAreConsistentWithTheTable) {
  const auto& t = test::shippedTable();
  auto r = runOnce("evolution", 50, 3);
  ASSERT_EQ(r.trace.size(), 50u);
  double best = -1;
  for (size_t i = 0; i < r.trace.size(); ++i) {
    const auto& q = r.trace[i];
    EXPECT_EQ(q.query, static_cast<int>(i) + 1);
    EXPECT_EQ(q.value, t.query(q.cell.toString(), kMetric));
    EXPECT_EQ(t.arch(q.row), q.cell.toString());
    best = std::max(best, q.value);
    EXPECT_EQ(q.bestSoFar, best);
  }
  EXPECT_EQ(r.bestValue, best);
  EXPECT_EQ(t.query(r.bestCell.toString(), kMetric), best);
}

TEST(TabularSearch, WholeBudgetEnumeratesTheTableExactlyOnce) {
  for (const std::string strategy : {"random", "evolution"}) {
    auto r = runOnce(strategy, kNb201NumCells, 1);
    std::set<int> cells;
    for (const auto& q : r.trace) cells.insert(q.cell.index());
    EXPECT_EQ(cells.size(), static_cast<size_t>(kNb201NumCells)) << strategy;
    EXPECT_NEAR(r.bestValue, 94.37, 0.005);
  }
  EXPECT_THROW(runOnce("random", kNb201NumCells + 1, 1), Error);
  EXPECT_THROW(runOnce("random", 0, 1), Error);
}

TEST(TabularSearch, RefusedProposalsFallBackToUnseenCellsWhichAreObserved) {
  StubbornStrategy s;
  auto r = runTabularSearch(test::shippedTable(), kMetric, s, 5, 0);
  std::vector<int> cells = trajectory(r);
  EXPECT_EQ(cells[0], 42);
  EXPECT_EQ(std::set<int>(cells.begin(), cells.end()).size(), 5u);
  EXPECT_EQ(s.observed, cells);
  EXPECT_EQ(s.proposals, 1 + 4 * (1 + kMaxProposalRetries));
}

TEST(TabularSearch, MutationChangesExactlyOneEdge) {
  SearchRng rng(5);
  for (int i = 0; i < 2000; ++i) {
    Nb201Cell parent = randomNb201Cell(rng);
    Nb201Cell child = mutateNb201Cell(parent, rng);
    int changed = 0;
    for (int e = 0; e < kNb201NumEdges; ++e) changed += parent.op(e) != child.op(e);
    ASSERT_EQ(changed, 1);
  }
}

TEST(TabularSearch, EvolutionMutatesTheTournamentWinnerAfterTheRandomStart) {
  RegularizedEvolution evo(10, 3);
  SearchRng rng(11);
  std::vector<Nb201Cell> members;
  for (int i = 0; i < 10; ++i) {
    members.push_back(evo.propose(rng));
    evo.observe(members.back(), i);
  }
  // Every later proposal is one edge away from some current member.
  for (int round = 0; round < 200; ++round) {
    Nb201Cell child = evo.propose(rng);
    bool nearMember = false;
    for (const auto& m : members) {
      int diff = 0;
      for (int e = 0; e < kNb201NumEdges; ++e) diff += m.op(e) != child.op(e);
      nearMember |= diff == 1;
    }
    ASSERT_TRUE(nearMember);
    evo.observe(child, round);
    members.erase(members.begin());  // the oldest dies
    members.push_back(child);
  }
  EXPECT_THROW(RegularizedEvolution(0, 3), Error);
  EXPECT_THROW(queryStrategyFactory("annealing"), Error);
}

TEST(TabularSearch, MultiSeedSummary) {
  const auto& t = test::shippedTable();
  int calls = 0;
  auto s = runMultiSeedSearch(t, kMetric, "random", queryStrategyFactory("random"), 30, 4, 5,
                              [&](std::uint64_t seed, const QueryRecord&) {
                                EXPECT_GE(seed, 5u);
                                ++calls;
                              });
  EXPECT_EQ(calls, 120);
  EXPECT_EQ(s.seeds, (std::vector<std::uint64_t>{5, 6, 7, 8}));
  ASSERT_EQ(s.bestPerSeed.size(), 4u);
  EXPECT_EQ(s.bestPerSeed[0], runOnce("random", 30, 5).bestValue);
  ASSERT_EQ(s.curve.size(), 30u);
  EXPECT_NEAR(s.curve.back(), s.meanBest, 1e-9);
  for (size_t i = 1; i < s.curve.size(); ++i) EXPECT_GE(s.curve[i], s.curve[i - 1]);
  EXPECT_EQ(t.query(s.bestArch, kMetric), s.bestValue);
  Json j = s.toJson();
  for (const char* key : {"mean_best", "std_best", "best_per_seed", "curve", "best_arch", "seeds"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["best_per_seed"].size(), 4u);
  EXPECT_THROW(runMultiSeedSearch(t, kMetric, "random", queryStrategyFactory("random"), 30, 0), Error);
}

// The reference comparison of methods.md §6: 20 seeds, 100 queries.
TEST(TabularSearch, EvolutionBeatsRandomAt100QueriesOver20Seeds) {
  const auto& t = test::shippedTable();
  auto rnd = runMultiSeedSearch(t, kMetric, "random", queryStrategyFactory("random"), 100, 20);
  auto evo = runMultiSeedSearch(t, kMetric, "evolution", queryStrategyFactory("evolution"), 100, 20);
  std::printf("100 queries, 20 seeds: random %.3f +- %.3f, evolution %.3f +- %.3f\n", rnd.meanBest, rnd.stdBest,
              evo.meanBest, evo.stdBest);
  EXPECT_GT(evo.meanBest, rnd.meanBest);
}
