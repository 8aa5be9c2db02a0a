#include "jobs/JobRunner.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/Error.h"
#include "common/Log.h"
#include "jobs/JobService.h"
#include "jobs/Method.h"
#include "jobs/WorkspaceSink.h"
#include "jobs/WriteWatchdog.h"
#include "store/Workspace.h"

namespace nas {

namespace {

// Polls the workspace's cancel flag at most every 300 ms: cheap enough to call per batch.
std::function<bool()> workspaceCancelPoll(Workspace& ws, JobId id) {
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [&ws, id, last] {
    auto now = std::chrono::steady_clock::now();
    if (now - *last < std::chrono::milliseconds(300)) return false;
    *last = now;
    try {
      return ws.cancelRequested(id);
    } catch (const Error& e) {
      log::warn("cannot read the cancel flag: " + e.message());
      return false;
    }
  };
}

// Stamps the job's heartbeat from a thread of its own, on a connection of its own (one
// Workspace per thread), so that a method busy for minutes in one step still counts as alive.
// When the stamp finds the job no longer ours (re-queued after we were thought dead, taken by
// another worker) lost() turns true and the runner cancels the method. Nothing it does throws
// out of the thread.
class HeartbeatThread {
 public:
  HeartbeatThread(std::string path, JobId id, std::string workerId, std::chrono::milliseconds every)
      : path_(std::move(path)), id_(id), worker_(std::move(workerId)), every_(every) {
    thread_ = std::thread([this] { loop(); });
  }
  ~HeartbeatThread() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  bool lost() const { return lost_.load(); }

 private:
  void loop() {
    std::unique_ptr<Workspace> ws;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, every_, [this] { return stop_; })) {
      lock.unlock();
      try {
        if (!ws) ws = Workspace::open(path_);
        if (!ws->heartbeatJob(id_, worker_)) lost_.store(true);
      } catch (const std::exception& e) {
        log::warn("heartbeat of job " + std::to_string(id_) + ": " + toError(e).what());
        ws.reset();
      }
      lock.lock();
    }
  }

  std::string path_;
  JobId id_;
  std::string worker_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<bool> lost_{false};
  std::thread thread_;
};

Workspace::WorkerRef workerOf(const RunnerOptions& options) {
  return options.worker.id.empty() ? JobService::thisProcess() : options.worker;
}

// "done", "failed: why": the last line of a job's log.
std::string outcomeText(const JobOutcome& o) {
  std::string s = jobStatusName(o.status);
  if (!o.error.empty()) s += ": " + o.error;
  return s;
}

std::string outcomeLine(JobId id, const JobOutcome& o) { return "job " + std::to_string(id) + " " + outcomeText(o); }

}  // namespace

JobId submitJob(const MethodRegistry& registry, const std::string& workspacePath, const Json& spec) {
  const Json stored = JobService::resolveSpec(registry, spec);  // before a workspace is created
  auto ws = Workspace::open(workspacePath);
  return JobService(*ws).submit(registry, stored);
}

JobOutcome runTakenJob(const MethodRegistry& registry, Workspace& ws, const JobRecord& job, ProgressSink* extraSink,
                       CancelToken cancel, const RunnerOptions& options) {
  JobOutcome outcome;
  const Workspace::WorkerRef worker = workerOf(options);
  const JobId id = job.id;
  JobService service(ws);
  try {
    const std::string context = "job " + std::to_string(id);
    const Json spec = parseJson(job.specJson, context);
    const Json stored = JobService::resolveSpec(registry, spec);
    const Method& method = registry.get(stored["method"].get<std::string>());

    HeartbeatThread heartbeat(ws.path(), id, worker.id, options.heartbeatInterval);
    const WriteWatchdog watchdog(ws, options.writeLockLimit);
    cancel.addPoll(workspaceCancelPoll(ws, id));
    cancel.addPoll([&heartbeat] { return heartbeat.lost(); });

    WorkspaceSink sink(ws, id, extraSink);
    sink.log("started by worker " + worker.id + (job.attempts > 1 ? " (attempt " + std::to_string(job.attempts) + ")" : ""));
    JobContext ctx(ws, id, stored["params"], sink, cancel);
    try {
      outcome.result = method.run(ctx);
      outcome.status = JobStatus::Done;
      sink.progress(1.0, "done");
    } catch (const std::exception& e) {
      Error err = toError(e);
      outcome.status = err.code() == ErrorCode::Cancelled ? JobStatus::Cancelled : JobStatus::Failed;
      outcome.error = err.what();
    }
    if (heartbeat.lost()) {
      sink.log("the job was taken over by another worker; this run's outcome is not recorded");
      sink.flush();
      outcome.status = JobStatus::Cancelled;
      outcome.error = "taken over by another worker";
      return outcome;
    }
    sink.log(outcomeText(outcome));
    sink.flush();
    if (!service.finish(id, worker.id, outcome.status, outcome.error, &outcome.result))
      log::warn("job " + std::to_string(id) + " is no longer this worker's; its outcome was not recorded");
  } catch (const std::exception& e) {
    // The spec, the method or the workspace failed before or after the run.
    outcome.status = JobStatus::Failed;
    outcome.error = toError(e).what();
    try {
      service.finish(id, worker.id, JobStatus::Failed, outcome.error);
      service.log(id, outcomeText(outcome));
    } catch (const std::exception& e2) {
      log::warn("could not record the failure of job " + std::to_string(id) + ": " + toError(e2).what());
    }
  }
  return outcome;
}

