// `nasstudio-cli tabular search --strategy agnet`: the plugin's strategy is visible to the
// CLI's option check and answers with the same JSON keys as the built-in strategies.
#include <gtest/gtest.h>

#include "cli/CliRunner.h"
#include "common/Json.h"

namespace nas::agnet {
namespace {

const char* kSmall =
    " --queries 24 --seeds 1 --strategy-param pretrain_samples=960 --strategy-param ticks=2"
    " --strategy-param k=8 --json";

TEST(AgnetCli, TabularSearchWithThePluginStrategy) {
  const auto evo = test::runCli("tabular search --strategy evolution --queries 24 --seeds 1 --json");
  ASSERT_EQ(evo.exitCode, 0) << evo.err;
  const auto ag = test::runCli(std::string("tabular search --strategy agnet") + kSmall);
  ASSERT_EQ(ag.exitCode, 0) << ag.err;
  const Json e = Json::parse(evo.out), a = Json::parse(ag.out);
  for (const auto& [key, value] : e.items()) EXPECT_TRUE(a.contains(key)) << key;
  EXPECT_EQ(a.at("strategy"), "agnet");
  EXPECT_EQ(a.at("curve").size(), 24u);
}

TEST(AgnetCli, ConstrainedAndBadOptions) {
  const auto lim = test::runCli(std::string("tabular search --strategy agnet --objective2 flops --limit 80") + kSmall);
  ASSERT_EQ(lim.exitCode, 0) << lim.err;
  const Json j = Json::parse(lim.out);
  for (const char* k : {"pareto", "hypervolume", "objective2", "limit"}) EXPECT_TRUE(j.contains(k)) << k;
  for (const auto& p : j.at("pareto")) EXPECT_TRUE(p.contains("cost"));

  const auto unknown = test::runCli("tabular search --strategy annealing --json");
  EXPECT_EQ(unknown.exitCode, 64);
  EXPECT_NE(unknown.err.find("agnet"), std::string::npos) << unknown.err;
  const auto badParam = test::runCli("tabular search --strategy agnet --strategy-param colour=3 --json");
  EXPECT_EQ(badParam.exitCode, 1);
  EXPECT_NE(badParam.err.find("colour"), std::string::npos) << badParam.err;
  const auto badObjective = test::runCli("tabular search --strategy random --objective2 latency --json");
  EXPECT_EQ(badObjective.exitCode, 1);
  EXPECT_NE(badObjective.err.find("latency"), std::string::npos) << badObjective.err;
}

}  // namespace
}  // namespace nas::agnet
