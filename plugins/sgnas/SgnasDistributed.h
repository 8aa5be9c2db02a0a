#pragma once
// The sgnas job over several data-parallel ranks (issue 18): only the supernet phase is shared.
// Rank 0 runs the whole job (SgnasRun::trainSupernet announces the phase, sends its trainer
// state and trains its share); every other rank runs followSgnasJob, through
// SgnasMethod::followDataParallelPhase (train/DistributedJob.h).
#include <memory>

#include "common/Json.h"

namespace nas {
class DistGroup;
}

namespace nas::sgnas {

// A rank > 0's part: the same data split, supernet and fair paths as rank 0 (same seed), its
// share of every global batch, rank 0's trainer state (a resume) by broadcast. Writes nothing.
void followSgnasJob(const Json& message, const std::shared_ptr<DistGroup>& group);

}  // namespace nas::sgnas
