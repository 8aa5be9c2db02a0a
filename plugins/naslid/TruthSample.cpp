#include "TruthSample.h"

#include <algorithm>
#include <numeric>

#include "common/Error.h"
#include "common/Paths.h"
#include "data/Rng.h"
#include "search/TabularBenchmark.h"

namespace nas::naslid {

namespace {

constexpr int kCells = 15625;

void checkCount(int count, std::size_t population) {
  if (count < 2 || static_cast<std::size_t>(count) > population)
    throw Error(ErrorCode::InvalidArgument,
                "must be 2.." + std::to_string(population) + ", got " + std::to_string(count), "count");
}

// `keyed` sorted by (key, cell index): `count` equal strata, one cell uniformly from each.
std::vector<Nb201Cell> drawFromStrata(const std::vector<std::pair<double, int>>& keyed, int count, std::uint64_t seed) {
  Rng rng(Rng::derive(seed, 0x57A7));
  std::vector<Nb201Cell> cells;
  const std::size_t n = keyed.size();
  for (int s = 0; s < count; ++s) {
    const std::size_t lo = static_cast<std::size_t>(s) * n / static_cast<std::size_t>(count);
    const std::size_t hi = static_cast<std::size_t>(s + 1) * n / static_cast<std::size_t>(count);
    cells.push_back(Nb201Cell::fromIndex(keyed[lo + rng.below(hi - lo)].second));
  }
  return cells;
}

}  // namespace

Strata parseStrata(const std::string& name) {
  if (name == "params") return Strata::Params;
  if (name == "accuracy") return Strata::Accuracy;
  throw Error(ErrorCode::InvalidArgument, "unknown rule '" + name + "' (params or accuracy)", "strata");
}

const char* strataName(Strata s) { return s == Strata::Params ? "params" : "accuracy"; }

std::vector<Nb201Cell> stratifiedSample(int count, std::uint64_t seed, const Nb201MacroConfig& macro) {
  checkCount(count, kCells);
  std::vector<std::pair<double, int>> bySize;
  bySize.reserve(kCells);
  for (int i = 0; i < kCells; ++i)
    bySize.emplace_back(static_cast<double>(nb201Cost(Nb201Cell::fromIndex(i), macro).params), i);
  std::sort(bySize.begin(), bySize.end());
  return drawFromStrata(bySize, count, seed);
}

std::vector<Nb201Cell> stratifiedByAccuracy(int count, std::uint64_t seed, const TabularBenchmark& table,
                                            const std::string& metric) {
  const std::size_t column = table.metricIndex(metric);
  std::vector<std::pair<double, int>> byAccuracy;
  for (int i = 0; i < kCells; ++i) {
    const Nb201Cell cell = Nb201Cell::fromIndex(i);
    if (!cell.connected()) continue;
    if (const auto row = table.findCell(cell)) byAccuracy.emplace_back(table.value(*row, column), i);
  }
  checkCount(count, byAccuracy.size());
  std::sort(byAccuracy.begin(), byAccuracy.end());
  return drawFromStrata(byAccuracy, count, seed);
}

std::vector<Nb201Cell> truthSample(Strata rule, int count, std::uint64_t seed, const std::string& tablePath) {
  if (rule == Strata::Params) return stratifiedSample(count, seed, {});
  TabularBenchmark::Options o;
  o.space = "nb201";
  return stratifiedByAccuracy(count, seed,
                              TabularBenchmark::load(tablePath.empty() ? resourcePath("data/nb201/cifar10.csv") : tablePath, o));
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
