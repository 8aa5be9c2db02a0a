// The tabular-search job end to end against a real workspace file: what it writes, its
// result, cancellation, and its parameter schema.
#include <gtest/gtest.h>

#include <set>

#include "SearchTestUtil.h"
#include "common/Error.h"
#include "jobs/Method.h"
#include "search/SearchMethods.h"
#include "search/TabularSearch.h"
#include "store/Workspace.h"

using namespace nas;

namespace {

class RecordingSink final : public ProgressSink {
 public:
  void progress(double f, const std::string&) override { fractions.push_back(f); }
  void metric(const std::string&, int64_t, double) override {}
  void log(const std::string& line) override { logs.push_back(line); }
  std::vector<double> fractions;
  std::vector<std::string> logs;
};

struct Fixture {
  test::ScratchDir dir;
  QueryStrategyRegistry strategies;  // before the methods, which refer to it
  MethodRegistry registry;
  std::unique_ptr<Workspace> ws;
  JobId job = 0;
  const Method* method = nullptr;

  Fixture() {
    registerSearchMethods(registry, strategies);
    method = &registry.get("tabular-search");
    ws = Workspace::open(dir.path("w.nasdb"));
    job = ws->createJob("tabular-search", "{}");
  }
  Json run(const Json& given, RecordingSink& sink, CancelToken cancel = {}) {
    JobContext ctx(*ws, job, method->schema().resolve(given), sink, cancel);
    return method->run(ctx);
  }
};

}  // namespace

TEST(TabularSearchMethod, WritesEveryQueryAndSummarises) {
  Fixture f;
  RecordingSink sink;
  Json result = f.run({{"strategy", "random"}, {"queries", 45}, {"seeds", 2}, {"seed", 3}}, sink);

  // Same numbers as the library call with the same seeds.
  const auto& table = test::shippedTable();
  auto direct = runMultiSeedSearch(table, "test_accuracy", "random", queryStrategyFactory("random"), 45, 2, 3);
  EXPECT_EQ(result["best_per_seed"].get<std::vector<double>>(), direct.bestPerSeed);
  EXPECT_EQ(result["best_arch"], direct.bestArch);
  EXPECT_EQ(result["dataset"], "cifar10");
  for (const auto& key : f.method->resultKeys()) EXPECT_TRUE(result.contains(key)) << key;

  auto evals = f.ws->evaluationsOfJob(f.job);
  ASSERT_EQ(evals.size(), 90u);
  std::set<ArchId> archs;
  for (const auto& e : evals) {
    EXPECT_EQ(e.source, "tabular");
    EXPECT_EQ(e.dataset, "cifar10");
    EXPECT_EQ(e.metric, "test_accuracy");
    archs.insert(e.archId);
    auto a = f.ws->architecture(e.archId);
    EXPECT_EQ(a.space, "nb201");
    // The table gives percent; the workspace keeps accuracies as fractions.
    EXPECT_DOUBLE_EQ(e.value, table.query(a.canonical, "test_accuracy") / 100.0);
    CostCounts cost = nb201Cost(Nb201Cell::parse(a.canonical));
    EXPECT_EQ(a.params, cost.params);
    EXPECT_DOUBLE_EQ(a.flops, cost.flops);
  }
  EXPECT_EQ(static_cast<std::int64_t>(archs.size()), f.ws->architectureCount());

  auto best = f.ws->metrics(f.job, "best_so_far");
  ASSERT_EQ(best.size(), 45u);
  EXPECT_EQ(best.front().step, 1);
  EXPECT_DOUBLE_EQ(best.back().value, direct.bestPerSeed[0] / 100.0);
  auto mean = f.ws->metrics(f.job, "best_so_far_mean");
  ASSERT_EQ(mean.size(), 45u);
  EXPECT_NEAR(mean.back().value, direct.meanBest / 100.0, 1e-9);

  auto samples = f.ws->samples(f.job);
  ASSERT_EQ(samples.size(), 90u);
  Json payload = parseJson(samples.back().payloadJson, "sample");
  EXPECT_EQ(payload["seed"], 4);
  EXPECT_EQ(samples.back().round, 45);

  ASSERT_FALSE(sink.fractions.empty());
  EXPECT_DOUBLE_EQ(sink.fractions.back(), 1.0);
  EXPECT_EQ(sink.logs.size(), 1u);
}

