// Launched by torchrun itself (issue 18): the ranks read torchrun's environment (RANK,
// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), not variables `--nproc` set. Skipped where
// torchrun (Debian's python3-torch) or Gloo is missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "CliRunner.h"
#include "common/Json.h"

using nas::Json;
using nas::test::runCli;

namespace {

// torchrun on the PATH, or empty.
std::string torchrunPath() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  for (std::size_t begin = 0; begin <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', begin), dirs.size());
    const std::filesystem::path candidate = std::filesystem::path(dirs.substr(begin, end - begin)) / "torchrun";
    if (end > begin && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    begin = end + 1;
  }
  return {};
}

}  // namespace

TEST(CliTorchrun, TwoRanksStartedByTorchrunRunOneJob) {
  if (!nas::test::infoSays("distributed")) GTEST_SKIP() << "built without Gloo";
  const std::string torchrun = torchrunPath();
  if (torchrun.empty()) GTEST_SKIP() << "no torchrun on the PATH (Debian: python3-torch)";
  const nas::test::ScopedEnv timeout("NAS_DIST_TIMEOUT_S", "60");
  nas::test::ScratchDir dir("nas-cli-torchrun");
  const std::string ws = dir.file("ws.nasdb");
  // --standalone: a rendezvous on a free local port. --redirects 2 --tee 1: Debian's torchrun
  // 1.13 reads its default "0" as no setting under Python 3.11 and stops before starting the
  // ranks; any non-zero setting avoids that (README, "Many processes").
  const std::string cmd = torchrun +
                          " --standalone --redirects 2 --tee 1 --nproc_per_node 2 --no_python " +
                          nas::test::cliPath() +
                          " run train --param dataset=synthetic --param train_limit=1024 --param channels=4"
                          " --param cells=1 --param batch_size=16 --param threads=1 --param epochs=1 --workspace " +
                          ws + " --json >" + dir.file("torchrun.out") + " 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "torchrun: status " << status;

  const auto list = runCli("jobs list --workspace " + ws + " --json");
  ASSERT_EQ(list.exitCode, 0) << list.err;
  const Json jobs = Json::parse(list.out)["jobs"];
  ASSERT_EQ(jobs.size(), 1u) << "only rank 0 writes the workspace";
  const Json result = nas::test::storedResult(ws, Json{{"job_id", jobs[0]["id"]}});
  EXPECT_EQ(result["ranks"], 2) << result.dump();
  EXPECT_EQ(result["rank_param_max_diff"].get<double>(), 0.0);
  EXPECT_EQ(result["train_images"].get<long long>(), 922) << "every image of the global batches counted once";
}
