#pragma once
// Cosine learning-rate annealing, evaluated per optimizer step (not per epoch): step t of T
// uses minLr + (base - minLr) * (1 + cos(pi * t / T)) / 2, so the first step runs at `base`
// and the rate approaches minLr at the end. A function of the step alone, so resuming needs
// only the step number.
#include <cmath>
#include <cstdint>

namespace nas {

inline double cosineLr(double base, std::int64_t step, std::int64_t totalSteps, double minLr = 0.0) {
  if (totalSteps <= 0) return base;
  const double t = static_cast<double>(step < totalSteps ? step : totalSteps) / static_cast<double>(totalSteps);
  return minLr + (base - minLr) * 0.5 * (1.0 + std::cos(3.141592653589793 * t));
}

}  // namespace nas
