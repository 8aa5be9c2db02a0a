#include "search/Nb201ArchIds.h"

#include "store/Workspace.h"

namespace nas {

ArchId Nb201ArchIds::operator()(const Nb201Cell& cell) {
  if (auto it = ids_.find(cell.index()); it != ids_.end()) return it->second;
  const CostCounts cost = nb201Cost(cell);
  const ArchId id = ws_.upsertArchitecture("nb201", cell.toString(), cost.flops, cost.params);
  ids_.emplace(cell.index(), id);
  return id;
}

}  // namespace nas
