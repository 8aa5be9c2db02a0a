// Samples: the architectures a search proposed, round by round.
#include "store/WorkspaceImpl.h"

namespace nas {

void Workspace::addSamples(const std::vector<SampleRecord>& samples) {
  if (samples.empty()) return;
  d_->transaction([&] {
    auto q = d_->query("INSERT INTO samples(job_id, round, arch_id, payload_json) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& s : samples) {
      q->bindInt(1, s.jobId);
      q->bindInt(2, s.round);
      if (s.archId)
        q->bindInt(3, *s.archId);
      else
        q->bindNull(3);
      q->bindText(4, s.payloadJson.empty() ? std::string("{}") : s.payloadJson);
      q->run();
      q->reset();
    }
  });
}

std::vector<SampleRecord> Workspace::samples(JobId job) const {
  auto q = d_->query("SELECT id, job_id, round, arch_id, payload_json FROM samples WHERE job_id = ?1 ORDER BY round, id");
  q->bindInt(1, job);
  std::vector<SampleRecord> out;
  while (q->step()) {
    SampleRecord s;
    s.id = q->intAt(0);
    s.jobId = q->intAt(1);
    s.round = static_cast<int>(q->intAt(2));
    if (!q->isNull(3)) s.archId = q->intAt(3);
    s.payloadJson = q->textAt(4);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<JobId> Workspace::jobsWithSampleKey(const std::string& key) const {
  // The key is bound, never spliced into the SQL; the JSON path quotes it so that any
  // characters are a plain member name. json_valid guards rows written by hand.
  auto q = d_->query(
      "SELECT DISTINCT job_id FROM samples WHERE json_valid(payload_json) AND "
      "json_type(payload_json, '$.\"' || replace(?1, '\"', '') || '\"') IS NOT NULL ORDER BY job_id DESC");
  q->bindText(1, key);
  std::vector<JobId> out;
  while (q->step()) out.push_back(q->intAt(0));
  return out;
}

}  // namespace nas
