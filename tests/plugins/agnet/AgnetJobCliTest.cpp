// The agnet job and the tabular-search job with the agnet strategy through the real
// executable (which loads the plugin from the build tree): results, clear errors, and a
// worker killed with SIGKILL that `jobs resume` finishes with the same result as an
// uninterrupted run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "cli/CliRunner.h"
#include "common/Json.h"
#include "store/Workspace.h"

namespace nas::agnet {
namespace {

namespace fs = std::filesystem;

class AgnetJobCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nas-agnet-job-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ws_ = (dir_ / "ws.nasdb").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string ws_;
};

// Tiny AG-Net: 8 random queries, then rounds of 4; pretraining small enough for a test.
const char* kTiny =
    " --param num_init=8 --param k=4 --param num_test=20 --param pretrain_samples=4800 --param sample_start=50"
    " --param sample_end=500 --param seeds=1 ";

TEST_F(AgnetJobCli, TabularSearchJobWithTheAgnetStrategy) {
  const auto r = test::runCli(
      "run tabular-search --param strategy=agnet --param queries=16 --param seeds=1 "
      "--param 'strategy_params={\"num_init\": 8, \"k\": 4, \"ticks\": 2, \"pretrain_samples\": 4800}' --workspace " +
      ws_ + " --json");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j.at("status"), "done");
  EXPECT_EQ(j.at("strategy"), "agnet");
  EXPECT_EQ(j.at("curve").size(), 16u);
  const auto bad = test::runCli("run tabular-search --param strategy=agnet --param 'strategy_params={\"colour\": 1}' "
                                "--param queries=16 --workspace " + ws_ + " --json");
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE(bad.err.find("colour"), std::string::npos) << bad.err;
}

TEST_F(AgnetJobCli, AgnetJobResultsAndErrors) {
  const auto r = test::runCli("run agnet --param queries=16 --param ticks=2 --param objective2=flops" +
                              std::string(kTiny) + "--workspace " + ws_ + " --json");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const Json j = Json::parse(r.out);
  for (const char* k : {"mean_best", "best_arch", "curve", "source", "objective2", "pareto", "hypervolume"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j.at("source"), "tabular");
  EXPECT_EQ(j.at("strategy"), "agnet");

  auto bad = test::runCli("run agnet --param source=oracle --workspace " + ws_ + " --json");
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE(bad.err.find("source"), std::string::npos) << bad.err;
  bad = test::runCli("run agnet --param source=supernet --param supernet_from_job=99 --param queries=4 --workspace " +
                     ws_ + " --json");
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE(bad.err.find("no trained supernet"), std::string::npos) << bad.err;
  bad = test::runCli("run agnet --param objective2=latency_ms --param queries=4 --workspace " + ws_ + " --json");
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE(bad.err.find("latency profile --space nb201"), std::string::npos) << bad.err;
}

TEST_F(AgnetJobCli, KilledWorkerResumesToTheSameResult) {
  // Enough rounds (8) with enough retraining that the kill lands mid-search.
  const std::string params = "--param queries=40 --param ticks=8" + std::string(kTiny);
  const auto reference = test::runCli("run agnet " + params + "--workspace " + (dir_ / "ref.nasdb").string() + " --json");
  ASSERT_EQ(reference.exitCode, 0) << reference.err;

  const auto created = test::runCli("run agnet --detach " + params + "--workspace " + ws_ + " --json");
  ASSERT_EQ(created.exitCode, 0) << created.err;
  const std::string id = std::to_string(Json::parse(created.out).at("job_id").get<long long>());
  const std::string killed = test::killWorkerAfterCheckpoint(id, ws_, 0.2, std::chrono::seconds(180));
  ASSERT_TRUE(killed.empty()) << killed;

  const auto resumed = test::runCli("jobs resume " + id + " --workspace " + ws_ + " --json");
  ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
  const Json r = Json::parse(resumed.out), e = Json::parse(reference.out);
  EXPECT_EQ(r.at("status"), "done");
  EXPECT_TRUE(r.value("resumed", false)) << r.dump();
  EXPECT_EQ(r.at("best_per_seed"), e.at("best_per_seed"));
  EXPECT_EQ(r.at("curve"), e.at("curve"));
  // Nothing written twice: as many evaluations and samples as the uninterrupted run.
  auto ws = Workspace::openForReading(ws_);
  auto ref = Workspace::openForReading((dir_ / "ref.nasdb").string());
  const JobId job = std::stoll(id), refJob = e.at("job_id").get<JobId>();
  EXPECT_EQ(ws->evaluationsOfJob(job).size(), 40u);
  EXPECT_EQ(ws->samples(job).size(), ref->samples(refJob).size());
}

}  // namespace
}  // namespace nas::agnet
