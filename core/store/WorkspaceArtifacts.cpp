// Artifacts: checkpoints, trained generators and exported models stored as BLOBs, so the
// workspace file is the whole project.
#include "common/Error.h"
#include "store/WorkspaceImpl.h"

namespace nas {

std::int64_t Workspace::putArtifact(JobId job, const std::string& kind, const std::string& name,
                                    const std::string& bytes) {
  std::int64_t id = 0;
  d_->transaction([&] {
    {
      // Upsert keeps the row's id when an artifact is replaced (a newer checkpoint).
      auto q = d_->query(
          "INSERT INTO artifacts(job_id, kind, name, bytes, size, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
          "ON CONFLICT(job_id, kind, name) DO UPDATE SET bytes = excluded.bytes, size = excluded.size, "
          "created_at = excluded.created_at");
      q->bindInt(1, job);
      q->bindText(2, kind);
      q->bindText(3, name);
      q->bindBlob(4, bytes);
      q->bindInt(5, static_cast<std::int64_t>(bytes.size()));
      q->bindReal(6, store::nowSeconds());
      q->run();
    }
    auto q = d_->query("SELECT id FROM artifacts WHERE job_id = ?1 AND kind = ?2 AND name = ?3");
    q->bindInt(1, job);
    q->bindText(2, kind);
    q->bindText(3, name);
    if (!q->step()) throw Error(ErrorCode::Internal, "artifact vanished after insert: " + kind + "/" + name, d_->path);
    id = q->intAt(0);
  });
  return id;
}

std::optional<std::string> Workspace::artifact(JobId job, const std::string& kind, const std::string& name) const {
  auto q = d_->query("SELECT bytes FROM artifacts WHERE job_id = ?1 AND kind = ?2 AND name = ?3");
  q->bindInt(1, job);
  q->bindText(2, kind);
  q->bindText(3, name);
  if (!q->step()) return std::nullopt;
  return q->blobAt(0);
}

std::vector<ArtifactRecord> Workspace::artifacts(JobId job) const {
  // No bytes here: listing must not read every checkpoint.
  auto q = d_->query("SELECT id, job_id, kind, name, size, created_at FROM artifacts WHERE job_id = ?1 ORDER BY id");
  q->bindInt(1, job);
  std::vector<ArtifactRecord> out;
  while (q->step()) {
    ArtifactRecord a;
    a.id = q->intAt(0);
    a.jobId = q->intAt(1);
    a.kind = q->textAt(2);
    a.name = q->textAt(3);
    a.size = q->intAt(4);
    a.createdAt = q->realAt(5);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace nas
