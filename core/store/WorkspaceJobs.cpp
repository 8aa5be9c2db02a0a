// Jobs: one row per job with its lifecycle, progress and result.
#include <cstdio>
#include <random>

#include "common/Error.h"
#include "store/WorkspaceImpl.h"

namespace nas {

namespace {

constexpr const char* kJobColumns =
    "id, method, spec_json, status, progress, stage, error, result_json, cancel_requested, pid, "
    "created_at, started_at, finished_at, updated_at, worker, host, heartbeat_at, attempts, uid, first_started_at, "
    "earlier_runs_seconds";

// The run clock (schema 4), as SET clauses of an UPDATE whose new status is the SQL expression
// `status` and whose time is `now` (SQL text, bound parameters): a run that leaves "running"
// adds its time to earlier_runs_seconds (ending at the last heartbeat when it is marked
// interrupted: its worker died then), and a run that starts sets first_started_at once. The
// right-hand sides read the row before the update.
std::string runClockSet(const std::string& status, const std::string& now) {
  const std::string end = "(CASE WHEN " + status + " = 'interrupted' AND heartbeat_at > started_at THEN heartbeat_at ELSE " +
                          now + " END)";
  return "earlier_runs_seconds = earlier_runs_seconds + CASE WHEN status = 'running' AND " + status +
         " <> 'running' AND started_at > 0 THEN MAX(0, " + end + " - started_at) ELSE 0 END, "
         "first_started_at = CASE WHEN first_started_at = 0 AND " + status + " = 'running' THEN " + now +
         " ELSE first_started_at END, ";
}

JobRecord readJob(const store::Statement& s) {
  JobRecord j;
  j.id = s.intAt(0);
  j.method = s.textAt(1);
  j.specJson = s.textAt(2);
  j.status = jobStatusFromName(s.textAt(3));
  j.progress = s.realAt(4);
  j.stage = s.textAt(5);
  j.error = s.textAt(6);
  j.resultJson = s.textAt(7);
  j.cancelRequested = s.intAt(8) != 0;
  j.pid = s.intAt(9);
  j.createdAt = s.realAt(10);
  j.startedAt = s.realAt(11);
  j.finishedAt = s.realAt(12);
  j.updatedAt = s.realAt(13);
  j.worker = s.textAt(14);
  j.host = s.textAt(15);
  j.heartbeatAt = s.realAt(16);
  j.attempts = static_cast<int>(s.intAt(17));
  j.uid = s.textAt(18);
  j.firstStartedAt = s.realAt(19);
  j.earlierRunsSeconds = s.realAt(20);
  return j;
}

// 128 random bits as hex: a job's identity across workspaces (merge matches on it).
std::string newUid() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          (static_cast<std::uint64_t>(std::random_device{}()) << 32)};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

// "status IN (...)" for a list of statuses, as bound parameters ?first.. in order.
std::string statusList(std::size_t n, int first) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? ", ?" : "?") + std::to_string(first + static_cast<int>(i));
  return out;
}

[[noreturn]] void noSuchJob(JobId id, const std::string& path) {
  throw Error(ErrorCode::NotFound, "no job " + std::to_string(id) + " in the workspace", path);
}

// Runs an UPDATE of one job (parameter 1 is the id) and checks the job existed.
void updateJob(store::Connection& w, store::Query& q, JobId id) {
  q->run();
  if (w.changes() == 0) noSuchJob(id, w.path);
}

}  // namespace

JobId Workspace::createJob(const std::string& method, const std::string& specJson) {
  auto q = d_->query("INSERT INTO jobs(method, spec_json, created_at, updated_at, uid) VALUES (?1, ?2, ?3, ?3, ?4)");
  q->bindText(1, method);
  q->bindText(2, specJson);
  q->bindReal(3, store::nowSeconds());
  q->bindText(4, newUid());
  q->run();
  return d_->lastInsertId();
}

