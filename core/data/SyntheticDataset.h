#pragma once
// A tiny deterministic image set for tests and smoke runs: class k has its own brightness and
// stripe orientation, plus Gaussian noise. A network learns it in a few dozen steps, even
// through NAS-Bench-201's global average pooling (brightness survives the pooling; the stripes
// give the convolutions something to do).
#include <cstdint>

#include "data/ImageDataset.h"

namespace nas {

struct SyntheticOptions {
  std::int64_t size = 512;
  std::int64_t channels = 1;
  std::int64_t height = 16;
  std::int64_t width = 16;
  std::int64_t classes = 4;
  double noise = 0.1;  // standard deviation, in units of the full pixel range
  std::uint64_t seed = 0;
};

// Labels cycle 0,1,..,classes-1 so every class is present; name "synthetic".
ImageDataset makeSyntheticDataset(const SyntheticOptions& opt);

}  // namespace nas
