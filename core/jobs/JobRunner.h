#pragma once
// Runs jobs of a workspace in the calling process (the worker: `nasstudio-cli run-job`,
// `worker`, `run`): takes the job through JobService (the rules live there), resolves its
// parameters, calls the method with a context whose sink writes progress, metrics and log
// lines to the workspace (batched, one transaction per flush) and to an optional extra sink
// (a terminal bar, a trace on stdout), heartbeats from a thread of its own while the method
// runs, and records the outcome. Catches every exception: the outcome says done, failed (with
// the message) or cancelled. A killed job is resumed by running it again: methods pick up
// their checkpoint.

#include <chrono>
#include <functional>
#include <string>

#include "common/CancelToken.h"
#include "common/Json.h"
#include "common/ProgressSink.h"
#include "store/Records.h"
#include "store/Workspace.h"

namespace nas {

class MethodRegistry;

struct JobOutcome {
  JobStatus status = JobStatus::Failed;
  Json result = Json::object();
  std::string error;
};

struct RunnerOptions {
  // Who runs the job; JobService::thisProcess() when the id is empty.
  Workspace::WorkerRef worker;
  // How often the heartbeat thread stamps the job (JobLiveness::staleAfterSeconds should be
  // several of these).
  std::chrono::milliseconds heartbeatInterval{2000};
  // While a job runs, a WriteWatchdog aborts the process when it holds the workspace's write
  // lock longer than this (it hangs inside a transaction and would block every other worker);
  // 0: no watchdog. Any batch of writes takes well under a second.
  std::chrono::milliseconds writeLockLimit{120000};
};

// Creates a queued job from a spec {"method": ..., "params": {...}} (JobService::submit on a
// connection of its own).
JobId submitJob(const MethodRegistry& registry, const std::string& workspacePath, const Json& spec);

// Starts job `id` (JobAction::Start: queued, or a resume) and runs it. A job that is already
// done returns its stored result; one the rules refuse (running elsewhere) fails with why.
JobOutcome runJob(const MethodRegistry& registry, const std::string& workspacePath, JobId id,
                  ProgressSink* extraSink, CancelToken cancel, const RunnerOptions& options = {});

// Runs a job that options.worker already holds (claimed or started) on connection `ws`.
JobOutcome runTakenJob(const MethodRegistry& registry, Workspace& ws, const JobRecord& job, ProgressSink* extraSink,
                       CancelToken cancel, const RunnerOptions& options);

// The queue worker (`nasstudio-cli worker`): claims queued jobs one at a time and runs them.
struct WorkerOptions {
  RunnerOptions runner;
  int maxJobs = 0;             // stop after this many jobs (0: no limit)
  bool exitWhenIdle = false;   // stop when the queue is empty instead of waiting
  std::chrono::milliseconds pollInterval{1000};  // how often an idle worker looks again
  bool requeueInterrupted = true;  // jobs whose worker died are queued again ...
  int maxAttempts = 3;             // ... until they were started this many times
  double staleAfterSeconds = 30;   // a heartbeat older than this means the worker is gone
  // Around each claimed job (`worker --nproc`: the job's other ranks): called before it runs;
  // the function it returns (if any) gets the outcome once it is recorded. Neither may throw.
  std::function<std::function<void(const JobOutcome&)>(const JobRecord&)> aroundJob;
};
struct WorkerReport {
  int jobs = 0, done = 0, failed = 0, cancelled = 0;
};
// Loops until `stop` is cancelled (the current job is then cancelled too), maxJobs were run,
// or (exitWhenIdle) the queue is empty. Before each claim it reaps jobs of dead workers.
// onEvent gets one human-readable line per claim and outcome (the worker's trace).
WorkerReport runWorker(const MethodRegistry& registry, const std::string& workspacePath, const WorkerOptions& options,
                       ProgressSink* extraSink, CancelToken stop,
                       const std::function<void(const std::string& line)>& onEvent = {});

}  // namespace nas