JobRecord Workspace::job(JobId id) const {
  auto q = d_->query(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?1");
  q->bindInt(1, id);
  if (!q->step()) noSuchJob(id, d_->path);
  return readJob(*q);
}

std::vector<JobRecord> Workspace::jobs() const {
  auto q = d_->query(std::string("SELECT ") + kJobColumns + " FROM jobs ORDER BY id DESC");
  std::vector<JobRecord> out;
  while (q->step()) out.push_back(readJob(*q));
  return out;
}

std::vector<JobRecord> Workspace::jobsWithEvaluations() const {
  auto q = d_->query(std::string("SELECT ") + kJobColumns +
                     " FROM jobs WHERE id IN (SELECT DISTINCT job_id FROM evaluations WHERE job_id IS NOT NULL)"
                     " ORDER BY id");
  std::vector<JobRecord> out;
  while (q->step()) out.push_back(readJob(*q));
  return out;
}

void Workspace::setJobStatus(JobId id, JobStatus status, const std::string& error) {
  // started_at is stamped on every move to Running (a resume starts again); finished_at on
  // the terminal states, and cleared when a job is queued or running again.
  auto q = d_->query(
      "UPDATE jobs SET " + runClockSet("?2", "?4") + "status = ?2, error = ?3, updated_at = ?4, "
      "started_at = CASE WHEN ?5 THEN ?4 ELSE started_at END, "
      "finished_at = CASE WHEN ?6 THEN ?4 ELSE 0 END "
      "WHERE id = ?1");
  const bool running = status == JobStatus::Running;
  const bool finished = status == JobStatus::Done || status == JobStatus::Failed || status == JobStatus::Cancelled;
  q->bindInt(1, id);
  q->bindText(2, jobStatusName(status));
  q->bindText(3, error);
  q->bindReal(4, store::nowSeconds());
  q->bindInt(5, running);
  q->bindInt(6, finished);
  updateJob(*d_, q, id);
}

void Workspace::setJobProgress(JobId id, double fraction, const std::string& stage) {
  auto q = d_->query("UPDATE jobs SET progress = ?2, stage = ?3, updated_at = ?4 WHERE id = ?1");
  q->bindInt(1, id);
  q->bindReal(2, fraction < 0 ? 0 : fraction > 1 ? 1 : fraction);  // NaN binds NULL: InvalidArgument
  q->bindText(3, stage);
  q->bindReal(4, store::nowSeconds());
  updateJob(*d_, q, id);
}

void Workspace::setJobResult(JobId id, const std::string& resultJson) {
  auto q = d_->query("UPDATE jobs SET result_json = ?2, updated_at = ?3 WHERE id = ?1");
  q->bindInt(1, id);
  q->bindText(2, resultJson);
  q->bindReal(3, store::nowSeconds());
  updateJob(*d_, q, id);
}

void Workspace::setJobPid(JobId id, std::int64_t pid) {
  auto q = d_->query("UPDATE jobs SET pid = ?2, updated_at = ?3 WHERE id = ?1");
  q->bindInt(1, id);
  q->bindInt(2, pid);
  q->bindReal(3, store::nowSeconds());
  updateJob(*d_, q, id);
}

void Workspace::requestCancel(JobId id) {
  auto q = d_->query("UPDATE jobs SET cancel_requested = 1, updated_at = ?2 WHERE id = ?1");
  q->bindInt(1, id);
  q->bindReal(2, store::nowSeconds());
  updateJob(*d_, q, id);
}

bool Workspace::cancelRequested(JobId id) const {
  auto q = d_->query("SELECT cancel_requested FROM jobs WHERE id = ?1");
  q->bindInt(1, id);
  if (!q->step()) noSuchJob(id, d_->path);
  return q->intAt(0) != 0;
}

void Workspace::clearCancel(JobId id) {
  auto q = d_->query("UPDATE jobs SET cancel_requested = 0, updated_at = ?2 WHERE id = ?1");
  q->bindInt(1, id);
  q->bindReal(2, store::nowSeconds());
  updateJob(*d_, q, id);
}

void Workspace::deleteJob(JobId id) {
  // Explicit deletes rather than relying on ON DELETE alone, so the result is the same
  // when someone edited the file with foreign keys off. Evaluations stay with their
  // architecture: they are results about the architecture, not about the job.
  d_->transaction([&] {
    for (const char* sql : {"DELETE FROM metrics WHERE job_id = ?1", "DELETE FROM samples WHERE job_id = ?1",
                            "DELETE FROM artifacts WHERE job_id = ?1", "DELETE FROM job_log WHERE job_id = ?1",
                            "UPDATE evaluations SET job_id = NULL WHERE job_id = ?1"}) {
      auto q = d_->query(sql);
      q->bindInt(1, id);
      q->run();
    }
    auto q = d_->query("DELETE FROM jobs WHERE id = ?1");
    q->bindInt(1, id);
    updateJob(*d_, q, id);
  });
}

// ---- the queue

namespace {

constexpr const char* kTakeSet =
    "status = 'running', worker = ?2, host = ?3, pid = ?4, heartbeat_at = ?5, attempts = attempts + 1, "
    "cancel_requested = 0, error = '', started_at = ?5, finished_at = 0, updated_at = ?5";

void bindTake(store::Query& q, JobId id, const Workspace::WorkerRef& w, const std::vector<JobStatus>& from) {
  q->bindInt(1, id);
  q->bindText(2, w.id);
  q->bindText(3, w.host);
  q->bindInt(4, w.pid);
  q->bindReal(5, store::nowSeconds());
  for (std::size_t i = 0; i < from.size(); ++i) q->bindText(6 + static_cast<int>(i), jobStatusName(from[i]));
}

}  // namespace

std::optional<JobRecord> Workspace::claimJob(const std::vector<JobStatus>& from, const WorkerRef& worker) {
  if (from.empty()) return std::nullopt;
  std::optional<JobRecord> out;
  // BEGIN IMMEDIATE takes the write lock before the SELECT: two workers cannot pick the same
  // row, and the UPDATE's status check makes it a compare-and-set besides.
  d_->transaction([&] {
    JobId id = 0;
    {
      auto pick =
          d_->query("SELECT id FROM jobs WHERE status IN (" + statusList(from.size(), 1) + ") ORDER BY id LIMIT 1");
      for (std::size_t i = 0; i < from.size(); ++i) pick->bindText(1 + static_cast<int>(i), jobStatusName(from[i]));
      if (!pick->step()) return;
      id = pick->intAt(0);
    }
    if (takeJob(id, from, worker)) out = job(id);
  });
  return out;
}

bool Workspace::takeJob(JobId id, const std::vector<JobStatus>& from, const WorkerRef& worker) {
  if (from.empty()) return false;
  auto q = d_->query("UPDATE jobs SET " + runClockSet("'running'", "?5") + kTakeSet + " WHERE id = ?1 AND status IN (" +
                     statusList(from.size(), 6) + ")");
  bindTake(q, id, worker, from);
  q->run();
  if (d_->changes() == 1) return true;
  job(id);  // NotFound for an unknown job
  return false;
}

bool Workspace::moveJob(JobId id, JobStatus from, JobStatus to, const std::string& error) {
  auto q = d_->query(
      "UPDATE jobs SET " + runClockSet("?2", "?4") + "status = ?2, error = ?3, updated_at = ?4, "
      "started_at = CASE WHEN ?5 THEN ?4 ELSE started_at END, "
      "finished_at = CASE WHEN ?6 THEN ?4 ELSE 0 END "
      "WHERE id = ?1 AND status = ?7");
  const bool finished = to == JobStatus::Done || to == JobStatus::Failed || to == JobStatus::Cancelled;
  q->bindInt(1, id);
  q->bindText(2, jobStatusName(to));
  q->bindText(3, error);
  q->bindReal(4, store::nowSeconds());
  q->bindInt(5, to == JobStatus::Running);
  q->bindInt(6, finished);
  q->bindText(7, jobStatusName(from));
  q->run();
  if (d_->changes() == 1) return true;
  job(id);
  return false;
}

bool Workspace::heartbeatJob(JobId id, const std::string& workerId) {
  auto q = d_->query("UPDATE jobs SET heartbeat_at = ?3 WHERE id = ?1 AND worker = ?2 AND status = 'running'");
  q->bindInt(1, id);
  q->bindText(2, workerId);
  q->bindReal(3, store::nowSeconds());
  q->run();
  return d_->changes() == 1;
}

void Workspace::appendJobLog(JobId job, const std::vector<JobLogLine>& lines) {
  if (lines.empty()) return;
  d_->transaction([&] {
    auto q = d_->query("INSERT INTO job_log(job_id, at, line) VALUES (?1, ?2, ?3)");
    for (const auto& l : lines) {
      q->bindInt(1, job);
      q->bindReal(2, l.at > 0 ? l.at : store::nowSeconds());
      q->bindText(3, l.line);
      q->run();
      q->reset();
    }
  });
}

namespace {
JobLogLine readLogLine(const store::Statement& s) { return JobLogLine{s.intAt(0), s.intAt(1), s.realAt(2), s.textAt(3)}; }
}  // namespace

std::vector<JobLogLine> Workspace::jobLog(JobId job, std::int64_t afterId, std::int64_t limit) const {
  auto q = d_->query("SELECT id, job_id, at, line FROM job_log WHERE job_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
  q->bindInt(1, job);
  q->bindInt(2, afterId);
  q->bindInt(3, limit);
  std::vector<JobLogLine> out;
  while (q->step()) out.push_back(readLogLine(*q));
  return out;
}

std::vector<JobLogLine> Workspace::jobLogSince(std::int64_t afterId) const {
  auto q = d_->query("SELECT id, job_id, at, line FROM job_log WHERE id > ?1 ORDER BY id");
  q->bindInt(1, afterId);
  std::vector<JobLogLine> out;
  while (q->step()) out.push_back(readLogLine(*q));
  return out;
}

std::int64_t Workspace::lastJobLogId() const {
  auto q = d_->query("SELECT COALESCE(MAX(id), 0) FROM job_log");
  return q->step() ? q->intAt(0) : 0;
}

std::int64_t Workspace::lastMetricRowId() const {
  auto q = d_->query("SELECT COALESCE(MAX(id), 0) FROM metrics");
  return q->step() ? q->intAt(0) : 0;
}

}  // namespace nas
