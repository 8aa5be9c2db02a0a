#pragma once
// The sgnas job's one checkpoint: the phase it is in, small JSON state (loss windows, phase
// seconds, the per-epoch probe accuracies), the supernet's weights and the current phase's
// trainer state (empty at a phase boundary).
#include <string>

#include "common/Json.h"

namespace nas::sgnas {

enum SgnasPhase : int { kSupernetPhase = 0, kGeneratorPhase = 1, kEvaluatePhase = 2 };

struct SgnasCheckpoint {
  int phase = kSupernetPhase;
  Json state = Json::object();
  std::string supernet, trainer;

  std::string save() const;
  static SgnasCheckpoint load(const std::string& bytes);  // throws nas::Error (CorruptData)
};

}  // namespace nas::sgnas
