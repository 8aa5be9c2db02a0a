// `tabular search --objective2 latency_ms` (issue 6, latency everywhere): the predicted
// latency of each cell from a device profile measured in the test (few repeats, no budget:
// this checks the contract, not the figures), and clear errors without a profile.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "CliRunner.h"
#include "common/Json.h"

using nas::Json;
using nas::test::runCli;
namespace fs = std::filesystem;

TEST(CliTabularLatency, SearchWithLatencyAsSecondObjective) {
  const fs::path dir = fs::temp_directory_path() / ("nas-cli-tab-latency-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  ::setenv("XDG_DATA_HOME", (dir / "xdg").c_str(), 1);
  const std::string ws = (dir / "ws.nasdb").string(), empty = (dir / "empty.nasdb").string();
  const std::string search = "tabular search --strategy evolution --queries 30 --seeds 2 --objective2 latency_ms ";

  // No workspace, then a workspace without a profile: both name the command that measures one.
  auto r = runCli(search + "--workspace " + empty + " --json");
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.err.find("latency profile --space nb201")) << r.err;
  r = runCli("latency profile --space nb201 --profile tiny --warmup 0 --repeats 2 --budget-ms 0 --workspace " + ws +
             " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;

  r = runCli(search + "--workspace " + ws + " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ("latency_ms", j.at("objective2"));
  EXPECT_EQ("tiny", j.at("latency_profile"));
  ASSERT_FALSE(j.at("pareto").empty());
  for (const auto& p : j.at("pareto")) EXPECT_GT(p.at("cost").get<double>(), 0.0);
  EXPECT_GT(j.at("hypervolume").get<double>(), 0.0);

  // A limit, the profile named; an unknown profile; a profile without latency.
  r = runCli(search + "--limit 1000 --latency-profile tiny --workspace " + ws + " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  EXPECT_DOUBLE_EQ(1000.0, Json::parse(r.out).at("limit").get<double>());
  r = runCli(search + "--latency-profile nope --workspace " + ws + " --json");
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.err.find("nope")) << r.err;
  r = runCli("tabular search --queries 10 --seeds 1 --latency-profile tiny --workspace " + ws + " --json");
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.err.find("latency_ms")) << r.err;
  fs::remove_all(dir);
}
