// The queue: `nasstudio-cli worker` processes claim queued jobs atomically. Three workers
// drain thirty jobs with none run twice and none lost; a worker killed with SIGKILL mid-job
// has its job re-queued and finished by another worker; both at once (three workers, thirty
// jobs, one of them killed mid-job).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "CliRunner.h"
#include "common/Json.h"
#include "store/Workspace.h"

using nas::Json;
using nas::test::runCli;
namespace fs = std::filesystem;

namespace {

// Starts `nasstudio-cli worker ...` with stdout to `out`; returns its pid.
pid_t spawnWorker(const std::string& ws, const std::string& name, const std::string& out,
                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {NAS_CLI_PATH, "worker", "--workspace", ws, "--name", name, "--json",
                                   "--heartbeat-ms", "200", "--poll-ms", "100"};
  args.insert(args.end(), extra.begin(), extra.end());
  return nas::test::spawnProcess(args, out, out + ".err");
}

int waitExit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// True when no process holds the workspace's write lock (BEGIN IMMEDIATE succeeds within
// 200 ms).
bool writeLockFree(const std::string& ws) {
  sqlite3* db = nullptr;
  bool free = false;
  if (sqlite3_open_v2(ws.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 200);
    free = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    if (free) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  sqlite3_close(db);
  return free;
}

// SIGSTOPs `pid` (a child) at a moment it holds no write transaction, as a worker hanging in
// its training step would: stopped inside one it would keep the workspace locked for as long
// as it is stopped, and no worker could take its job over (SQLite cannot break the lock of a
// live process). Tries again a little later while the lock is held; false if it never is free.
bool stopOutsideAWrite(pid_t pid, const std::string& ws) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    ::kill(pid, SIGSTOP);
    int status = 0;
    ::waitpid(pid, &status, WUNTRACED);  // until it is really stopped
    if (writeLockFree(ws)) return true;
    ::kill(pid, SIGCONT);
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + 13 * (attempt % 7)));
  }
  return false;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nas-cli-worker-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ws_ = (dir_ / "ws.nasdb").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Queues a training job long enough for a kill or a stop to land mid-job; returns its id
  // (0 after a failure, reported).
  long long queueLongTrainJob() {
    auto created = runCli(
        // ~1,400 steps, ~8 s on a quiet core: the kill must land mid-job. With 4 epochs (1.4 s)
        // the job sometimes finished between the poll that saw its checkpoint and the kill.
        "run train --detach --param dataset=synthetic --param epochs=24 --param train_limit=1024 --param channels=4 "
        "--param cells=1 --param batch_size=16 --param checkpoint_every=4 --param threads=1 --workspace " + ws_ +
        " --json");
    if (created.exitCode != 0) {
      ADD_FAILURE() << created.err;
      return 0;
    }
    return Json::parse(created.out)["job_id"].get<long long>();
  }
  // Queues `n` small tabular searches (seeds from `firstSeed`); returns their ids.
  std::set<long long> queueSmallSearches(int n, int firstSeed = 0) {
    std::set<long long> ids;
    auto ws = nas::Workspace::open(ws_);
    for (int i = 0; i < n; ++i)
      ids.insert(ws->createJob("tabular-search",
                               Json{{"method", "tabular-search"},
                                    {"params", {{"strategy", "random"}, {"queries", 5}, {"seed", firstSeed + i}}}}
                                   .dump()));
    return ids;
  }
  fs::path dir_;
  std::string ws_;
};

}  // namespace

