// JobService: the state rules as a table (state x action -> allowed, new state), liveness,
// atomic claims from several connections, reaping of dead workers, and the runner's use of
// them (heartbeats, log lines, a job taken over by another worker).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "FakeMethods.h"
#include "jobs/JobRunner.h"
#include "jobs/JobService.h"
#include "store/Workspace.h"

using namespace nas;
namespace fs = std::filesystem;

namespace {

class JobServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nas-jobservice-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "ws.nasdb").string();
    ws_ = Workspace::open(path_);
    registry_.add(std::make_unique<test::CountingMethod>());
  }
  void TearDown() override {
    ws_.reset();
    fs::remove_all(dir_);
  }
  JobId submitCount(int steps, int sleepMs = 0) {
    return JobService(*ws_).submit(registry_, Json{{"method", "count"}, {"params", {{"steps", steps}, {"sleep_ms", sleepMs}}}});
  }
  static Workspace::WorkerRef worker(const std::string& id, std::int64_t pid = 0, const std::string& host = {}) {
    return Workspace::WorkerRef{id, host.empty() ? thisHostName() : host, pid};
  }

  fs::path dir_;
  std::string path_;
  std::unique_ptr<Workspace> ws_;
  MethodRegistry registry_;
};

struct Cell {
  bool allowed;
  JobStatus to;
};

}  // namespace

// The whole table, written out: a change of a rule must change this test.
TEST(JobRules, StateTimesActionTable) {
  using S = JobStatus;
  const Cell no{false, S::Queued};
  auto yes = [](S to) { return Cell{true, to}; };
  // Columns: Claim, Start, Heartbeat, RequestCancel, Finish, Fail, AckCancel, Interrupt, Requeue, Delete
  const std::map<S, std::vector<Cell>> table = {
      {S::Queued, {yes(S::Running), yes(S::Running), no, yes(S::Cancelled), no, no, no, no, no, yes(S::Queued)}},
      {S::Running,
       {no, no, yes(S::Running), yes(S::Running), yes(S::Done), yes(S::Failed), yes(S::Cancelled), no, no, no}},
      {S::Done, {no, no, no, no, no, no, no, no, no, yes(S::Done)}},
      {S::Failed, {no, yes(S::Running), no, no, no, no, no, no, yes(S::Queued), yes(S::Failed)}},
      {S::Cancelled, {no, yes(S::Running), no, no, no, no, no, no, yes(S::Queued), yes(S::Cancelled)}},
      {S::Interrupted,
       {no, yes(S::Running), no, yes(S::Cancelled), no, no, no, yes(S::Interrupted), yes(S::Queued),
        yes(S::Interrupted)}},
  };
  ASSERT_EQ(table.size(), std::size(kAllJobStatuses));
  for (S from : kAllJobStatuses) {
    const auto& row = table.at(from);
    ASSERT_EQ(row.size(), std::size(kAllJobActions));
    for (std::size_t i = 0; i < row.size(); ++i) {
      const JobAction a = kAllJobActions[i];
      const JobTransition t = jobTransition(from, a);
      SCOPED_TRACE(std::string(jobStatusName(from)) + " x " + jobActionName(a));
      EXPECT_EQ(t.allowed, row[i].allowed);
      if (t.allowed) EXPECT_EQ(t.to, row[i].to);
      else EXPECT_STRNE(t.why, "") << "a refusal says why";
    }
  }
}

TEST(JobRules, LivenessIsPidOnThisHostAndHeartbeatEverywhere) {
  JobLiveness live;
  live.staleAfterSeconds = 10;
  bool pidAlive = true;
  live.probe = [&](std::int64_t) { return pidAlive; };
  JobRecord r;
  r.status = JobStatus::Running;
  r.pid = 1234;
  r.host = thisHostName();
  const double now = 1000;
  EXPECT_TRUE(live.workerAlive(r, now));  // no heartbeat yet (old worker): the pid decides
  pidAlive = false;
  EXPECT_FALSE(live.workerAlive(r, now));
  EXPECT_EQ(live.effectiveStatus(r, now), JobStatus::Interrupted);
  r.host = "another-machine";  // its pid means nothing here: only the heartbeat counts
  r.heartbeatAt = now - 5;
  EXPECT_TRUE(live.workerAlive(r, now));
  r.heartbeatAt = now - 11;
  EXPECT_FALSE(live.workerAlive(r, now));
  r.status = JobStatus::Failed;
  EXPECT_EQ(live.effectiveStatus(r, now), JobStatus::Failed);  // only running jobs are judged
  // The real probe: this process exists, a pid far above pid_max does not.
  EXPECT_TRUE(processAlive(::getpid()));
  EXPECT_FALSE(processAlive(0x7ffffff0));
}

