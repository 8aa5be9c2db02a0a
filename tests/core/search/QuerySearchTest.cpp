// The generic query loop on a fake source without a table: no cell is queried twice, cells
// the source lacks are never queried, the budget is bounded by the source, the tabular search
// is exactly this loop with a TabularQuerySource, and a Pareto search without a table
// normalises by the queried range. Also the latency objective from a device profile.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "SearchTestUtil.h"
#include "common/Error.h"
#include "jobs/LatencySpace.h"
#include "search/CachedQuerySource.h"
#include "search/LatencyObjective.h"
#include "search/QuerySearch.h"
#include "search/TabularSearch.h"
#include "store/Workspace.h"

using namespace nas;

namespace {

// Every third cell is missing; at most `size` cells may be queried; the value rewards
// convolutions. Counts the queries it answers and fails the test on a repeat or a miss.
class FakeSource final : public QuerySource {
 public:
  explicit FakeSource(int size = kNb201NumCells) : size_(size) {}
  std::string source() const override { return "fake"; }
  std::string dataset() const override { return "none"; }
  std::string metric() const override { return "score"; }
  bool has(const Nb201Cell& c) const override { return c.index() % 3 != 0; }
  int size() const override { return size_; }
  double query(const Nb201Cell& c) override {
    EXPECT_TRUE(has(c)) << c.toString();
    EXPECT_TRUE(asked.insert(c.index()).second) << "queried twice: " << c.toString();
    double v = 0;
    for (int e = 0; e < kNb201NumEdges; ++e) v += c.op(e) == Nb201Op::Conv3x3 ? 2 : c.op(e) == Nb201Op::Conv1x1 ? 1 : 0;
    return v + 0.001 * (c.index() % 97);
  }
  std::set<int> asked;

 private:
  int size_;
};

// Always proposes the same cell: the loop must fall back to unseen cells of the source.
class StubbornStrategy final : public QueryStrategy {
 public:
  std::string name() const override { return "stubborn"; }
  Nb201Cell propose(SearchRng&) override { return Nb201Cell::fromIndex(0); }  // index 0: missing
  void observe(const Nb201Cell&, double) override { ++observed; }
  int observed = 0;
};

TEST(QuerySearch, NoRepeatsRespectsHasAndIsDeterministic) {
  for (const char* name : {"random", "evolution"}) {
    FakeSource a, b;
    auto s1 = queryStrategyFactory(name)(), s2 = queryStrategyFactory(name)();
    int calls = 0;
    const auto r1 = runQuerySearch(a, *s1, 300, 4, [&](const QueryRecord& q) { EXPECT_EQ(++calls, q.query); });
    const auto r2 = runQuerySearch(b, *s2, 300, 4);
    EXPECT_EQ(calls, 300);
    EXPECT_EQ(a.asked.size(), 300u) << name;
    ASSERT_EQ(r1.trace.size(), r2.trace.size());
    for (std::size_t i = 0; i < r1.trace.size(); ++i) {
      EXPECT_EQ(r1.trace[i].cell.index(), r2.trace[i].cell.index());
      EXPECT_EQ(r1.trace[i].row, 0u);  // no table
    }
    double best = -1;
    for (const auto& q : r1.trace) best = std::max(best, q.value);
    EXPECT_DOUBLE_EQ(r1.bestValue, best);
  }
}

TEST(QuerySearch, BudgetIsBoundBySizeAndFallbackCoversTheSource) {
  FakeSource small(40);
  StubbornStrategy s;
  EXPECT_THROW(runQuerySearch(small, s, 41, 0), Error);
  EXPECT_THROW(runQuerySearch(small, s, 0, 0), Error);
  const auto r = runQuerySearch(small, s, 40, 0);
  EXPECT_EQ(s.observed, 40);
  EXPECT_EQ(small.asked.size(), 40u);
  // Without a size limit the budget is every cell the source has.
  FakeSource all;
  const int has = kNb201NumCells - (kNb201NumCells + 2) / 3;
  StubbornStrategy t;
  EXPECT_THROW(runQuerySearch(all, t, has + 1, 0), Error);
}

TEST(QuerySearch, TabularSearchIsTheLoopWithATableSource) {
  const auto& table = test::shippedTable();
  TabularQuerySource source(table, "test_accuracy");
  EXPECT_EQ(source.source(), "tabular");
  EXPECT_EQ(source.dataset(), "cifar10");
  EXPECT_DOUBLE_EQ(source.workspaceScale(), 0.01);  // percent in the table
  const SearchObjectives o = makeSearchObjectives(table, "test_accuracy", {"flops", std::nullopt});
  auto s1 = queryStrategyFactory("evolution")(), s2 = queryStrategyFactory("evolution")();
  const auto generic =
      runQuerySearch(source, *s1, 80, 7, {}, o, tableParetoBounds(table, "test_accuracy", o));
  const auto tabular = runTabularSearch(table, "test_accuracy", *s2, 80, 7, {}, o);
  ASSERT_EQ(generic.trace.size(), tabular.trace.size());
  for (std::size_t i = 0; i < generic.trace.size(); ++i) {
    EXPECT_EQ(generic.trace[i].cell.index(), tabular.trace[i].cell.index());
    EXPECT_DOUBLE_EQ(generic.trace[i].value, tabular.trace[i].value);
    EXPECT_EQ(table.arch(tabular.trace[i].row), tabular.trace[i].cell.toString());
  }
  EXPECT_DOUBLE_EQ(generic.pareto.hypervolume, tabular.pareto.hypervolume);
}

TEST(QuerySearch, ParetoWithoutATableUsesTheQueriedRange) {
  FakeSource source;
  const SearchObjectives o = makeSearchObjectives("score", {"params", std::nullopt});
  auto s = queryStrategyFactory("random")();
  const auto r = runQuerySearch(source, *s, 60, 1, {}, o);
  ASSERT_FALSE(r.pareto.front.empty());
  EXPECT_GT(r.pareto.hypervolume, 0.0);
  EXPECT_LE(r.pareto.hypervolume, 1.0);
  // The queried range: one cell that is both the best and the cheapest of the set gives 1.
  std::vector<QueryRecord> trace(3);
  trace[0].value = 5, trace[0].cost = 1;
  trace[1].value = 3, trace[1].cost = 2;
  trace[2].value = 1, trace[2].cost = 4;
  EXPECT_NEAR(paretoOfRecords(o, trace).hypervolume, 1.0, 1e-6);
  // Table objectives other than flops/params need a table; latency needs a profile.
  EXPECT_THROW(makeSearchObjectives("score", {"train_time", std::nullopt}), Error);
  try {
    makeSearchObjectives("score", {"latency_ms", std::nullopt});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("latency profile --space nb201"), std::string::npos) << e.what();
  }
}

