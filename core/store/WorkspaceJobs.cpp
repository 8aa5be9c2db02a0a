// Jobs: one row per job with its lifecycle, progress and result.
#include "common/Error.h"
#include "store/WorkspaceImpl.h"

namespace nas {

namespace {

constexpr const char* kJobColumns =
    "id, method, spec_json, status, progress, stage, error, result_json, cancel_requested, pid, "
    "created_at, started_at, finished_at, updated_at";

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
  return j;
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
  auto q = d_->query("INSERT INTO jobs(method, spec_json, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)");
  q->bindText(1, method);
  q->bindText(2, specJson);
  q->bindReal(3, store::nowSeconds());
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

void Workspace::setJobStatus(JobId id, JobStatus status, const std::string& error) {
  // started_at is stamped on every move to Running (a resume starts again); finished_at on
  // the terminal states, and cleared when a job is queued or running again.
  auto q = d_->query(
      "UPDATE jobs SET status = ?2, error = ?3, updated_at = ?4, "
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
                            "DELETE FROM artifacts WHERE job_id = ?1",
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

}  // namespace nas
