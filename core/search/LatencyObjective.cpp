// Predicted latency of every NAS-Bench-201 cell from a device profile, as a search cost.
#include "search/LatencyObjective.h"

#include <memory>
#include <vector>

#include "common/Error.h"
#include "jobs/LatencySpace.h"

namespace nas {

LatencyObjective nb201LatencyObjective(const Workspace& ws, const std::string& profileName, const LatencySpace& nb201) {
  const auto profile = resolveDeviceProfile(ws, profileName, nb201.name());
  if (!profile)
    throw Error(ErrorCode::NotFound,
                "the workspace has no device profile of space " + nb201.name() +
                    " for the objective latency_ms; run `nasstudio-cli latency profile --space " + nb201.name() +
                    "` first (or import one with `nasstudio-cli latency import`)",
                "space '" + nb201.name() + "'");
  const LatencyTable table = LatencyTable::load(ws, *profile, nb201);
  // Every cell once (a few tens of milliseconds): the strategies rank whole candidate sets
  // by cost, and the loop asks per query.
  auto ms = std::make_shared<std::vector<double>>(kNb201NumCells);
  for (int i = 0; i < kNb201NumCells; ++i)
    (*ms)[i] = table.predict(nb201.entriesOf(Nb201Cell::fromIndex(i).toString()));
  LatencyObjective out;
  out.profile = profile->name;
  out.second.name = kLatencyObjective;
  out.second.cost = [ms](const Nb201Cell& c) { return (*ms)[c.index()]; };
  return out;
}

}  // namespace nas