TEST_F(CliWorkerTest, ThreeWorkersDrainThirtyJobsEachRunOnce) {
  constexpr int kJobs = 30;
  std::set<long long> ids = queueSmallSearches(kJobs);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<pid_t> workers;
  for (int w = 0; w < 3; ++w)
    workers.push_back(spawnWorker(ws_, "w" + std::to_string(w), (dir_ / ("w" + std::to_string(w))).string(),
                                  {"--exit-when-idle"}));
  int total = 0;
  for (int w = 0; w < 3; ++w) {
    ASSERT_GT(workers[w], 0);
    EXPECT_EQ(waitExit(workers[w]), 0) << slurp((dir_ / ("w" + std::to_string(w) + ".err")).string());
    const Json r = Json::parse(slurp((dir_ / ("w" + std::to_string(w))).string()), nullptr, false);
    ASSERT_TRUE(r.is_object()) << slurp((dir_ / ("w" + std::to_string(w))).string());
    EXPECT_EQ(r["failed"], 0);
    total += r["jobs"].get<int>();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(total, kJobs);  // no job run twice, none left behind
  auto ws = nas::Workspace::open(ws_);
  std::map<std::string, int> perWorker;
  for (const auto& j : ws->jobs()) {
    EXPECT_EQ(j.status, nas::JobStatus::Done) << j.id << " " << j.error;
    EXPECT_EQ(j.attempts, 1) << "job " << j.id << " was started more than once";
    int starts = 0;
    for (const auto& l : ws->jobLog(j.id)) starts += l.line.rfind("started by worker", 0) == 0;
    EXPECT_EQ(starts, 1) << j.id;
    ++perWorker[j.worker];
    ids.erase(j.id);
  }
  EXPECT_TRUE(ids.empty());
  std::cout << "[ info ] 3 workers drained " << kJobs << " jobs in " << seconds << " s:";
  for (const auto& [w, n] : perWorker) std::cout << " " << w << "=" << n;
  std::cout << "\n";
}

TEST_F(CliWorkerTest, KilledWorkersJobIsFinishedByAnother) {
  const long long id = queueLongTrainJob();
  ASSERT_GT(id, 0);
  const pid_t first = spawnWorker(ws_, "first", (dir_ / "first").string());
  ASSERT_GT(first, 0);
  bool checkpointed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (!checkpointed && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto show = runCli("jobs show " + std::to_string(id) + " --workspace " + ws_ + " --json");
    if (show.exitCode != 0) continue;
    const Json j = Json::parse(show.out, nullptr, false);
    checkpointed = j.is_object() && j["worker"] == "first" && !j["artifacts"].empty() &&
                   j["progress"].get<double>() > 0.1;
  }
  ::kill(first, SIGKILL);
  waitExit(first);
  ASSERT_TRUE(checkpointed) << slurp((dir_ / "first.err").string());
  const auto killed = runCli("jobs show " + std::to_string(id) + " --workspace " + ws_ + " --json");
  ASSERT_EQ(killed.exitCode, 0) << killed.err;
  ASSERT_NE(Json::parse(killed.out)["status"], "done") << "the job finished before the kill: lengthen it";

  const pid_t second = spawnWorker(ws_, "second", (dir_ / "second").string(), {"--exit-when-idle"});
  ASSERT_GT(second, 0);
  EXPECT_EQ(waitExit(second), 0) << slurp((dir_ / "second.err").string());
  const Json r = Json::parse(slurp((dir_ / "second").string()), nullptr, false);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["done"], 1);

  const auto show = runCli("jobs show " + std::to_string(id) + " --workspace " + ws_ + " --json");
  ASSERT_EQ(show.exitCode, 0) << show.err;
  const Json j = Json::parse(show.out);
  EXPECT_EQ(j["status"], "done");
  EXPECT_EQ(j["worker"], "second");
  EXPECT_EQ(j["attempts"], 2);
  EXPECT_TRUE(j["result"].value("resumed", false)) << j.dump();
  const auto log = runCli("jobs log " + std::to_string(id) + " --workspace " + ws_);
  EXPECT_NE(log.out.find("interrupted"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("started by worker second"), std::string::npos) << log.out;
}

// Both at once: three workers drain thirty queued jobs; the one that runs the long job is
// killed with SIGKILL mid-job and another finishes that job. Nothing is timed: the kill waits
// until the workspace shows the long job running with a checkpoint, and the worker is first
// stopped (SIGSTOP) and the job seen still running, so the kill lands mid-job for certain.
TEST_F(CliWorkerTest, ThreeWorkersDrainThirtyJobsWhileOneIsKilledMidJob) {
  constexpr int kJobs = 30;
  const long long longJob = queueLongTrainJob();  // first in the queue: claimed at once
  ASSERT_GT(longJob, 0);
  std::set<long long> ids = queueSmallSearches(kJobs - 1);
  ids.insert(longJob);
  ASSERT_EQ(ids.size(), static_cast<size_t>(kJobs));

  // No --exit-when-idle: the survivors must still be polling when the killed worker's job is
  // re-queued. They are stopped with SIGTERM once the workspace shows every job done.
  std::map<std::string, pid_t> workers;
  for (int w = 0; w < 3; ++w) {
    const std::string name = "w" + std::to_string(w);
    workers[name] = spawnWorker(ws_, name, (dir_ / name).string());
    ASSERT_GT(workers[name], 0);
  }
  auto out = [&](const std::string& name) { return slurp((dir_ / name).string()); };
  auto err = [&](const std::string& name) { return slurp((dir_ / (name + ".err")).string()); };
  auto readJob = [&](long long id) -> std::optional<nas::JobRecord> {
    try {
      return nas::Workspace::open(ws_, nas::Workspace::Mode::ReadOnly)->job(id);
    } catch (const std::exception&) {
      return std::nullopt;  // busy: ask again at the next poll
    }
  };

  // The long job running on one of the workers, with a checkpoint to resume from.
  std::string victim;
  const auto seen = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (victim.empty() && std::chrono::steady_clock::now() < seen) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto j = readJob(longJob);
    if (j && j->status == nas::JobStatus::Running && workers.count(j->worker) &&
        !nas::Workspace::open(ws_, nas::Workspace::Mode::ReadOnly)->artifacts(longJob).empty())
      victim = j->worker;
  }
  ASSERT_FALSE(victim.empty()) << "the long job was never seen running with a checkpoint";
  const pid_t victimPid = workers[victim];
  ::kill(victimPid, SIGSTOP);
  int status = 0;
  ::waitpid(victimPid, &status, WUNTRACED);  // really stopped: it cannot finish the job now
  std::optional<nas::JobRecord> stopped;
  for (int i = 0; i < 100 && !stopped; ++i) stopped = readJob(longJob);
  ASSERT_TRUE(stopped.has_value());
  ASSERT_EQ(stopped->status, nas::JobStatus::Running) << "the long job ended before the stop: lengthen it";
  ::kill(victimPid, SIGKILL);  // releases any write lock it held
  ::waitpid(victimPid, &status, 0);  // reaped: its pid no longer answers, the job counts as orphaned
  workers.erase(victim);

  // Every job done (the killed worker's re-queued and finished by a survivor).
  auto allDone = [&] {
    try {
      const auto jobs = nas::Workspace::open(ws_, nas::Workspace::Mode::ReadOnly)->jobs();
      return jobs.size() == static_cast<size_t>(kJobs) &&
             std::all_of(jobs.begin(), jobs.end(), [](const nas::JobRecord& j) {
               return j.status == nas::JobStatus::Done || j.status == nas::JobStatus::Failed;
             });
    } catch (const std::exception&) {
      return false;
    }
  };
  const auto drained = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  while (!allDone() && std::chrono::steady_clock::now() < drained)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int survivorJobs = 0;
  for (const auto& [name, pid] : workers) {
    ::kill(pid, SIGTERM);
    EXPECT_EQ(waitExit(pid), 0) << err(name);
    const Json r = Json::parse(out(name), nullptr, false);
    ASSERT_TRUE(r.is_object()) << out(name) << err(name);
    EXPECT_EQ(r["failed"], 0) << err(name);
    survivorJobs += r["jobs"].get<int>();
  }
  ASSERT_TRUE(allDone()) << "not every job finished";

  auto ws = nas::Workspace::open(ws_);
  int doneByVictim = 0;
  for (const auto& j : ws->jobs()) {
    EXPECT_EQ(j.status, nas::JobStatus::Done) << j.id << " " << j.error;
    int starts = 0;
    for (const auto& l : ws->jobLog(j.id)) starts += l.line.rfind("started by worker", 0) == 0;
    if (j.id == longJob) {
      EXPECT_NE(j.worker, victim) << "the killed worker's job must be finished by another";
      EXPECT_EQ(j.attempts, 2);
      EXPECT_EQ(starts, 2);
      EXPECT_TRUE(Json::parse(j.resultJson).value("resumed", false)) << j.resultJson;
    } else {
      EXPECT_EQ(j.attempts, 1) << "job " << j.id << " was started more than once";
      EXPECT_EQ(starts, 1) << j.id;
      doneByVictim += j.worker == victim;
    }
    ids.erase(j.id);
  }
  EXPECT_TRUE(ids.empty()) << "jobs lost";
  // Each job finished once: by the killed worker before the kill, or by a survivor.
  EXPECT_EQ(doneByVictim + survivorJobs, kJobs);
  std::string log;
  for (const auto& l : ws->jobLog(longJob)) log += l.line + "\n";
  EXPECT_NE(log.find("interrupted"), std::string::npos) << log;
}

