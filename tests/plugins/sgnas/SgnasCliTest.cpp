// `nasstudio-cli run sgnas --json` and `nasstudio-cli sgnas generate|controls --json`,
// driving the real executable (which loads the plugin from the build tree).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cli/CliRunner.h"
#include "common/Json.h"

namespace nas::sgnas {
namespace {

namespace fs = std::filesystem;

TEST(SgnasCli, RunThenGenerateAsJson) {
  const fs::path dir = fs::temp_directory_path() / ("sgnas-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string ws = (dir / "ws.nasws").string();
  const auto run = test::runCli(
      "run sgnas --workspace " + ws +
      " -p preset=tiny -p dataset=synthetic -p train_limit=256 -p supernet_epochs=1 -p batch_size=64"
      " -p generator_epochs=2 -p generator_steps=3 -p generator_batch=32 -p eval_targets=3 -p random_per_target=1"
      " -p eval_images=64 -p threads=1 --json");
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const Json r = Json::parse(run.out);
  ASSERT_TRUE(r.contains("job_id")) << run.out;
  EXPECT_EQ(r.at("status"), "done");
  const std::string job = std::to_string(r.at("job_id").get<long long>());

  const auto controls = test::runCli("sgnas controls --workspace " + ws + " --job " + job + " --json");
  ASSERT_EQ(controls.exitCode, 0) << controls.err;
  const Json c = Json::parse(controls.out).at("controls");
  ASSERT_EQ(c.size(), 2u);
  const double mid = c[0].at("default").get<double>();

  const auto gen = test::runCli("sgnas generate --workspace " + ws + " --job " + job + " --target flops=" +
                                std::to_string(mid) + " --json");
  ASSERT_EQ(gen.exitCode, 0) << gen.err;
  const Json g = Json::parse(gen.out);
  for (const char* k : {"arch", "flops", "params", "generate_ms"}) EXPECT_TRUE(g.contains(k)) << k << " in " << gen.out;
  EXPECT_GT(g.at("generate_ms").get<double>(), 0.0);

  const auto both = test::runCli("sgnas generate --workspace " + ws + " --job " + job + " --target flops=" +
                                 std::to_string(mid) + " --target params=" + std::to_string(c[1].at("max").get<double>()) +
                                 " --json");
  EXPECT_EQ(both.exitCode, 0) << both.err;

  const auto bad = test::runCli("sgnas generate --workspace " + ws + " --job " + job + " --target latency=3 --json");
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_NE(bad.err.find("latency"), std::string::npos) << bad.err;
  const auto notNumber = test::runCli("sgnas generate --workspace " + ws + " --job " + job + " --target flops=lots");
  EXPECT_EQ(notNumber.exitCode, 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nas::sgnas
