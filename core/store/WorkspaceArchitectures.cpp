// Architectures: one row per distinct (space, canonical string).
#include "common/Error.h"
#include "store/WorkspaceImpl.h"

namespace nas {

namespace {

ArchitectureRecord readArch(const store::Statement& s) {
  ArchitectureRecord a;
  a.id = s.intAt(0);
  a.space = s.textAt(1);
  a.canonical = s.textAt(2);
  a.flops = s.realAt(3);
  a.params = s.intAt(4);
  a.createdAt = s.realAt(5);
  return a;
}

}  // namespace

ArchId Workspace::upsertArchitecture(const std::string& space, const std::string& canonical, double flops,
                                     std::int64_t params) {
  // INSERT ... DO NOTHING first: one statement in the common case of a new architecture, and
  // no race with another process inserting the same one between a lookup and an insert.
  // (No RETURNING: it needs SQLite 3.35, newer than some distributions ship.)
  {
    auto q = d_->query(
        "INSERT INTO architectures(space, canonical, flops, params, created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(space, canonical) DO NOTHING");
    q->bindText(1, space);
    q->bindText(2, canonical);
    q->bindReal(3, flops);
    q->bindInt(4, params);
    q->bindReal(5, store::nowSeconds());
    q->run();
    if (d_->changes() == 1) return d_->lastInsertId();
  }
  auto found = findArchitecture(space, canonical);
  if (!found) throw Error(ErrorCode::Internal, "architecture vanished after insert: " + canonical, d_->path);
  return found->id;
}

std::optional<ArchitectureRecord> Workspace::findArchitecture(const std::string& space,
                                                              const std::string& canonical) const {
  auto q = d_->query(
      "SELECT id, space, canonical, flops, params, created_at FROM architectures WHERE space = ?1 AND canonical = ?2");
  q->bindText(1, space);
  q->bindText(2, canonical);
  if (!q->step()) return std::nullopt;
  return readArch(*q);
}

ArchitectureRecord Workspace::architecture(ArchId id) const {
  auto q = d_->query("SELECT id, space, canonical, flops, params, created_at FROM architectures WHERE id = ?1");
  q->bindInt(1, id);
  if (!q->step()) throw Error(ErrorCode::NotFound, "no architecture " + std::to_string(id) + " in the workspace", d_->path);
  return readArch(*q);
}

std::int64_t Workspace::architectureCount() const {
  auto q = d_->query("SELECT count(*) FROM architectures");
  q->step();
  return q->intAt(0);
}

}  // namespace nas