TEST_F(CliWorkerTest, WorkspaceMergeTwiceIsOnce) {
  const std::string remote = (dir_ / "remote.nasdb").string();
  auto made = runCli("run tabular-search --param queries=5 --workspace " + remote + " --json");
  ASSERT_EQ(made.exitCode, 0) << made.err;
  auto first = runCli("workspace merge " + remote + " " + ws_ + " --json");
  ASSERT_EQ(first.exitCode, 0) << first.err;
  EXPECT_EQ(Json::parse(first.out)["jobs_added"], 1);
  EXPECT_GT(Json::parse(first.out)["log_lines_copied"].get<int>(), 0);
  auto second = runCli("workspace merge " + remote + " " + ws_ + " --json");
  ASSERT_EQ(second.exitCode, 0) << second.err;
  const Json s = Json::parse(second.out);
  EXPECT_EQ(s["jobs_added"], 0);
  EXPECT_EQ(s["jobs_unchanged"], 1);
  EXPECT_EQ(s["evaluations_added"], 0);
  EXPECT_EQ(s["architectures_added"], 0);
  auto list = runCli("jobs list --workspace " + ws_ + " --json");
  EXPECT_EQ(Json::parse(list.out)["jobs"].size(), 1u);
  auto missing = runCli("workspace merge " + (dir_ / "nope.nasdb").string() + " " + ws_);
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_NE(missing.err.find("nope.nasdb"), std::string::npos) << missing.err;
}

