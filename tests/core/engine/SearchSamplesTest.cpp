// The search-sample reader: the agnet payload contract, tabular-search payloads, objective
// names from result and spec, malformed rows reported (not thrown) and the workspace loader.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "common/Error.h"
#include "engine/SearchSamples.h"
#include "store/Workspace.h"

namespace {

nas::SampleRecord record(std::int64_t id, int round, const std::string& payload, nas::ArchId arch = 0) {
  nas::SampleRecord r;
  r.id = id;
  r.jobId = 7;
  r.round = round;
  if (arch > 0) r.archId = arch;
  r.payloadJson = payload;
  return r;
}

class ScratchWorkspace {
 public:
  ScratchWorkspace() {
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    dir_ = std::filesystem::temp_directory_path() /
           ("nas-engine-test-" + std::to_string(::getpid()) + "-" + std::to_string(stamp));
    std::filesystem::create_directories(dir_);
    ws = nas::Workspace::open((dir_ / "search.nasdb").string());
  }
  ~ScratchWorkspace() {
    ws.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::unique_ptr<nas::Workspace> ws;

 private:
  std::filesystem::path dir_;
};

}  // namespace

TEST(SearchSamples, ParsesAnAgnetRoundSample) {
  const auto s = nas::parseSearchSample(record(
      3, 2, R"({"seed":1,"x":0.5,"y":-1.25,"predicted":0.91,"queried":true,"query":20,"value":0.9,"cost":12.5})", 42));
  EXPECT_EQ(s.sampleId, 3);
  EXPECT_EQ(s.archId, 42);
  EXPECT_EQ(s.round, 2);
  EXPECT_EQ(s.seed, 1);
  EXPECT_TRUE(s.hasLatent);
  EXPECT_DOUBLE_EQ(s.x, 0.5);
  EXPECT_DOUBLE_EQ(s.y, -1.25);
  EXPECT_DOUBLE_EQ(s.predicted, 0.91);
  EXPECT_TRUE(s.queried);
  EXPECT_EQ(s.query, 20);
  EXPECT_DOUBLE_EQ(s.value, 0.9);
  EXPECT_DOUBLE_EQ(s.cost, 12.5);
}

TEST(SearchSamples, AbsentKeysMeanQueriedWithoutLatentOrPrediction) {
  // Round 0 of agnet and every tabular-search sample look like this.
  const auto s = nas::parseSearchSample(record(1, 0, R"({"seed":0,"value":0.7,"predicted":null})"));
  EXPECT_FALSE(s.hasLatent);
  EXPECT_TRUE(std::isnan(s.x));
  EXPECT_TRUE(std::isnan(s.predicted));
  EXPECT_TRUE(s.queried);
  EXPECT_DOUBLE_EQ(s.value, 0.7);
  EXPECT_TRUE(std::isnan(s.cost));
  EXPECT_EQ(s.query, 0);
}

TEST(SearchSamples, UnqueriedSampleHasNoTrueValue) {
  const auto s = nas::parseSearchSample(record(1, 1, R"({"x":1,"y":2,"predicted":0.5,"queried":false,"value":0.8})"));
  EXPECT_FALSE(s.queried);
  EXPECT_TRUE(std::isnan(s.value));
  EXPECT_DOUBLE_EQ(s.predicted, 0.5);
}

TEST(SearchSamples, MalformedPayloadsThrowParseErrorsNamingTheSample) {
  for (const char* bad : {"not json", "[1,2]", R"({"x":"a","y":1})", R"({"x":1})", R"({"queried":"yes"})",
                          R"({"seed":1.5})", R"({"value":"high"})"}) {
    try {
      nas::parseSearchSample(record(12, 3, bad));
      ADD_FAILURE() << "accepted " << bad;
    } catch (const nas::Error& e) {
      EXPECT_EQ(e.code(), nas::ErrorCode::ParseError) << bad;
      EXPECT_NE(std::string(e.what()).find("sample #12 (round 3)"), std::string::npos) << e.what();
    }
  }
}

TEST(SearchSamples, RunSkipsMalformedAndForeignRowsAndSortsByRound) {
  const auto run = nas::readSearchRun(
      {record(5, 2, R"({"x":1,"y":1,"predicted":0.5})"), record(1, 0, R"({"value":0.6})"),
       record(2, 1, R"({"x":0,"y":0,"predicted":0.4,"queried":false})"), record(3, 1, "{broken"),
       record(4, 1, R"({"kind":"pinned","pinned_by":"user"})")},
      "{}", "{}");
  ASSERT_EQ(run.samples.size(), 3u);
  EXPECT_EQ(run.samples[0].round, 0);
  EXPECT_EQ(run.samples[1].round, 1);
  EXPECT_EQ(run.samples[2].round, 2);
  ASSERT_EQ(run.problems.size(), 1u);
  EXPECT_NE(run.problems[0].find("sample #3"), std::string::npos);
  EXPECT_TRUE(run.hasLatent());
  EXPECT_EQ(run.latentRounds(), (std::vector<int>{1, 2}));
  EXPECT_TRUE(run.costName.empty());
  EXPECT_FALSE(run.payloadCosts);
}

TEST(SearchSamples, CostNameComesFromResultThenSpecThenPayload) {
  const std::vector<nas::SampleRecord> withCost{record(1, 0, R"({"value":0.6,"cost":3})")};
  EXPECT_EQ(nas::readSearchRun(withCost, R"({"objective2":"latency_ms","metric":"test_accuracy"})").costName,
            "latency_ms");
  EXPECT_EQ(nas::readSearchRun(withCost, "{}", R"({"method":"agnet","params":{"objective2":"params"}})").costName,
            "params");
  EXPECT_EQ(nas::readSearchRun(withCost, "{}", "{}").costName, "cost");
  EXPECT_TRUE(nas::readSearchRun(withCost).payloadCosts);
  EXPECT_EQ(nas::readSearchRun(withCost, R"({"metric":"test_accuracy"})").metric, "test_accuracy");
  // A result that is not JSON (a producer bug) does not hide the samples.
  EXPECT_EQ(nas::readSearchRun(withCost, "oops").samples.size(), 1u);
}

TEST(SearchSamples, CountsPerRoundAndSeed) {
  std::vector<nas::SampleRecord> rows;
  std::int64_t id = 0;
  for (int seed = 0; seed < 2; ++seed)
    for (int round = 1; round <= 3; ++round)
      for (int k = 0; k < round + seed; ++k)
        rows.push_back(record(++id, round, R"({"seed":)" + std::to_string(seed) + R"(,"x":1,"y":2})"));
  const auto run = nas::readSearchRun(rows);
  EXPECT_EQ(run.seeds(), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(run.latentCountPerRound(0), (std::map<int, int>{{1, 1}, {2, 2}, {3, 3}}));
  EXPECT_EQ(run.latentCountPerRound(1), (std::map<int, int>{{1, 2}, {2, 3}, {3, 4}}));
  EXPECT_EQ(run.latentCountPerRound(), (std::map<int, int>{{1, 3}, {2, 5}, {3, 7}}));
}

TEST(SearchSamples, LoadsFromTheWorkspaceWithArchitectures) {
  ScratchWorkspace scratch;
  nas::Workspace& ws = *scratch.ws;
  const nas::JobId agnet = ws.createJob("agnet", R"({"method":"agnet","params":{"objective2":"flops"}})");
  const nas::JobId other = ws.createJob("train", "{}");
  const nas::ArchId a = ws.upsertArchitecture("nb201", "|a~0|", 5e6, 100);
  const nas::ArchId b = ws.upsertArchitecture("nb201", "|b~0|", 7e6, 200);
  std::vector<nas::SampleRecord> rows;
  auto add = [&](int round, nas::ArchId arch, const std::string& payload) {
    nas::SampleRecord s;
    s.jobId = agnet;
    s.round = round;
    s.archId = arch;
    s.payloadJson = payload;
    rows.push_back(s);
  };
  add(0, a, R"({"seed":0,"query":1,"value":0.5,"cost":5})");
  add(1, b, R"({"seed":0,"x":0.1,"y":0.2,"predicted":0.7,"query":2,"value":0.6,"cost":7})");
  add(1, a, R"({"seed":0,"x":0.3,"y":0.4,"predicted":0.6,"queried":false})");
  ws.addSamples(rows);

  const auto run = nas::loadSearchRun(ws, agnet);
  EXPECT_EQ(run.job, agnet);
  EXPECT_EQ(run.method, "agnet");
  EXPECT_EQ(run.costName, "flops");
  ASSERT_EQ(run.samples.size(), 3u);
  EXPECT_EQ(run.samples[0].canonical, "|a~0|");
  EXPECT_DOUBLE_EQ(run.samples[1].flops, 7e6);
  EXPECT_TRUE(run.problems.empty());

  // A spec written before methods declared result kinds: its samples decide.
  const auto jobs = nas::searchJobs(ws);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].id, agnet);

  // Declared kinds decide for newer specs: a search listed before its first sample, a job
  // whose samples merely carry a "seed" left out.
  const nas::JobId declared =
      ws.createJob("some-search", R"({"method":"some-search","params":{},"result_kinds":["search-samples"]})");
  const nas::JobId grids = ws.createJob("some-grids", R"({"method":"some-grids","params":{},"result_kinds":["heat-grids"]})");
  nas::SampleRecord seeded;
  seeded.jobId = grids;
  seeded.payloadJson = R"({"seed":1,"grids":[]})";
  ws.addSamples({seeded});
  EXPECT_EQ(nas::isSearchJob(ws.job(declared)), true);
  EXPECT_EQ(nas::isSearchJob(ws.job(grids)), false);
  EXPECT_FALSE(nas::isSearchJob(ws.job(agnet)).has_value());
  const auto all = nas::searchJobs(ws);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, declared);
  EXPECT_EQ(all[1].id, agnet);
  (void)other;
  EXPECT_THROW(nas::loadSearchRun(ws, 999), nas::Error);
}
