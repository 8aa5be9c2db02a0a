// `latency profile|validate|export|import` (issue 6): JSON keys, resume of a profile, and
// clear errors with exit code 1 for a wrong space or an unknown profile. Few repeats and a
// tiny budget: this checks the contract, not the figures.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "CliRunner.h"
#include "common/Json.h"

using nas::Json;
using nas::test::runCli;
namespace fs = std::filesystem;

namespace {
const char* kFast = " --repeats 2 --budget-ms 0 ";

class CliLatencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nas-cli-latency-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ws_ = (dir_ / "ws.nasdb").string();
    ::setenv("XDG_DATA_HOME", (dir_ / "xdg").c_str(), 1);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string ws_;
};
}  // namespace

TEST_F(CliLatencyTest, ProfileValidateExportImport) {
  auto r = runCli("latency profile --space nb201 --profile here --warmup 0" + std::string(kFast) + "--workspace " + ws_ +
                  " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ("done", j.at("status"));
  EXPECT_EQ("here", j.at("profile"));
  EXPECT_EQ(19, j.at("entries").get<int>());
  EXPECT_EQ(19, j.at("measured").get<int>());

  // Again: everything is there already, nothing is measured.
  r = runCli("latency profile --space nb201 --profile here" + std::string(kFast) + "--workspace " + ws_ + " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  j = Json::parse(r.out);
  EXPECT_EQ(0, j.at("measured").get<int>());
  EXPECT_EQ(19, j.at("skipped").get<int>());

  r = runCli("latency validate --space nb201 --samples 4 --calibration 3 --rounds 2 --repeats 2 --workspace " + ws_ +
             " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  j = Json::parse(r.out);
  for (const char* key : {"mape", "kendall_tau", "samples", "pairs", "profile"}) EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(4, j.at("samples").get<int>());
  EXPECT_EQ(4u, j.at("pairs").size());
  EXPECT_GE(j.at("mape").get<double>(), 0.0);

  const std::string file = (dir_ / "here.json").string();
  r = runCli("latency export --profile here --file " + file + " --workspace " + ws_ + " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  const std::string other = (dir_ / "other.nasdb").string();
  r = runCli("latency import --file " + file + " --workspace " + other + " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  EXPECT_EQ(19, Json::parse(r.out).at("entries").get<int>());
  r = runCli("latency import --file " + file + " --workspace " + other + " --json");
  EXPECT_EQ(1, r.exitCode);  // exists already
  EXPECT_NE(std::string::npos, r.err.find("already exists")) << r.err;

  // arch stats gains the latency of the latest profile.
  r = runCli("arch stats --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'"
             " --workspace " + other + " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  j = Json::parse(r.out);
  EXPECT_GT(j.at("latency_ms").get<double>(), 0.0);
  EXPECT_EQ("here", j.at("latency_profile"));
}

TEST_F(CliLatencyTest, WrongSpaceAndUnknownProfileAreClearErrors) {
  auto r = runCli("latency profile --space bogus --workspace " + ws_ + " --json");
  EXPECT_EQ(1, r.exitCode);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(std::string::npos, r.err.find("unknown latency space")) << r.err;
  EXPECT_NE(std::string::npos, r.err.find("nb201")) << r.err;  // lists the known ones

  r = runCli("latency validate --space nb201 --samples 3 --profile nope --workspace " + ws_ + " --json");
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.err.find("no such device profile")) << r.err;

  r = runCli("latency validate --space nb201 --samples 3 --workspace " + ws_ + " --json");
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.err.find("latency profile")) << r.err;  // says what to run

  r = runCli("latency export --profile nope --file " + (dir_ / "x.json").string() + " --workspace " + ws_);
  EXPECT_EQ(1, r.exitCode);
  r = runCli("arch stats --arch '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|' --profile nope --workspace " +
             ws_ + " --json");
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.err.find("no such device profile")) << r.err;
}
