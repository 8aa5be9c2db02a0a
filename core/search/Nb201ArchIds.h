#pragma once
// Workspace architecture ids of NAS-Bench-201 cells for writers of query results: the first
// request of a cell upserts it (space "nb201", canonical string, FLOPs and params of the
// reference network) and later ones come from a cache, since searches revisit cells across
// rounds and seeds. Call inside the writer's transaction.
#include <unordered_map>

#include "searchspace/Nb201Cell.h"
#include "store/Records.h"

namespace nas {

class Workspace;

class Nb201ArchIds {
 public:
  explicit Nb201ArchIds(Workspace& ws) : ws_(ws) {}
  ArchId operator()(const Nb201Cell& cell);

 private:
  Workspace& ws_;
  std::unordered_map<int, ArchId> ids_;  // by Nb201Cell::index()
};

}  // namespace nas
