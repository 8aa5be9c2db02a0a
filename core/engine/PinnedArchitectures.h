#pragma once
// Architectures a person pinned from a live generator, kept in the workspace with the job
// that generated them. A pin is written with existing rows, in one transaction:
//   - the architecture (space, canonical string, FLOPs, params), shared with every view;
//   - evaluations of the job: "supernet_estimated_accuracy" (source "supernet") when an
//     estimate was known, and "target_<control>" per target the request gave;
//   - a sample of the job whose payload says {"kind": "pinned", "pinned_by": "user"} and
//     keeps the request and the generated object (costs, layers), so the panel can redraw
//     the architecture without the generator.
// Pinning the same architecture twice for a job returns the first pin.
#include <optional>
#include <string>
#include <vector>

#include "common/Json.h"
#include "store/Records.h"

namespace nas {

class Workspace;

struct PinnedArchitecture {
  ArchId arch = 0;
  std::string canonical;
  double flops = 0;
  std::int64_t params = 0;
  Json generated;                 // the generate() object without "graph"
  Json targets;                   // the request
  std::optional<double> accuracy; // the supernet estimate, when it was known
  std::int64_t sampleId = 0;
};

// `generated` is a generate() result (needs "arch", "flops", "params"; "space" defaults to
// `fallbackSpace`); `estimate` an estimate() result ({"accuracy", "dataset"}) or nothing.
// Throws Error (InvalidArgument for an object lacking those keys, store errors).
ArchId pinArchitecture(Workspace& ws, JobId job, const Json& generated, const std::optional<Json>& estimate,
                       const std::string& fallbackSpace);
// The job's pins, oldest first.
std::vector<PinnedArchitecture> pinnedArchitectures(const Workspace& ws, JobId job);

}  // namespace nas
