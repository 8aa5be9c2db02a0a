#include "data/Split.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/Error.h"
#include "data/Rng.h"

namespace nas {

TrainValSplit splitTrainVal(const ImageDataset& all, double valFraction, std::uint64_t seed) {
  if (!(valFraction >= 0.0 && valFraction < 1.0))
    throw Error(ErrorCode::InvalidArgument, "validation fraction must be in [0, 1), got " + std::to_string(valFraction),
                "val_fraction");
  const std::int64_t n = all.size();
  const auto nVal = static_cast<std::int64_t>(std::llround(valFraction * static_cast<double>(n)));
  std::vector<std::int64_t> perm = seededPermutation(n, Rng::derive(seed, 0x5B117));
  std::vector<std::int64_t> val(perm.begin(), perm.begin() + nVal), train(perm.begin() + nVal, perm.end());
  std::sort(val.begin(), val.end());
  std::sort(train.begin(), train.end());
  return {all.subset(train), all.subset(val)};
}

}  // namespace nas