// A worker that hangs (SIGSTOP: its process exists, its heartbeats stop) loses its job to
// another worker once the heartbeat is older than --stale-after; woken up, it records nothing
// over the job the other finished.
TEST_F(CliWorkerTest, AHungWorkersJobIsTakenOverAfterItsHeartbeatGoesStale) {
  const long long id = queueLongTrainJob();
  ASSERT_GT(id, 0);
  const pid_t hung = spawnWorker(ws_, "hung", (dir_ / "hung").string());
  ASSERT_GT(hung, 0);
  bool running = false;
  // Generous: on a loaded machine (a build next to the suite) the worker starts slowly. Any
  // point after the first checkpoint is mid-job; 10 % leaves most of the job to take over.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (!running && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto show = runCli("jobs show " + std::to_string(id) + " --workspace " + ws_ + " --json");
    const Json j = Json::parse(show.out, nullptr, false);
    running = j.is_object() && j["worker"] == "hung" && !j["artifacts"].empty() && j["progress"].get<double>() > 0.1;
  }
  ASSERT_TRUE(running) << slurp((dir_ / "hung.err").string());
  ASSERT_TRUE(stopOutsideAWrite(hung, ws_)) << "the workspace stayed locked";

  const pid_t other = spawnWorker(ws_, "other", (dir_ / "other").string(), {"--max-jobs", "1", "--stale-after", "2"});
  ASSERT_GT(other, 0);
  EXPECT_EQ(waitExit(other), 0) << slurp((dir_ / "other.err").string());
  ::kill(hung, SIGCONT);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // its heartbeat finds the job gone
  ::kill(hung, SIGTERM);
  EXPECT_EQ(waitExit(hung), 0) << slurp((dir_ / "hung.err").string());

  const Json j = Json::parse(runCli("jobs show " + std::to_string(id) + " --workspace " + ws_ + " --json").out);
  EXPECT_EQ(j["status"], "done");
  EXPECT_EQ(j["worker"], "other");
  EXPECT_EQ(j["attempts"], 2);
  EXPECT_TRUE(j["result"].value("resumed", false)) << j.dump();
  const auto log = runCli("jobs log " + std::to_string(id) + " --workspace " + ws_);
  EXPECT_NE(log.out.find("no heartbeat"), std::string::npos) << log.out;
}
