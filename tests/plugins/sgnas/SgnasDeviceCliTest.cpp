// Issue 18 through the real executable: the sgnas job's `device` parameter (auto and cpu run and
// the workspace says where; a bad value is refused naming the parameter) and its supernet phase
// over 2 local data-parallel ranks (`--nproc 2`, Gloo on loopback). Tiny sizes, synthetic data.
#include <gtest/gtest.h>

#include "cli/CliRunner.h"
#include "common/Json.h"

namespace nas::sgnas {
namespace {

const std::string kTiny =
    " -p preset=tiny -p dataset=synthetic -p train_limit=256 -p supernet_epochs=1 -p batch_size=64"
    " -p generator_epochs=2 -p generator_steps=3 -p generator_batch=32 -p eval_targets=3 -p random_per_target=1"
    " -p eval_images=64 -p threads=1 --json";

bool cudaHere() { return test::infoSays("cuda"); }

}  // namespace

// device=auto here; device=cpu in the data-parallel test below (each CLI run costs seconds).
TEST(SgnasDevice, AutoRunsAndTheWorkspaceSaysWhere) {
  test::ScratchDir t("sgnas-device");
  const std::string ws = t.file("auto.nasws");
  const auto run = test::runCli("run sgnas --workspace " + ws + " -p device=auto" + kTiny);
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const Json r = Json::parse(run.out);
  EXPECT_EQ(r.at("status"), "done");
  const Json stored = test::storedResult(ws, r);
  // auto is the first GPU only where LibTorch has CUDA and a GPU is present.
  EXPECT_EQ(stored.at("device"), cudaHere() ? "cuda:0" : "cpu");
  EXPECT_EQ(stored.at("ranks"), 1);
  const auto bad = test::runCli("run sgnas --workspace " + t.file("bad.nasws") + " -p device=gpu" + kTiny);
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE((bad.out + bad.err).find("device"), std::string::npos) << bad.out << bad.err;
}

TEST(SgnasDevice, SupernetPhaseRunsOnTheCpuOverTwoLocalRanks) {
  if (!test::infoSays("distributed"))
    GTEST_SKIP() << "built without Gloo (NAS_WITH_DISTRIBUTED off)";
  test::ScratchDir t("sgnas-device");
  const std::string ws = t.file("ranks.nasws");
  const auto run = test::runCli("run sgnas --nproc 2 --workspace " + ws + " -p device=cpu" + kTiny);
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const Json r = Json::parse(run.out);
  EXPECT_EQ(r.at("status"), "done");
  const Json stored = test::storedResult(ws, r);
  EXPECT_EQ(stored.at("ranks"), 2);
  EXPECT_EQ(stored.at("rank_param_max_diff"), 0.0) << "the ranks' supernets drifted apart";
  EXPECT_EQ(stored.at("device"), "cpu");
  EXPECT_GT(stored.at("supernet_accuracy_max").get<double>(), 0.0);
}

}  // namespace nas::sgnas
