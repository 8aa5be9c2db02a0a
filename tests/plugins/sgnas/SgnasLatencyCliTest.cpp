// The SGNAS latency constraint end to end (issue 6): profile the tiny preset's lookup table,
// train a generator with constraints=flops+latency, and its controls list "latency" in ms with
// a reachable range; generate honours a latency target's units. Also `latency profile --space
// sgnas:tiny` resumes (a second run measures nothing).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cli/CliRunner.h"
#include "common/Json.h"

namespace nas::sgnas {
namespace {

namespace fs = std::filesystem;

TEST(SgnasLatencyCli, ProfileThenLatencyConstrainedGenerator) {
  const fs::path dir = fs::temp_directory_path() / ("sgnas-latency-cli-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string ws = (dir / "ws.nasws").string();
  auto r = test::runCli("latency profile --space sgnas:tiny --profile t --repeats 2 --budget-ms 0 --warmup 0 --workspace " +
                        ws + " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(53, j.at("measured").get<int>());
  r = test::runCli("latency profile --space sgnas:tiny --profile t --repeats 2 --budget-ms 0 --workspace " + ws + " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  EXPECT_EQ(0, Json::parse(r.out).at("measured").get<int>());

  r = test::runCli(
      "run sgnas --workspace " + ws +
      " -p preset=tiny -p dataset=synthetic -p train_limit=256 -p supernet_epochs=1 -p batch_size=64"
      " -p generator_epochs=2 -p generator_steps=3 -p generator_batch=32 -p eval_targets=3 -p random_per_target=1"
      " -p eval_images=64 -p threads=1 -p constraints=flops+latency -p latency_profile=t --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  const auto job = Json::parse(r.out).at("job_id").get<long long>();
  r = test::runCli("sgnas controls --job " + std::to_string(job) + " --workspace " + ws + " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  bool found = false;
  const Json controls = Json::parse(r.out);  // kept: the loop below refers into it
  for (const auto& c : controls.at("controls")) {
    if (c.at("name") != "latency") continue;
    found = true;
    EXPECT_EQ("ms", c.at("unit"));
    EXPECT_GT(c.at("max").get<double>(), c.at("min").get<double>());
    EXPECT_GT(c.at("min").get<double>(), 0.0);
  }
  EXPECT_TRUE(found) << r.out;
  r = test::runCli("sgnas generate --job " + std::to_string(job) + " --target latency=1 --workspace " + ws + " --json");
  ASSERT_EQ(0, r.exitCode) << r.err;
  EXPECT_TRUE(Json::parse(r.out).contains("latency")) << r.out;

  // Without a profile for the preset the job fails with a message saying what to run.
  r = test::runCli("run sgnas --workspace " + (dir / "empty.nasws").string() +
                   " -p preset=tiny -p dataset=synthetic -p constraints=flops+latency --json");
  EXPECT_NE(0, r.exitCode);
  EXPECT_NE(std::string::npos, (r.out + r.err).find("latency profile")) << r.out << r.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nas::sgnas
