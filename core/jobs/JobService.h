#pragma once
// The job lifecycle, in one place (QGIS's QgsTaskManager shape, with a workspace instead of a
// thread pool as the queue): submit, claim, start/resume, heartbeat, cancel requests,
// re-queue, the reaping of jobs whose worker is gone, liveness, and the state rules. The CLI
// (`run`, `run-job`, `worker`, `jobs ...`), the job runner and the GUI's JobController call
// it and keep no job rules of their own.
//
// States (stored in the workspace): queued, running, done, failed, cancelled, interrupted.
// A "running" job whose worker is gone is *effectively* interrupted before any reaper has
// written so: every rule below is applied to the effective status, so the CLI, the GUI and
// the worker agree on what a job is without waiting for a reaper.
//
// No Qt, no torch. Throws nas::Error. One JobService per Workspace connection (per thread).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/Json.h"
#include "store/Records.h"
#include "store/Workspace.h"

namespace nas {

class MethodRegistry;

enum class JobAction {
  Claim,          // a worker takes the oldest queued job
  Start,          // run this job now: a queued job, or resume a failed/cancelled/interrupted one
  Heartbeat,      // the worker says it still runs the job
  RequestCancel,  // ask the job to stop (a queued or interrupted one stops at once)
  Finish,         // the worker records done
  Fail,           // the worker records failed
  AckCancel,      // the worker records that it stopped on request
  Interrupt,      // a reaper records that the worker is gone
  Requeue,        // back to the queue, to be resumed (from its checkpoint) by any worker
  Delete,         // remove the job with its curves, samples, artifacts and log
};
inline constexpr JobAction kAllJobActions[] = {JobAction::Claim,     JobAction::Start,   JobAction::Heartbeat,
                                                 JobAction::RequestCancel, JobAction::Finish, JobAction::Fail,
                                                 JobAction::AckCancel, JobAction::Interrupt, JobAction::Requeue,
                                                 JobAction::Delete};
inline constexpr JobStatus kAllJobStatuses[] = {JobStatus::Queued, JobStatus::Running,   JobStatus::Done,
                                                  JobStatus::Failed, JobStatus::Cancelled, JobStatus::Interrupted};
const char* jobActionName(JobAction a);

// One cell of the state x action table.
struct JobTransition {
  bool allowed = false;
  JobStatus to = JobStatus::Queued;  // the stored status that follows (when allowed)
  const char* why = "";              // why not (when refused), for messages
};
// The rules. `from` is the effective status (see JobLiveness::effectiveStatus).
JobTransition jobTransition(JobStatus from, JobAction action);

// True when process `pid` exists on this host (kill(pid, 0) succeeds or fails with EPERM: it
// exists but belongs to someone else). pid <= 0 means "not known yet": true.
bool processAlive(std::int64_t pid);
// This machine's host name, as workers record it.
std::string thisHostName();

// The one definition of "the worker of a running job is alive":
//  * on this host, its process must exist (a killed worker is noticed at once), and
//  * when it heartbeats at all (heartbeat_at > 0), its last heartbeat must be younger than
//    staleAfterSeconds (a worker on another host, or a hung one, is noticed that late).
// A job without a recorded host counts as this host's (workspaces from before schema 3).
struct JobLiveness {
  double staleAfterSeconds = 30.0;
  // Replaceable for tests; processAlive by default.
  std::function<bool(std::int64_t pid)> probe;

  bool workerAlive(const JobRecord& job, double now) const;
  // The status to show and to apply the rules to: Running with a dead worker -> Interrupted.
  JobStatus effectiveStatus(const JobRecord& job, double now) const;
};
double nowUnixSeconds();

class JobService {
 public:
  explicit JobService(Workspace& ws, JobLiveness liveness = {});

  Workspace& workspace() { return ws_; }
  const JobLiveness& liveness() const { return liveness_; }

  // Who this process is as a worker: id "host:pid" (or `name` when given), host, pid.
  static Workspace::WorkerRef thisProcess(const std::string& name = {});

  // Validates a spec {"method": ..., "params": {...}} against the method's schema and returns
  // it resolved (defaults filled in). InvalidArgument names the bad field, NotFound the method.
  static Json resolveSpec(const MethodRegistry& registry, const Json& spec);
  // resolveSpec, then a queued job on this connection.
  JobId submit(const MethodRegistry& registry, const Json& spec);

  JobStatus effectiveStatus(const JobRecord& job) const;
  bool workerAlive(const JobRecord& job) const;
  // The rule for `action` on the job as it is now.
  JobTransition check(const JobRecord& job, JobAction action) const;
  bool allowed(const JobRecord& job, JobAction action) const { return check(job, action).allowed; }
  // Throws Error(InvalidArgument, the rule's reason) unless allowed.
  void require(const JobRecord& job, JobAction action) const;

  // Claim: atomically takes the oldest queued job for `worker`; nullopt when the queue is empty.
  std::optional<JobRecord> claim(const Workspace::WorkerRef& worker);
  // Start: takes job `id` for `worker` now (resume of a failed, cancelled or interrupted job;
  // a running job whose worker is gone is first recorded as interrupted). Throws
  // InvalidArgument when the rules refuse (done, or running with a live worker), also when
  // another worker took it first.
  JobRecord start(JobId id, const Workspace::WorkerRef& worker);
  // Heartbeat: false when the job is no longer this worker's (re-queued, taken by another).
  bool heartbeat(JobId id, const std::string& workerId);

  struct CancelResult {
    JobStatus status = JobStatus::Queued;  // stored status afterwards
    bool requested = false;                // the flag was set for a running worker to see
  };
  // RequestCancel: a queued or interrupted job is cancelled at once; a running one gets the
  // flag its worker polls. Throws InvalidArgument for a finished job.
  CancelResult requestCancel(JobId id);
  // Requeue: a failed, cancelled or interrupted job goes back to the queue (its checkpoint
  // stays, so the worker that claims it resumes).
  void requeue(JobId id);
  // Finish / Fail / AckCancel by the worker that runs the job: false (nothing written) when
  // the job is no longer running under `workerId` (it was reaped and re-queued meanwhile).
  bool finish(JobId id, const std::string& workerId, JobStatus outcome, const std::string& error = {},
              const Json* result = nullptr);
  // Interrupt (and, with requeue, Requeue) every running job whose worker is dead; a job
  // already started maxAttempts times stays interrupted rather than crash workers forever.
  struct Reaped {
    std::vector<JobId> interrupted;  // recorded interrupted and left so
    std::vector<JobId> requeued;     // recorded interrupted, then queued again
  };
  Reaped reap(bool requeue, int maxAttempts = 3);
  // Delete: refuses a job that runs.
  void remove(JobId id);

  // A line in the job's log (one row; batched writers use WorkspaceSink).
  void log(JobId id, const std::string& line);

 private:
  Workspace& ws_;
  JobLiveness liveness_;
};

}  // namespace nas
