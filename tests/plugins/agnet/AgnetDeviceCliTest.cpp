// Issue 18 through the real executable: the agnet job's supernet source with `device` auto and
// cpu (the workspace says where it ran), a bad device refused naming the parameter, and the
// supernet trained over 2 local data-parallel ranks (`--nproc 2`, Gloo on loopback) while the
// search stays rank 0's. Tiny sizes, synthetic data.
#include <gtest/gtest.h>

#include "cli/CliRunner.h"
#include "common/Json.h"

namespace nas::agnet {
namespace {

const std::string kTiny =
    " -p source=supernet -p strategy=random -p queries=4 -p dataset=synthetic -p train_limit=256 -p eval_images=64"
    " -p channels=4 -p batch_size_train=32 -p supernet_epochs=1 -p bn_batches=1 -p threads=1 --json";

}  // namespace

// device=auto here; device=cpu in the data-parallel test below (each CLI run costs seconds).
TEST(AgnetDevice, SupernetSourceRunsWithAutoAndTheWorkspaceSaysWhere) {
  test::ScratchDir t("agnet-device");
  const std::string ws = t.file("auto.nasws");
  const auto run = test::runCli("run agnet --workspace " + ws + " -p device=auto" + kTiny);
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const Json stored = test::storedResult(ws, Json::parse(run.out));
  EXPECT_EQ(stored.at("device"), test::infoSays("cuda") ? "cuda:0" : "cpu");
  EXPECT_EQ(stored.at("ranks"), 1);
  const auto bad = test::runCli("run agnet --workspace " + t.file("bad.nasws") + " -p device=cuda:x" + kTiny);
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE((bad.out + bad.err).find("device"), std::string::npos) << bad.out << bad.err;
}

TEST(AgnetDevice, SupernetTrainsOnTheCpuOverTwoLocalRanks) {
  if (!test::infoSays("distributed")) GTEST_SKIP() << "built without Gloo (NAS_WITH_DISTRIBUTED off)";
  test::ScratchDir t("agnet-device");
  const std::string ws = t.file("ranks.nasws");
  const auto run = test::runCli("run agnet --nproc 2 --workspace " + ws + " -p device=cpu" + kTiny);
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const Json r = Json::parse(run.out);
  EXPECT_EQ(r.at("status"), "done");
  const Json stored = test::storedResult(ws, r);
  EXPECT_EQ(stored.at("ranks"), 2);
  EXPECT_EQ(stored.at("device"), "cpu");
  EXPECT_EQ(stored.at("source"), "supernet");
}

}  // namespace nas::agnet
