// `worker --nproc 2` (issue 18): the worker claims each job as always and runs a data-parallel
// one as rank 0 with a second rank it starts for that job; a job without data-parallel training
// starts no rank. Gloo's timeout is 600 s and the worker gets at most 240 s: a rank left waiting
// fails the test instead of passing late.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <gtest/gtest.h>

#include "CliRunner.h"
#include "common/Json.h"

using nas::Json;
using nas::test::runCli;
using nas::test::ScratchDir;
using nas::test::exitCodeWithin;
using nas::test::fileText;

namespace {

const std::string kTrain =
    "--param dataset=synthetic --param channels=4 --param cells=1 --param batch_size=16 --param threads=1 "
    "--param checkpoint_every=4";

long long queue(const std::string& ws, const std::string& methodAndParams) {
  const auto r = runCli("run " + methodAndParams + " --detach --workspace " + ws + " --json");
  if (r.exitCode != 0) {
    ADD_FAILURE() << r.err;
    return 0;
  }
  return Json::parse(r.out)["job_id"].get<long long>();
}

Json job(const std::string& ws, long long id) {
  const auto show = runCli("jobs show " + std::to_string(id) + " --workspace " + ws + " --json");
  const Json j = Json::parse(show.out, nullptr, false);
  return j.is_object() ? j : Json::object();
}

// The worker's exit code, or -1 when it had not ended within 240 s (it is then killed).
int workerExit(pid_t pid) { return exitCodeWithin(pid, std::chrono::seconds(240)); }

pid_t startWorker(const ScratchDir& dir, const std::string& ws) {
  return nas::test::spawnProcess({nas::test::cliPath(), "worker", "--nproc", "2", "--exit-when-idle", "--poll-ms", "100",
                                  "--workspace", ws, "--json"},
                                 dir.file("out"), dir.file("err"));
}

// True while `pid` exists and is not a zombie (an orphan waits for its reaper a moment, and a
// container's first process may never reap it).
bool runningProcess(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  const auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

}  // namespace

TEST(CliWorkerRanks, DrainsTrainJobsOverTwoRanksAndATabularSearchInOne) {
  if (!nas::test::infoSays("distributed")) GTEST_SKIP() << "built without Gloo";
  const nas::test::ScopedEnv longTimeout("NAS_DIST_TIMEOUT_S", "600");
  ScratchDir dir("nas-cli-workerranks");
  const std::string ws = dir.file("ws.nasdb");
  const long long train = queue(ws, "train " + kTrain + " --param train_limit=128 --param epochs=1");
  const long long search = queue(ws, "tabular-search --param queries=5");
  // A second data-parallel job: the worker makes a new group (new port, new rank) per job.
  const long long train2 = queue(ws, "train " + kTrain + " --param train_limit=128 --param epochs=1 --param seed=1");
  ASSERT_GT(train, 0);
  ASSERT_GT(search, 0);
  ASSERT_GT(train2, 0);

  const pid_t worker = startWorker(dir, ws);
  ASSERT_GT(worker, 0);
  const int code = workerExit(worker);
  ASSERT_EQ(code, 0) << fileText(dir.file("err"));
  const Json counts = Json::parse(fileText(dir.file("out")), nullptr, false);
  ASSERT_TRUE(counts.is_object()) << fileText(dir.file("out"));
  EXPECT_EQ(counts["jobs"], 3);
  EXPECT_EQ(counts["done"], 3) << fileText(dir.file("err"));

  for (const long long id : {train, train2}) {
    const Json t = job(ws, id);
    EXPECT_EQ(t.value("status", ""), "done");
    ASSERT_TRUE(t.contains("result")) << t.dump();
    EXPECT_EQ(t["result"]["ranks"], 2);
    EXPECT_EQ(t["result"]["rank_param_max_diff"].get<double>(), 0.0);
    EXPECT_EQ(t.value("attempts", 0), 1) << "one claim per job";
  }
  const Json s = job(ws, search);
  EXPECT_EQ(s.value("status", ""), "done");
  EXPECT_EQ(s.value("attempts", 0), 1);
  // The worker names the ranks it starts: one for the train job, none for the search.
  const std::string err = fileText(dir.file("err"));
  EXPECT_NE(err.find("job " + std::to_string(train) + ": rank 1 of 2"), std::string::npos) << err;
  EXPECT_NE(err.find("job " + std::to_string(train2) + ": rank 1 of 2"), std::string::npos) << err;
  EXPECT_EQ(err.find("job " + std::to_string(search) + ": rank 1"), std::string::npos) << err;
}

TEST(CliWorkerRanks, CancelledJobStopsItsRanksAndTheWorkerGoesOn) {
  if (!nas::test::infoSays("distributed")) GTEST_SKIP() << "built without Gloo";
  const nas::test::ScopedEnv longTimeout("NAS_DIST_TIMEOUT_S", "600");
  ScratchDir dir("nas-cli-workerranks-cancel");
  const std::string ws = dir.file("ws.nasdb");
  // 200 epochs: the cancel always comes long before the end.
  const long long train = queue(ws, "train " + kTrain + " --param train_limit=1024 --param epochs=200");
  ASSERT_GT(train, 0);
  const pid_t worker = startWorker(dir, ws);
  ASSERT_GT(worker, 0);
  bool training = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (!training && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const Json j = job(ws, train);
    training = j.value("status", "") == "running" && j.value("progress", 0.0) > 0.002;
  }
  ASSERT_TRUE(training) << fileText(dir.file("err"));
  ASSERT_EQ(runCli("jobs cancel " + std::to_string(train) + " --workspace " + ws).exitCode, 0);
  const int code = workerExit(worker);
  ASSERT_EQ(code, 0) << "the worker did not end after the cancel\n" << fileText(dir.file("err"));
  const Json counts = Json::parse(fileText(dir.file("out")), nullptr, false);
  ASSERT_TRUE(counts.is_object()) << fileText(dir.file("out"));
  EXPECT_EQ(counts["cancelled"], 1);
  EXPECT_EQ(job(ws, train).value("status", ""), "cancelled");
  // Rank 1 stopped with rank 0 at the same step: it exited 0 (else the worker says how it ended).
  EXPECT_EQ(fileText(dir.file("err")).find("rank pid"), std::string::npos) << fileText(dir.file("err"));
}

// A `worker --nproc 2` killed mid-job takes its rank along (it dies with the worker), and the
// job is re-queued as any dead worker's and resumed from its checkpoint by the next worker.
TEST(CliWorkerRanks, KilledWorkerTakesItsRankAlongAndItsJobResumes) {
  if (!nas::test::infoSays("distributed")) GTEST_SKIP() << "built without Gloo";
  const nas::test::ScopedEnv longTimeout("NAS_DIST_TIMEOUT_S", "600");
  ScratchDir dir("nas-cli-workerranks-kill");
  const std::string ws = dir.file("ws.nasdb");
  const long long train = queue(ws, "train " + kTrain + " --param train_limit=512 --param epochs=10");
  ASSERT_GT(train, 0);
  const pid_t worker =
      nas::test::spawnProcess({nas::test::cliPath(), "worker", "--nproc", "2", "--heartbeat-ms", "200", "--workspace", ws,
                               "--json"},
                              dir.file("out"), dir.file("err"));
  ASSERT_GT(worker, 0);
  // A checkpoint a little into the run, and the pid of the rank the worker started.
  pid_t rank1 = 0;
  bool checkpointed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (!(checkpointed && rank1 > 0) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::string err = fileText(dir.file("err"));
    const auto at = err.find(": rank 1 of 2: pid ");
    if (at != std::string::npos) rank1 = std::atoi(err.c_str() + at + std::strlen(": rank 1 of 2: pid "));
    const Json j = job(ws, train);
    checkpointed = j.contains("artifacts") && !j["artifacts"].empty() && j.value("progress", 0.0) > 0.02;
  }
  ASSERT_GT(rank1, 0) << fileText(dir.file("err"));
  ASSERT_TRUE(checkpointed) << fileText(dir.file("err"));
  ::kill(worker, SIGKILL);
  int status = 0;
  ::waitpid(worker, &status, 0);
  bool rankGone = false;
  const auto goneBy = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!rankGone && std::chrono::steady_clock::now() < goneBy) {
    rankGone = !runningProcess(rank1);
    if (!rankGone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(rankGone) << "rank 1 (pid " << rank1 << ") outlived its worker";

  // The next worker re-queues the job once its heartbeat is stale and runs it to the end.
  const pid_t next = nas::test::spawnProcess({nas::test::cliPath(), "worker", "--nproc", "2", "--max-jobs", "1",
                                              "--stale-after", "1", "--poll-ms", "100", "--workspace", ws, "--json"},
                                             dir.file("out2"), dir.file("err2"));
  ASSERT_GT(next, 0);
  ASSERT_EQ(workerExit(next), 0) << fileText(dir.file("err2"));
  const Json t = job(ws, train);
  EXPECT_EQ(t.value("status", ""), "done") << fileText(dir.file("err2"));
  ASSERT_TRUE(t.contains("result")) << t.dump();
  EXPECT_TRUE(t["result"].value("resumed", false)) << t.dump();
  EXPECT_EQ(t["result"]["ranks"], 2);
  EXPECT_EQ(t["result"]["rank_param_max_diff"].get<double>(), 0.0);
  EXPECT_EQ(t.value("attempts", 0), 2);
}