JobOutcome runJob(const MethodRegistry& registry, const std::string& workspacePath, JobId id, ProgressSink* extraSink,
                  CancelToken cancel, const RunnerOptions& options) {
  JobOutcome outcome;
  try {
    auto ws = Workspace::open(workspacePath);
    const JobRecord record = ws->job(id);
    if (record.status == JobStatus::Done) {
      outcome.status = JobStatus::Done;
      outcome.result = parseJson(record.resultJson.empty() ? "{}" : record.resultJson, "job result");
      return outcome;
    }
    RunnerOptions opts = options;
    opts.worker = workerOf(options);
    const JobRecord taken = JobService(*ws).start(id, opts.worker);
    return runTakenJob(registry, *ws, taken, extraSink, std::move(cancel), opts);
  } catch (const std::exception& e) {
    // The workspace itself failed (locked, corrupt, job missing) or the rules refused.
    outcome.status = JobStatus::Failed;
    outcome.error = toError(e).what();
  }
  return outcome;
}

WorkerReport runWorker(const MethodRegistry& registry, const std::string& workspacePath, const WorkerOptions& options,
                       ProgressSink* extraSink, CancelToken stop, const std::function<void(const std::string&)>& onEvent) {
  auto say = [&](const std::string& line) {
    if (onEvent) onEvent(line);
  };
  WorkerReport report;
  auto ws = Workspace::open(workspacePath);
  JobLiveness liveness;
  liveness.staleAfterSeconds = options.staleAfterSeconds;
  JobService service(*ws, liveness);
  RunnerOptions runner = options.runner;
  runner.worker = workerOf(options.runner);
  say("worker " + runner.worker.id + " on " + workspacePath);
  while (!stop.cancelled()) {
    if (options.maxJobs > 0 && report.jobs >= options.maxJobs) break;
    std::optional<JobRecord> job;
    try {
      const JobService::Reaped reaped = service.reap(options.requeueInterrupted, options.maxAttempts);
      for (JobId r : reaped.requeued) say("job " + std::to_string(r) + " interrupted (its worker is gone); re-queued");
      for (JobId r : reaped.interrupted) say("job " + std::to_string(r) + " interrupted (its worker is gone)");
      job = service.claim(runner.worker);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::WorkspaceLocked) throw;
      say(std::string("workspace busy, retrying: ") + e.what());
    }
    if (!job) {
      if (options.exitWhenIdle) break;
      const auto until = std::chrono::steady_clock::now() + options.pollInterval;
      while (std::chrono::steady_clock::now() < until && !stop.cancelled())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    say("job " + std::to_string(job->id) + " (" + jobTitle(*job) + ") claimed");
    CancelToken jobCancel;
    jobCancel.addPoll([stop] { return stop.cancelled(); });
    const std::function<void(const JobOutcome&)> after = options.aroundJob ? options.aroundJob(*job) : nullptr;
    const JobOutcome outcome = runTakenJob(registry, *ws, *job, extraSink, jobCancel, runner);
    if (after) after(outcome);
    ++report.jobs;
    if (outcome.status == JobStatus::Done) ++report.done;
    else if (outcome.status == JobStatus::Cancelled) ++report.cancelled;
    else ++report.failed;
    say(outcomeLine(job->id, outcome));
  }
  return report;
}

}  // namespace nas