TEST_F(JobServiceTest, SubmitValidatesAndClaimTakesTheOldestQueued) {
  JobService svc(*ws_);
  EXPECT_THROW(svc.submit(registry_, Json{{"method", "nope"}}), Error);
  EXPECT_THROW(svc.submit(registry_, Json{{"method", "count"}, {"params", {{"steps", 0}}}}), Error);
  const JobId a = submitCount(3), b = submitCount(3);
  // The stored spec: resolved parameters, and how views present the job, from the method.
  const Json spec = Json::parse(ws_->job(a).specJson);
  EXPECT_EQ(spec.at("params").at("steps"), 3);
  EXPECT_EQ(spec.at("result_kinds"), Json::array({"counts"}));
  EXPECT_EQ(spec.at("title_params"), Json::array({"steps"}));
  EXPECT_NE(ws_->job(a).uid, ws_->job(b).uid);
  EXPECT_EQ(ws_->job(a).uid.size(), 32u);
  auto first = svc.claim(worker("w1", ::getpid()));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, a);
  EXPECT_EQ(first->status, JobStatus::Running);
  EXPECT_EQ(first->worker, "w1");
  EXPECT_EQ(first->attempts, 1);
  EXPECT_GT(first->heartbeatAt, 0);
  EXPECT_EQ(svc.claim(worker("w2", ::getpid()))->id, b);
  EXPECT_FALSE(svc.claim(worker("w3", ::getpid())));
}

