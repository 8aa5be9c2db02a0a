// Metric series: (job, series, step, value) points appended as a job runs. The ids only
// grow (AUTOINCREMENT) and writers take turns, so "rows after id N" is a cheap and complete
// way for a view in another process to pick up new points.
#include "store/WorkspaceImpl.h"

namespace nas {

void Workspace::appendMetrics(JobId job, const std::vector<MetricPoint>& points) {
  if (points.empty()) return;
  d_->transaction([&] {
    auto q = d_->query("INSERT INTO metrics(job_id, series, step, value) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& p : points) {
      q->bindInt(1, job);
      q->bindText(2, p.series);
      q->bindInt(3, p.step);
      q->bindReal(4, p.value);
      q->run();
      q->reset();
    }
  });
}

std::vector<MetricPoint> Workspace::metrics(JobId job, const std::string& series, std::int64_t afterRowId) const {
  // Two query shapes rather than "(?2 = '' OR series = ?2)", so that a single series uses
  // the whole (job_id, series) index. Points come in append order (normally step order).
  auto q = d_->query(series.empty()
                         ? "SELECT series, step, value FROM metrics WHERE job_id = ?1 AND id > ?3 ORDER BY id"
                         : "SELECT series, step, value FROM metrics WHERE job_id = ?1 AND series = ?2 AND id > ?3 "
                           "ORDER BY id");
  q->bindInt(1, job);
  if (!series.empty()) q->bindText(2, series);
  q->bindInt(3, afterRowId);
  std::vector<MetricPoint> out;
  while (q->step()) out.push_back(MetricPoint{q->textAt(0), q->intAt(1), q->realAt(2)});
  return out;
}

std::vector<std::string> Workspace::metricSeriesNames(JobId job) const {
  auto q = d_->query("SELECT DISTINCT series FROM metrics WHERE job_id = ?1 ORDER BY series");
  q->bindInt(1, job);
  std::vector<std::string> out;
  while (q->step()) out.push_back(q->textAt(0));
  return out;
}

std::vector<Workspace::MetricRow> Workspace::metricsSince(std::int64_t afterRowId) const {
  auto q = d_->query("SELECT id, job_id, series, step, value FROM metrics WHERE id > ?1 ORDER BY id");
  q->bindInt(1, afterRowId);
  std::vector<MetricRow> out;
  while (q->step())
    out.push_back(MetricRow{q->intAt(1), q->intAt(0), MetricPoint{q->textAt(2), q->intAt(3), q->realAt(4)}});
  return out;
}

}  // namespace nas
