// The CLI's contract: with --json exactly one JSON object on stdout; errors on stderr with a
// non-zero exit code (1 error, 2 job failed, 3 cancelled, 64 usage).
#include <gtest/gtest.h>

#include <filesystem>

#include "CliRunner.h"
#include "common/Json.h"

using nas::Json;
using nas::test::runCli;
namespace fs = std::filesystem;

namespace {
const char* kOptimum = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";
const char* kAllConv = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";

Json parseOne(const std::string& out) {
  Json j = Json::parse(out);  // throws if there is more than one object or trailing text
  EXPECT_TRUE(j.is_object());
  return j;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nas-cli-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ws_ = (dir_ / "ws.nasdb").string();
    // Keep the user's real data folder out of tests.
    ::setenv("XDG_DATA_HOME", (dir_ / "xdg").c_str(), 1);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string ws_;
};
}  // namespace

TEST_F(CliTest, InfoJson) {
  auto r = runCli("info --json");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  Json j = parseOne(r.out);
  for (const char* key : {"version", "libtorch", "threads", "devices", "plugins", "methods"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_NE(j["methods"].dump().find("train"), std::string::npos);
  EXPECT_NE(j["methods"].dump().find("tabular-search"), std::string::npos);
}

TEST_F(CliTest, ArchStatsMatchesTheBenchmark) {
  auto r = runCli(std::string("arch stats --space nb201 --arch '") + kAllConv + "' --input 3x32x32 --classes 10 --json");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  Json j = parseOne(r.out);
  EXPECT_EQ(j["canonical"], kAllConv);
  EXPECT_EQ(j["params"], 1531546);
  EXPECT_NEAR(j["flops"].get<double>() / 1e6, 220.12, 0.005);
}

TEST_F(CliTest, MalformedArchitectureIsAnErrorOnStderr) {
  auto r = runCli("arch stats --space nb201 --arch '|nor_conv_3x3~0|+|conv9~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|' --json");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("conv9"), std::string::npos) << r.err;
}

TEST_F(CliTest, UsageErrorsExit64) {
  EXPECT_EQ(runCli("arch stats --json").exitCode, 64);  // --arch missing
  EXPECT_EQ(runCli("no-such-command").exitCode, 64);
}

TEST_F(CliTest, UnknownMethodNamesTheKnownOnes) {
  auto r = runCli("run nosuch --workspace " + ws_ + " --json");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("method 'nosuch'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("train"), std::string::npos) << r.err;
}

TEST_F(CliTest, BadParamIsRefusedBeforeAnyJobIsCreated) {
  auto r = runCli("run tabular-search --param queries=0 --workspace " + ws_ + " --json");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("parameter 'queries'"), std::string::npos) << r.err;
  // Nothing was written: not even the workspace file was created.
  EXPECT_FALSE(fs::exists(ws_));
  auto list = runCli("jobs list --workspace " + ws_ + " --json");
  EXPECT_EQ(list.exitCode, 1);
  EXPECT_NE(list.err.find("does not exist"), std::string::npos) << list.err;
}

TEST_F(CliTest, TrainOnSyntheticDataRecordsTheJob) {
  auto r = runCli(std::string("train --space nb201 --arch '") + kOptimum +
                  "' --dataset synthetic --epochs 1 --train-limit 256 --channels 4 --cells 1 --threads 1 --workspace " +
                  ws_ + " --json");
  ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
  Json j = parseOne(r.out);
  ASSERT_TRUE(j.contains("job_id"));
  double acc = j["test_accuracy"];
  EXPECT_GE(acc, 0.0);
  EXPECT_LE(acc, 1.0);
  EXPECT_GT(j["train_images_per_s"].get<double>(), 0.0);

  auto show = runCli("jobs show " + std::to_string(j["job_id"].get<long long>()) + " --workspace " + ws_ + " --json");
  ASSERT_EQ(show.exitCode, 0) << show.err;
  Json s = parseOne(show.out);
  EXPECT_EQ(s["status"], "done");
  EXPECT_EQ(s["method"], "train");
  EXPECT_NE(s["metric_series"].dump().find("train_loss"), std::string::npos);
}

TEST_F(CliTest, RunTabularSearchJob) {
  auto r = runCli("run tabular-search --param strategy=evolution --param queries=30 --workspace " + ws_ + " --json");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  Json j = parseOne(r.out);
  EXPECT_TRUE(j.contains("job_id"));
  EXPECT_TRUE(j.contains("mean_best"));
  EXPECT_EQ(j["status"], "done");
}

TEST_F(CliTest, TabularSearchSummary) {
  auto r = runCli(std::string("tabular search --table ") + NAS_SOURCE_DIR +
                  "/resources/data/nb201/cifar10.csv --metric test_accuracy --strategy evolution --queries 50 --seeds 3 --json");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  Json j = parseOne(r.out);
  for (const char* key : {"mean_best", "std_best", "best_per_seed", "curve"}) EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["best_per_seed"].size(), 3u);
  EXPECT_EQ(j["curve"].size(), 50u);
  // Same seeds, same answer.
  auto again = runCli(std::string("tabular search --table ") + NAS_SOURCE_DIR +
                      "/resources/data/nb201/cifar10.csv --metric test_accuracy --strategy evolution --queries 50 --seeds 3 --json");
  EXPECT_EQ(parseOne(again.out)["best_per_seed"], j["best_per_seed"]);
}

TEST_F(CliTest, TabularSearchBadTableNamesTheFile) {
  auto r = runCli("tabular search --table " + (dir_ / "missing.csv").string() + " --metric test_accuracy --json");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("missing.csv"), std::string::npos) << r.err;
}

TEST_F(CliTest, CorruptWorkspaceIsRefusedAndUntouched) {
  std::string path = (dir_ / "corrupt.nasdb").string();
  { std::ofstream(path) << "this is not a database, and must stay exactly like this"; }
  auto before = fs::file_size(path);
  auto r = runCli("jobs list --workspace " + path + " --json");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_EQ(fs::file_size(path), before);
}

TEST_F(CliTest, CancelAndResumeAJob) {
  auto created = runCli("run tabular-search --detach --param queries=40 --workspace " + ws_ + " --json");
  ASSERT_EQ(created.exitCode, 0) << created.err;
  long long id = parseOne(created.out)["job_id"];
  auto cancel = runCli("jobs cancel " + std::to_string(id) + " --workspace " + ws_ + " --json");
  ASSERT_EQ(cancel.exitCode, 0) << cancel.err;
  EXPECT_EQ(parseOne(cancel.out)["status"], "cancelled");  // a queued job is cancelled at once
  auto resumed = runCli("jobs resume " + std::to_string(id) + " --workspace " + ws_ + " --json");
  ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
  EXPECT_EQ(parseOne(resumed.out)["status"], "done");
}
