#pragma once
// Latency as the second objective of a query-based search (issue 6, "use everywhere"): the
// predicted milliseconds of a cell's NAS-Bench-201 network from a device profile's lookup
// table, corrected when the profile has a correction, exactly what `arch stats` and
// `latency annotate` report as latency_ms.
#include <string>

#include "search/QuerySearch.h"

namespace nas {

class LatencySpace;
class Workspace;

struct LatencyObjective {
  std::string profile;     // the device profile used
  SecondObjective second;  // name "latency_ms" with the cost set; the caller adds a limit
};

// `nb201` is the "nb201" latency space (Engine::latencySpaces() or makeNb201LatencySpace();
// it lives in the ml room, which this room must not depend on). `profileName` empty: the
// workspace's latest profile with entries of nb201. Throws NotFound when the workspace has
// no such profile (naming `nasstudio-cli latency profile --space nb201`), when a named
// profile does not exist, or when the profile lacks entries of the space. All cells'
// latencies are computed here once.
LatencyObjective nb201LatencyObjective(const Workspace& ws, const std::string& profileName, const LatencySpace& nb201);

}  // namespace nas
