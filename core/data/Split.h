#pragma once
// Deterministic train/validation split: a seeded permutation, the first round(fraction * N)
// indices become validation. Both parts keep the original order of their rows, so the same
// (seed, fraction) gives the same split on any machine.
#include <cstdint>
#include <utility>

#include "data/ImageDataset.h"

namespace nas {

struct TrainValSplit {
  ImageDataset train;
  ImageDataset val;  // empty (size 0) when fraction is 0
};

// fraction in [0, 1); throws InvalidArgument otherwise.
TrainValSplit splitTrainVal(const ImageDataset& all, double valFraction, std::uint64_t seed);

}  // namespace nas
