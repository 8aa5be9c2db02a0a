// A worker killed with SIGKILL mid-training leaves its job "interrupted"; `jobs resume`
// continues from the last checkpoint and finishes.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "CliRunner.h"
#include "common/Json.h"

using nas::Json;
using nas::test::runCli;
namespace fs = std::filesystem;

TEST(CliKillResume, KilledWorkerResumesFromCheckpoint) {
  fs::path dir = fs::temp_directory_path() / ("nas-cli-kill-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string ws = (dir / "ws.nasdb").string();

  auto created = runCli(
      "run train --detach --param dataset=synthetic --param epochs=4 --param train_limit=1024 --param channels=4 "
      "--param cells=1 --param batch_size=16 --param checkpoint_every=4 --param threads=1 --workspace " + ws + " --json");
  ASSERT_EQ(created.exitCode, 0) << created.err;
  long long id = Json::parse(created.out)["job_id"];
  std::string idText = std::to_string(id);

  // Wait for a checkpoint past the first epoch's start, then kill without warning.
  const std::string killed = nas::test::killWorkerAfterCheckpoint(idText, ws, 0.3, std::chrono::seconds(60));
  ASSERT_TRUE(killed.empty()) << killed;

  auto list = runCli("jobs list --workspace " + ws + " --json");
  ASSERT_EQ(list.exitCode, 0) << list.err;
  EXPECT_EQ(Json::parse(list.out)["jobs"][0]["status"], "interrupted");

  auto resumed = runCli("jobs resume " + idText + " --workspace " + ws + " --json");
  ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
  Json r = Json::parse(resumed.out);
  EXPECT_EQ(r["status"], "done");
  EXPECT_GE(r["test_accuracy"].get<double>(), 0.0);
  EXPECT_TRUE(r.value("resumed", false)) << r.dump();
  fs::remove_all(dir);
}
