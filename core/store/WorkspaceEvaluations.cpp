// Evaluations: measured or predicted metric values of architectures.
// The pivoted views over them (archMetricRows, archPoints) are in WorkspaceArchViews.cpp.
#include "common/Error.h"
#include "store/WorkspaceImpl.h"

namespace nas {

namespace {

constexpr const char* kEvalColumns = "id, arch_id, job_id, source, dataset, metric, value, created_at";

EvaluationRecord readEval(const store::Statement& s) {
  EvaluationRecord e;
  e.id = s.intAt(0);
  e.archId = s.intAt(1);
  if (!s.isNull(2)) e.jobId = s.intAt(2);
  e.source = s.textAt(3);
  e.dataset = s.textAt(4);
  e.metric = s.textAt(5);
  e.value = s.realAt(6);
  e.createdAt = s.realAt(7);
  return e;
}

std::int64_t insertEval(store::Connection& w, const EvaluationRecord& e, double now) {
  auto q = w.query(
      "INSERT INTO evaluations(arch_id, job_id, source, dataset, metric, value, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  q->bindInt(1, e.archId);
  if (e.jobId)
    q->bindInt(2, *e.jobId);
  else
    q->bindNull(2);
  q->bindText(3, e.source);
  q->bindText(4, e.dataset);
  q->bindText(5, e.metric);
  q->bindReal(6, e.value);
  q->bindReal(7, e.createdAt > 0 ? e.createdAt : now);  // 0 = "now"
  q->run();
  return w.lastInsertId();
}

}  // namespace

std::int64_t Workspace::addEvaluation(const EvaluationRecord& e) { return insertEval(*d_, e, store::nowSeconds()); }

void Workspace::addEvaluations(const std::vector<EvaluationRecord>& es) {
  const double now = store::nowSeconds();
  d_->transaction([&] {
    for (const auto& e : es) insertEval(*d_, e, now);
  });
}

std::vector<EvaluationRecord> Workspace::evaluations(ArchId arch) const {
  auto q = d_->query(std::string("SELECT ") + kEvalColumns + " FROM evaluations WHERE arch_id = ?1 ORDER BY id");
  q->bindInt(1, arch);
  std::vector<EvaluationRecord> out;
  while (q->step()) out.push_back(readEval(*q));
  return out;
}

std::vector<EvaluationRecord> Workspace::evaluationsOfJob(JobId job) const {
  auto q = d_->query(std::string("SELECT ") + kEvalColumns + " FROM evaluations WHERE job_id = ?1 ORDER BY id");
  q->bindInt(1, job);
  std::vector<EvaluationRecord> out;
  while (q->step()) out.push_back(readEval(*q));
  return out;
}

std::vector<std::string> Workspace::metricNames() const {
  auto q = d_->query("SELECT DISTINCT metric FROM evaluations ORDER BY metric");
  std::vector<std::string> out;
  while (q->step()) out.push_back(q->textAt(0));
  return out;
}

}  // namespace nas