TEST(QuerySearch, CachedSourceAnswersRepeatsFromMemory) {
  FakeSource inner;
  CachedQuerySource cached(inner);
  cached.remember(Nb201Cell::fromIndex(1).index(), 42.0);
  EXPECT_DOUBLE_EQ(cached.query(Nb201Cell::fromIndex(1)), 42.0);
  const double v = cached.query(Nb201Cell::fromIndex(2));
  EXPECT_DOUBLE_EQ(cached.query(Nb201Cell::fromIndex(2)), v);  // the fake fails on a repeat
  EXPECT_EQ(cached.hits(), 2);
  EXPECT_EQ(inner.asked.size(), 1u);
}

// A latency space named "nb201" whose entries are one per op (no torch in this room): a
// cell's latency is the sum over its edges.
class OpLatencySpace final : public LatencySpace {
 public:
  std::string name() const override { return "nb201"; }
  std::string description() const override { return "per op"; }
  std::vector<LatencyEntrySpec> entries() const override {
    return {{"none", ""}, {"skip_connect", ""}, {"nor_conv_1x1", ""}, {"nor_conv_3x3", ""}, {"avg_pool_3x3", ""}};
  }
  TimingStats measure(const std::string&, const LatencyOptions&) const override { return {}; }
  std::vector<LatencyTerm> entriesOf(const std::string& arch) const override {
    const Nb201Cell c = Nb201Cell::parse(arch);
    std::vector<LatencyTerm> out;
    for (int e = 0; e < kNb201NumEdges; ++e) out.push_back({std::string(nb201OpName(c.op(e))), 1});
    return out;
  }
  TimingStats measureNetwork(const std::string&, const LatencyOptions&) const override { return {}; }
  std::string randomArchitecture(std::mt19937_64&) const override { return {}; }
  std::string runtimeVersion() const override { return "fake"; }
};

TEST(QuerySearch, LatencyObjectiveFromADeviceProfile) {
  test::ScratchDir dir;
  const std::string path = dir.path("ws.nasdb");
  auto ws = Workspace::open(path);
  OpLatencySpace space;
  try {
    nb201LatencyObjective(*ws, "", space);
    FAIL() << "no profile yet";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nasstudio-cli latency profile --space nb201"), std::string::npos) << e.what();
  }
  DeviceProfileRecord p;
  p.name = "tiny";
  p.cpu = "test";
  p.threads = 1;
  p.batch = 1;
  p.torchVersion = "fake";
  const auto id = ws->ensureDeviceProfile(p);
  ws->putLatencyEntries(id, {{"nb201", "none", 0.0, 0, 1, 0},
                             {"nb201", "skip_connect", 0.1, 0, 1, 0},
                             {"nb201", "nor_conv_1x1", 1.0, 0, 1, 0},
                             {"nb201", "nor_conv_3x3", 3.0, 0, 1, 0},
                             {"nb201", "avg_pool_3x3", 0.5, 0, 1, 0}});
  EXPECT_THROW(nb201LatencyObjective(*ws, "other", space), Error);  // a named profile must exist
  const LatencyObjective lat = nb201LatencyObjective(*ws, "", space);
  EXPECT_EQ(lat.profile, "tiny");
  EXPECT_EQ(lat.second.name, "latency_ms");
  const Nb201Cell conv = Nb201Cell::parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_1x1~2|");
  EXPECT_NEAR(lat.second.cost(conv), 3 * 3.0 + 0.1 + 1.0, 1e-12);

  // As the second objective of a tabular search: every record carries the cell's latency.
  SecondObjective second = lat.second;
  second.limit = 6.0;
  const auto& table = test::shippedTable();
  const SearchObjectives o = makeSearchObjectives(table, "test_accuracy", second);
  auto s = queryStrategyFactory("evolution")();
  const auto r = runTabularSearch(table, "test_accuracy", *s, 50, 2, {}, o);
  for (const auto& q : r.trace) {
    EXPECT_DOUBLE_EQ(q.cost, lat.second.cost(q.cell));
    EXPECT_EQ(q.feasible, q.cost <= 6.0);
  }
  ASSERT_TRUE(r.hasBest);
  EXPECT_LE(lat.second.cost(r.bestCell), 6.0);
}

}  // namespace