TEST_F(JobServiceTest, ClaimsFromManyConnectionsNeverHandOutAJobTwice) {
  constexpr int kJobs = 40, kThreads = 4;
  for (int i = 0; i < kJobs; ++i) submitCount(1);
  std::mutex m;
  std::vector<JobId> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto ws = Workspace::open(path_);  // one connection per thread, like separate workers
      JobService svc(*ws);
      while (auto job = svc.claim(worker("t" + std::to_string(t), ::getpid()))) {
        std::lock_guard<std::mutex> lock(m);
        claimed.push_back(job->id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<JobId> unique(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(unique.size(), static_cast<size_t>(kJobs));
}

TEST_F(JobServiceTest, StartRefusesARunningJobAndResumesAnInterruptedOne) {
  JobService svc(*ws_);
  const JobId id = submitCount(3);
  svc.start(id, worker("w1", ::getpid()));
  try {
    svc.start(id, worker("w2", ::getpid()));
    FAIL() << "started twice";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("still running (worker w1)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(svc.requeue(id), Error);
  EXPECT_THROW(svc.remove(id), Error);
  // The worker dies: the job is effectively interrupted and may be started again.
  ws_->takeJob(id, {JobStatus::Running}, worker("w1", 0x7ffffff0));
  EXPECT_EQ(svc.effectiveStatus(ws_->job(id)), JobStatus::Interrupted);
  const JobRecord again = svc.start(id, worker("w2", ::getpid()));
  EXPECT_EQ(again.worker, "w2");
  EXPECT_EQ(again.status, JobStatus::Running);
  // Done is final.
  ASSERT_TRUE(svc.finish(id, "w2", JobStatus::Done));
  EXPECT_THROW(svc.start(id, worker("w3")), Error);
  EXPECT_THROW(svc.requestCancel(id), Error);
}

TEST_F(JobServiceTest, CancelIsImmediateWithoutAWorkerAndAFlagWithOne) {
  JobService svc(*ws_);
  const JobId queued = submitCount(3), running = submitCount(3);
  EXPECT_EQ(svc.requestCancel(queued).status, JobStatus::Cancelled);
  EXPECT_EQ(ws_->job(queued).status, JobStatus::Cancelled);
  svc.start(running, worker("w1", ::getpid()));
  auto r = svc.requestCancel(running);
  EXPECT_TRUE(r.requested);
  EXPECT_EQ(ws_->job(running).status, JobStatus::Running);
  EXPECT_TRUE(ws_->job(running).cancelRequested);
  EXPECT_TRUE(svc.finish(running, "w1", JobStatus::Cancelled));
  EXPECT_EQ(ws_->job(running).status, JobStatus::Cancelled);
  // Requeue: back in the queue, flag cleared.
  svc.requeue(running);
  EXPECT_EQ(ws_->job(running).status, JobStatus::Queued);
  EXPECT_FALSE(ws_->job(running).cancelRequested);
}

TEST_F(JobServiceTest, OnlyTheWorkerThatHoldsAJobFinishesIt) {
  JobService svc(*ws_);
  const JobId id = submitCount(3);
  svc.start(id, worker("w1", ::getpid()));
  EXPECT_FALSE(svc.finish(id, "someone-else", JobStatus::Done));
  EXPECT_EQ(ws_->job(id).status, JobStatus::Running);
  EXPECT_TRUE(svc.heartbeat(id, "w1"));
  EXPECT_FALSE(svc.heartbeat(id, "someone-else"));
  const Json result{{"x", 1}};
  EXPECT_TRUE(svc.finish(id, "w1", JobStatus::Done, "", &result));
  EXPECT_EQ(Json::parse(ws_->job(id).resultJson)["x"], 1);
  EXPECT_FALSE(svc.heartbeat(id, "w1"));  // not running any more
}

TEST_F(JobServiceTest, ReapRequeuesJobsOfDeadWorkersUpToMaxAttempts) {
  JobLiveness live;
  live.staleAfterSeconds = 1000;
  JobService svc(*ws_, live);
  const JobId alive = submitCount(3), dead = submitCount(3), cancelled = submitCount(3);
  svc.start(alive, worker("alive", ::getpid()));
  svc.start(dead, worker("dead", 0x7ffffff0));
  svc.start(cancelled, worker("dead2", 0x7ffffff0));
  ws_->requestCancel(cancelled);
  auto reaped = svc.reap(true, 2);
  EXPECT_EQ(reaped.requeued, std::vector<JobId>{dead});
  EXPECT_EQ(reaped.interrupted, std::vector<JobId>{cancelled});
  EXPECT_EQ(ws_->job(alive).status, JobStatus::Running);
  EXPECT_EQ(ws_->job(dead).status, JobStatus::Queued);
  EXPECT_EQ(ws_->job(cancelled).status, JobStatus::Cancelled);  // the dead worker had been asked to stop
  EXPECT_FALSE(ws_->jobLog(dead).empty());                       // the log says what happened
  // A second crash uses the last attempt: the job stays interrupted.
  auto again = svc.claim(worker("dead", 0x7ffffff0));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 2);
  reaped = svc.reap(true, 2);
  EXPECT_EQ(reaped.interrupted, std::vector<JobId>{dead});
  EXPECT_EQ(ws_->job(dead).status, JobStatus::Interrupted);
  // A stale heartbeat on another host counts as dead too.
  ASSERT_TRUE(svc.finish(alive, "alive", JobStatus::Done));
  const JobId remote = submitCount(3);
  svc.start(remote, worker("remote", 1, "elsewhere"));
  JobLiveness strict;
  strict.staleAfterSeconds = -1;  // every heartbeat is too old
  EXPECT_EQ(JobService(*ws_, strict).reap(false).interrupted, std::vector<JobId>{remote});
}

TEST_F(JobServiceTest, RunnerHeartbeatsAndWritesTheLog) {
  const JobId id = submitCount(8, 40);
  RunnerOptions opts;
  opts.heartbeatInterval = std::chrono::milliseconds(30);
  opts.worker = JobService::thisProcess("runner-under-test");
  const double before = nowUnixSeconds();
  JobOutcome out = runJob(registry_, path_, id, nullptr, CancelToken(), opts);
  ASSERT_EQ(out.status, JobStatus::Done) << out.error;
  const JobRecord job = ws_->job(id);
  EXPECT_EQ(job.worker, "runner-under-test");
  EXPECT_GT(job.heartbeatAt, before);
  EXPECT_GT(job.heartbeatAt, job.startedAt) << "the heartbeat thread stamped while the method ran";
  const auto lines = ws_->jobLog(id);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_NE(lines.front().line.find("started by worker runner-under-test"), std::string::npos);
  EXPECT_NE(lines.back().line.find("done"), std::string::npos);
  EXPECT_EQ(ws_->jobLogSince(0).size(), lines.size());
  EXPECT_EQ(ws_->lastJobLogId(), lines.back().id);
  ws_->deleteJob(id);
  EXPECT_TRUE(ws_->jobLog(id).empty());
}

TEST_F(JobServiceTest, ARunnerWhoseJobWasTakenOverStopsWithoutRecording) {
  const JobId id = submitCount(200, 10);
  std::thread thief([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto ws = Workspace::open(path_);
    ws->takeJob(id, {JobStatus::Running}, worker("thief", ::getpid()));
  });
  RunnerOptions opts;
  opts.heartbeatInterval = std::chrono::milliseconds(50);
  JobOutcome out = runJob(registry_, path_, id, nullptr, CancelToken(), opts);
  thief.join();
  EXPECT_EQ(out.status, JobStatus::Cancelled);
  const JobRecord job = ws_->job(id);
  EXPECT_EQ(job.worker, "thief");
  EXPECT_EQ(job.status, JobStatus::Running);  // the thief's, untouched
}

TEST_F(JobServiceTest, WorkerLoopDrainsTheQueue) {
  for (int i = 0; i < 5; ++i) submitCount(2);
  WorkerOptions opts;
  opts.exitWhenIdle = true;
  std::vector<std::string> events;
  WorkerReport report = runWorker(registry_, path_, opts, nullptr, CancelToken(),
                                  [&](const std::string& line) { events.push_back(line); });
  EXPECT_EQ(report.jobs, 5);
  EXPECT_EQ(report.done, 5);
  for (const auto& j : ws_->jobs()) EXPECT_EQ(j.status, JobStatus::Done);
  opts.exitWhenIdle = false;
  opts.maxJobs = 1;
  submitCount(1);
  submitCount(1);
  report = runWorker(registry_, path_, opts, nullptr, CancelToken());
  EXPECT_EQ(report.jobs, 1);
  EXPECT_EQ(ws_->jobs().front().status, JobStatus::Queued);  // the newest waits
}
