// A worker killed with SIGKILL mid-training leaves its job "interrupted"; `jobs resume`
// continues from the last checkpoint and finishes.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "CliRunner.h"
#include "common/Json.h"

extern char** environ;

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

  pid_t pid = 0;
  std::vector<std::string> args = {NAS_CLI_PATH, "run-job", "--job", idText, "--workspace", ws, "--progress-lines"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  ASSERT_EQ(posix_spawn(&pid, NAS_CLI_PATH, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);

  // Wait for a checkpoint past the first epoch's start, then kill without warning.
  bool checkpointed = false;
  for (int i = 0; i < 600 && !checkpointed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto show = runCli("jobs show " + idText + " --workspace " + ws + " --json");
    if (show.exitCode != 0) continue;
    Json j = Json::parse(show.out);
    checkpointed = !j["artifacts"].empty() && j["progress"].get<double>() > 0.3;
  }
  ASSERT_TRUE(checkpointed) << "no checkpoint appeared";
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);

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
