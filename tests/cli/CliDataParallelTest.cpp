// `--nproc 2`: a train job in two data-parallel ranks over Gloo on loopback (issue 18). The
// workspace gets one job and rank 0's result; a rank killed mid-run fails the job cleanly
// (no hang: Gloo's timeout is 12 s here, the launcher stops the other rank), and `jobs resume
// --nproc 2` continues from rank 0's last checkpoint on both ranks.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>

#include "CliRunner.h"
#include "common/Json.h"

using nas::Json;
using nas::test::runCli;
namespace fs = std::filesystem;

namespace {

const std::string kJob =
    "--param dataset=synthetic --param train_limit=1024 --param channels=4 --param cells=1 --param batch_size=16 "
    "--param threads=1 --param checkpoint_every=4";

bool distributedBuild() {
  const auto info = runCli("info --json");
  return info.exitCode == 0 && Json::parse(info.out).value("distributed", false);
}

}  // namespace

TEST(CliDataParallel, TwoRanksRunOneJobAndAgree) {
  if (!distributedBuild()) GTEST_SKIP() << "built without Gloo";
  const nas::test::ScopedEnv shortTimeout("NAS_DIST_TIMEOUT_S", "12");
  fs::path dir = fs::temp_directory_path() / ("nas-cli-dp-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string ws = (dir / "ws.nasdb").string();
  auto r = runCli("run train --nproc 2 " + kJob + " --param epochs=1 --workspace " + ws + " --json");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["status"], "done");
  EXPECT_EQ(j["ranks"], 2);
  EXPECT_EQ(j["rank_param_max_diff"].get<double>(), 0.0);
  EXPECT_EQ(j["train_images"].get<long long>(), 922) << "every image of the global batches counted once";
  auto list = runCli("jobs list --workspace " + ws + " --json");
  ASSERT_EQ(list.exitCode, 0) << list.err;
  EXPECT_EQ(Json::parse(list.out)["jobs"].size(), 1u) << "only rank 0 writes the workspace";
  fs::remove_all(dir);
}

TEST(CliDataParallel, KilledRankFailsTheJobWhichResumesFromTheCheckpoint) {
  if (!distributedBuild()) GTEST_SKIP() << "built without Gloo";
  const nas::test::ScopedEnv shortTimeout("NAS_DIST_TIMEOUT_S", "12");
  fs::path dir = fs::temp_directory_path() / ("nas-cli-dpkill-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string ws = (dir / "ws.nasdb").string();
  const fs::path errFile = dir / "launcher.err";

  // The launcher in the background; its stderr names the ranks' pids.
  std::vector<std::string> args = {nas::test::cliPath(), "run", "train", "--nproc", "2"};
  std::istringstream words(kJob + " --param epochs=10");
  for (std::string w; words >> w;) args.push_back(w);
  for (const char* a : {"--workspace", ws.c_str(), "--json"}) args.emplace_back(a);
  const pid_t launcher = nas::test::spawnProcess(args, "/dev/null", errFile.string());
  ASSERT_GT(launcher, 0);

  // Wait for a checkpoint a little into the run, then SIGKILL rank 1.
  pid_t rank1 = 0;
  bool checkpointed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!(checkpointed && rank1 > 0) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::smatch m;
    const std::string err = nas::test::fileText(errFile);
    if (std::regex_search(err, m, std::regex("rank 1 of 2: pid ([0-9]+)"))) rank1 = std::stoi(m[1]);
    const auto show = runCli("jobs show 1 --workspace " + ws + " --json");
    if (show.exitCode != 0) continue;
    const Json s = Json::parse(show.out, nullptr, false);
    checkpointed = s.is_object() && !s["artifacts"].empty() && s["progress"].get<double>() > 0.05;
  }
  ASSERT_GT(rank1, 0) << nas::test::fileText(errFile);
  ASSERT_TRUE(checkpointed) << nas::test::fileText(errFile);
  ::kill(rank1, SIGKILL);

  // The launcher ends by itself: rank 0's collective fails on the closed connection (or Gloo's
  // 12 s timeout, well before the launcher's SIGKILL 30 s after its SIGTERM).
  int status = 0, code = -1;
  const auto waitUntil = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < waitUntil) {
    if (::waitpid(launcher, &status, WNOHANG) == launcher) {
      code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (code == -1) {
    ::kill(launcher, SIGKILL);
    ::waitpid(launcher, &status, 0);
  }
  ASSERT_NE(code, -1) << "the job hung after a rank was killed\n" << nas::test::fileText(errFile);
  EXPECT_NE(code, 0) << nas::test::fileText(errFile);
  auto show = runCli("jobs show 1 --workspace " + ws + " --json");
  ASSERT_EQ(show.exitCode, 0) << show.err;
  const std::string status1 = Json::parse(show.out)["status"];
  // Failed (the all-reduce saw the closed connection) or cancelled (the launcher's SIGTERM was
  // seen first, between steps): either way it stopped at a checkpoint and can be resumed.
  EXPECT_TRUE(status1 == "failed" || status1 == "cancelled") << status1 << "\n" << nas::test::fileText(errFile);

  auto resumed = runCli("jobs resume 1 --nproc 2 --workspace " + ws + " --json");
  ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
  const Json r = Json::parse(resumed.out);
  EXPECT_EQ(r["status"], "done");
  EXPECT_TRUE(r.value("resumed", false)) << r.dump();
  EXPECT_EQ(r["ranks"], 2);
  EXPECT_EQ(r["rank_param_max_diff"].get<double>(), 0.0);
  fs::remove_all(dir);
}
