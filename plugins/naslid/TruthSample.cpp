#include "TruthSample.h"

#include <algorithm>
#include <numeric>

#include "common/Error.h"
#include "data/Rng.h"

namespace nas::naslid {

std::vector<Nb201Cell> stratifiedSample(int count, std::uint64_t seed, const Nb201MacroConfig& macro) {
  constexpr int kCells = 15625;
  if (count < 2 || count > kCells)
    throw Error(ErrorCode::InvalidArgument, "must be 2..15625, got " + std::to_string(count), "count");
  std::vector<std::pair<std::int64_t, int>> bySize;
  bySize.reserve(kCells);
  for (int i = 0; i < kCells; ++i) bySize.emplace_back(nb201Cost(Nb201Cell::fromIndex(i), macro).params, i);
  std::sort(bySize.begin(), bySize.end());
  Rng rng(Rng::derive(seed, 0x57A7));
  std::vector<Nb201Cell> cells;
  for (int s = 0; s < count; ++s) {
    const std::size_t lo = static_cast<std::size_t>(s) * kCells / static_cast<std::size_t>(count);
    const std::size_t hi = static_cast<std::size_t>(s + 1) * kCells / static_cast<std::size_t>(count);
    cells.push_back(Nb201Cell::fromIndex(bySize[lo + rng.below(hi - lo)].second));
  }
  return cells;
}

double topKPrecision(const std::vector<double>& predicted, const std::vector<double>& truth, int k) {
  if (predicted.size() != truth.size() || predicted.empty())
    throw Error(ErrorCode::InvalidArgument, "needs two non-empty lists of the same length");
  const int n = static_cast<int>(truth.size());
  k = std::clamp(k, 1, n);
  auto top = [&](const std::vector<double>& v) {
    std::vector<int> idx(static_cast<size_t>(n));
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return v[static_cast<size_t>(a)] > v[static_cast<size_t>(b)]; });
    idx.resize(static_cast<size_t>(k));
    std::sort(idx.begin(), idx.end());
    return idx;
  };
  const auto a = top(predicted), b = top(truth);
  std::vector<int> common;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
  return static_cast<double>(common.size()) / k;
}

}  // namespace nas::naslid
