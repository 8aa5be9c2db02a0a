#include "jobs/JobService.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "common/Error.h"
#include "jobs/Method.h"

namespace nas {

const char* jobActionName(JobAction a) {
  switch (a) {
    case JobAction::Claim: return "claim";
    case JobAction::Start: return "start";
    case JobAction::Heartbeat: return "heartbeat";
    case JobAction::RequestCancel: return "cancel";
    case JobAction::Finish: return "finish";
    case JobAction::Fail: return "fail";
    case JobAction::AckCancel: return "acknowledge cancel";
    case JobAction::Interrupt: return "interrupt";
    case JobAction::Requeue: return "requeue";
    case JobAction::Delete: return "delete";
  }
  return "?";
}

JobTransition jobTransition(JobStatus from, JobAction action) {
  using S = JobStatus;
  using A = JobAction;
  auto yes = [](S to) { return JobTransition{true, to, ""}; };
  auto no = [from](const char* why) { return JobTransition{false, from, why}; };
  const bool stopped = from == S::Failed || from == S::Cancelled || from == S::Interrupted;
  switch (action) {
    case A::Claim:
      return from == S::Queued ? yes(S::Running) : no("is not queued");
    case A::Start:
      if (from == S::Queued || stopped) return yes(S::Running);
      if (from == S::Running) return no("is still running; cancel it first");
      return no("is already done");
    case A::Heartbeat:
      return from == S::Running ? yes(S::Running) : no("is not running");
    case A::RequestCancel:
      if (from == S::Running) return yes(S::Running);  // the flag; the worker stops and acknowledges
      if (from == S::Queued || from == S::Interrupted) return yes(S::Cancelled);  // nothing runs it
      return no("has already stopped");
    case A::Finish:
      return from == S::Running ? yes(S::Done) : no("is not running");
    case A::Fail:
      return from == S::Running ? yes(S::Failed) : no("is not running");
    case A::AckCancel:
      return from == S::Running ? yes(S::Cancelled) : no("is not running");
    case A::Interrupt:
      if (from == S::Interrupted) return yes(S::Interrupted);
      if (from == S::Running) return no("its worker is alive");
      return no("is not running");
    case A::Requeue:
      if (stopped) return yes(S::Queued);
      if (from == S::Queued) return no("is already queued");
      if (from == S::Running) return no("is still running; cancel it first");
      return no("is already done");
    case A::Delete:
      return from == S::Running ? no("is still running; cancel it first") : yes(from);
  }
  return no("unknown action");
}

bool processAlive(std::int64_t pid) {
  if (pid <= 0) return true;  // not known yet
  if (::kill(static_cast<pid_t>(pid), 0) == 0) return true;
  return errno == EPERM;  // exists, owned by someone else
}

std::string thisHostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

double nowUnixSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

bool JobLiveness::workerAlive(const JobRecord& job, double now) const {
  const bool local = job.host.empty() || job.host == thisHostName();
  if (local && job.pid > 0 && !(probe ? probe(job.pid) : processAlive(job.pid))) return false;
  if (job.heartbeatAt > 0 && now - job.heartbeatAt > staleAfterSeconds) return false;
  return true;
}

JobStatus JobLiveness::effectiveStatus(const JobRecord& job, double now) const {
  if (job.status == JobStatus::Running && !workerAlive(job, now)) return JobStatus::Interrupted;
  return job.status;
}

JobService::JobService(Workspace& ws, JobLiveness liveness) : ws_(ws), liveness_(std::move(liveness)) {}

Workspace::WorkerRef JobService::thisProcess(const std::string& name) {
  Workspace::WorkerRef w;
  w.host = thisHostName();
  w.pid = static_cast<std::int64_t>(::getpid());
  w.id = name.empty() ? w.host + ":" + std::to_string(w.pid) : name;
  return w;
}

Json JobService::resolveSpec(const MethodRegistry& registry, const Json& spec) {
  const std::string context = "job spec";
  if (!spec.is_object()) throw Error(ErrorCode::InvalidArgument, "job spec must be a JSON object", context);
  if (!spec.contains("method") || !spec["method"].is_string())
    throw Error(ErrorCode::InvalidArgument, "job spec needs a string 'method'", context);
  const Json params = spec.value("params", Json::object());
  if (!params.is_object()) throw Error(ErrorCode::InvalidArgument, "'params' must be a JSON object", context);
  const std::string name = spec["method"].get<std::string>();
  const Method& method = registry.get(name);
  Json stored{{"method", name}, {"params", method.schema().resolve(params)}};
  // How views present the job, from the method, so that readers need no registry.
  if (auto kinds = method.resultKinds(); !kinds.empty()) stored["result_kinds"] = kinds;
  if (auto title = method.titleParams(); !title.empty()) stored["title_params"] = title;
  return stored;
}

JobId JobService::submit(const MethodRegistry& registry, const Json& spec) {
  const Json stored = resolveSpec(registry, spec);
  return ws_.createJob(stored["method"].get<std::string>(), stored.dump());
}

JobStatus JobService::effectiveStatus(const JobRecord& job) const {
  return liveness_.effectiveStatus(job, nowUnixSeconds());
}

bool JobService::workerAlive(const JobRecord& job) const { return liveness_.workerAlive(job, nowUnixSeconds()); }

JobTransition JobService::check(const JobRecord& job, JobAction action) const {
  return jobTransition(effectiveStatus(job), action);
}

namespace {
[[noreturn]] void refuse(const JobRecord& job, JobAction action, const JobTransition& t) {
  std::string why = t.why;
  if (action == JobAction::Start && job.status == JobStatus::Running && !job.worker.empty())
    why = "is still running (worker " + job.worker + "); cancel it first";
  throw Error(ErrorCode::InvalidArgument, std::string("cannot ") + jobActionName(action) + ": the job " + why,
              "job " + std::to_string(job.id));
}
}  // namespace

void JobService::require(const JobRecord& job, JobAction action) const {
  const JobTransition t = check(job, action);
  if (!t.allowed) refuse(job, action, t);
}

std::optional<JobRecord> JobService::claim(const Workspace::WorkerRef& worker) {
  return ws_.claimJob({JobStatus::Queued}, worker);
}

JobRecord JobService::start(JobId id, const Workspace::WorkerRef& worker) {
  bool taken = false;
  ws_.transaction([&] {
    JobRecord job = ws_.job(id);
    require(job, JobAction::Start);
    // A running row whose worker is gone: record the interruption first, so the history says
    // what happened, then take it from there.
    if (job.status == JobStatus::Running) {
      ws_.moveJob(id, JobStatus::Running, JobStatus::Interrupted, "the worker " + job.worker + " stopped");
      job.status = JobStatus::Interrupted;
    }
    taken = ws_.takeJob(id, {job.status}, worker);
  });
  if (!taken) throw Error(ErrorCode::InvalidArgument, "another worker took the job first", "job " + std::to_string(id));
  return ws_.job(id);
}

bool JobService::heartbeat(JobId id, const std::string& workerId) { return ws_.heartbeatJob(id, workerId); }

JobService::CancelResult JobService::requestCancel(JobId id) {
  CancelResult out;
  ws_.transaction([&] {
    const JobRecord job = ws_.job(id);
    const JobTransition t = check(job, JobAction::RequestCancel);
    if (!t.allowed) refuse(job, JobAction::RequestCancel, t);
    if (t.to == JobStatus::Running) {
      ws_.requestCancel(id);
      out.requested = true;
      out.status = JobStatus::Running;
    } else {
      ws_.moveJob(id, job.status, t.to, job.error);
      out.status = t.to;
    }
  });
  return out;
}

void JobService::requeue(JobId id) {
  ws_.transaction([&] {
    const JobRecord job = ws_.job(id);
    require(job, JobAction::Requeue);
    ws_.clearCancel(id);
    ws_.moveJob(id, job.status, JobStatus::Queued);
  });
}

bool JobService::finish(JobId id, const std::string& workerId, JobStatus outcome, const std::string& error,
                        const Json* result) {
  const JobAction action = outcome == JobStatus::Done        ? JobAction::Finish
                           : outcome == JobStatus::Cancelled ? JobAction::AckCancel
                                                             : JobAction::Fail;
  bool written = false;
  ws_.transaction([&] {
    const JobRecord job = ws_.job(id);
    // The worker knows it is alive: the stored status is what counts here, not liveness.
    const JobTransition t = jobTransition(job.status, action);
    if (!t.allowed || job.worker != workerId) return;
    if (result) ws_.setJobResult(id, result->dump());
    written = ws_.moveJob(id, JobStatus::Running, t.to, t.to == JobStatus::Failed ? error : std::string());
  });
  return written;
}

JobService::Reaped JobService::reap(bool requeue, int maxAttempts) {
  Reaped out;
  ws_.transaction([&] {
    const double now = nowUnixSeconds();
    for (const JobRecord& job : ws_.jobs()) {
      if (job.status != JobStatus::Running || liveness_.workerAlive(job, now)) continue;
      const std::string why = "the worker " + (job.worker.empty() ? "process " + std::to_string(job.pid) : job.worker) +
                              " stopped (killed, crashed or no heartbeat)";
      if (!ws_.moveJob(job.id, JobStatus::Running, JobStatus::Interrupted, why)) continue;
      ws_.appendJobLog(job.id, {JobLogLine{0, job.id, now, "interrupted: " + why}});
      if (requeue && job.attempts < maxAttempts && !job.cancelRequested) {
        ws_.moveJob(job.id, JobStatus::Interrupted, JobStatus::Queued, why);
        ws_.appendJobLog(job.id, {JobLogLine{0, job.id, now, "re-queued (attempt " + std::to_string(job.attempts + 1) +
                                                                 " of " + std::to_string(maxAttempts) + " next)"}});
        out.requeued.push_back(job.id);
      } else {
        if (job.cancelRequested) ws_.moveJob(job.id, JobStatus::Interrupted, JobStatus::Cancelled, "");
        out.interrupted.push_back(job.id);
      }
    }
  });
  return out;
}

void JobService::remove(JobId id) {
  const JobRecord job = ws_.job(id);
  require(job, JobAction::Delete);
  ws_.deleteJob(id);
}

void JobService::log(JobId id, const std::string& line) {
  ws_.appendJobLog(id, {JobLogLine{0, id, nowUnixSeconds(), line}});
}

}  // namespace nas