TEST(TabularSearchMethod, CancelStopsAtTheNextBatchWithWhatWasDoneSaved) {
  Fixture f;
  RecordingSink sink;
  CancelToken cancel;
  cancel.cancel();
  try {
    f.run({{"queries", 100}}, sink, cancel);
    FAIL() << "not cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Cancelled);
    EXPECT_NE(e.message().find("after 20 of 100"), std::string::npos) << e.message();
  }
  EXPECT_EQ(f.ws->evaluationsOfJob(f.job).size(), 20u);
}

TEST(TabularSearchMethod, ResumeAfterCancelWritesEachQueryOnce) {
  Fixture f;
  RecordingSink sink;
  CancelToken cancel;
  cancel.cancel();
  EXPECT_THROW(f.run({{"queries", 70}, {"seeds", 2}}, sink, cancel), Error);
  Json result = f.run({{"queries", 70}, {"seeds", 2}}, sink);
  EXPECT_TRUE(result["resumed"].get<bool>());
  EXPECT_EQ(f.ws->evaluationsOfJob(f.job).size(), 140u);
  EXPECT_EQ(f.ws->metrics(f.job, "best_so_far").size(), 70u);
  auto direct = runMultiSeedSearch(test::shippedTable(), "test_accuracy", "evolution",
                                   queryStrategyFactory("evolution"), 70, 2, 0);
  EXPECT_EQ(result["best_per_seed"].get<std::vector<double>>(), direct.bestPerSeed);
}

// A worker killed after the last write but before the job was marked done runs the job
// again: every unit, the mean curve included, is already committed and must not be stored twice.
TEST(TabularSearchMethod, RunningAFinishedJobAgainStoresNothingTwice) {
  Fixture f;
  RecordingSink sink;
  const Json given = {{"queries", 30}, {"seeds", 2}};
  const Json first = f.run(given, sink);
  const Json again = f.run(given, sink);
  EXPECT_EQ(again["best_per_seed"], first["best_per_seed"]);
  EXPECT_EQ(f.ws->evaluationsOfJob(f.job).size(), 60u);
  EXPECT_EQ(f.ws->metrics(f.job, "best_so_far").size(), 30u);
  EXPECT_EQ(f.ws->metrics(f.job, "best_so_far_mean").size(), 30u);
}

TEST(TabularSearchMethod, SchemaAndBadInputs) {
  Fixture f;
  ParamSchema schema = f.method->schema();
  Json defaults = schema.resolve(Json::object());
  EXPECT_EQ(defaults["table"], "");
  EXPECT_EQ(defaults["metric"], "test_accuracy");
  EXPECT_EQ(defaults["queries"], 100);
  EXPECT_EQ(defaults["seeds"], 1);
  EXPECT_EQ(defaults["seed"], 0);
  EXPECT_THROW(schema.resolve({{"queries", 0}}), Error);
  EXPECT_THROW(schema.resolve({{"queries", 15626}}), Error);
  EXPECT_THROW(schema.resolve({{"strategy", "annealing"}}), Error);

  RecordingSink sink;
  try {
    f.run({{"metric", "latency"}}, sink);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(e.message().find("test_accuracy"), std::string::npos);
  }
  try {
    f.run({{"table", f.dir.path("missing.csv")}}, sink);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
  // A small table of its own: the dataset is the file's stem.
  std::string csv = "arch,acc\n";
  for (int i = 0; i < 30; ++i) csv += Nb201Cell::fromIndex(i * 7).toString() + "," + std::to_string(i) + "\n";
  Json r = f.run({{"table", f.dir.write("mini.csv", csv)}, {"metric", "acc"}, {"queries", 30}}, sink);
  EXPECT_EQ(r["best_value"], 29.0);
  EXPECT_EQ(r["dataset"], "mini");
  try {
    f.run({{"table", f.dir.path("mini.csv")}, {"metric", "acc"}, {"queries", 31}}, sink);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
}
