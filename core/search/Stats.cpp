#include "search/Stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/Error.h"

namespace nas {

double mean(const std::vector<double>& v) {
  if (v.empty()) return 0.0;
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double stddev(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  double m = mean(v), acc = 0.0;
  for (double x : v) acc += (x - m) * (x - m);
  return std::sqrt(acc / static_cast<double>(v.size() - 1));
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void checkSameSize(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size())
    throw Error(ErrorCode::InvalidArgument, "rank correlation needs two lists of the same length");
}

double kendallTau(const std::vector<double>& a, const std::vector<double>& b) {
  checkSameSize(a, b);
  const size_t n = a.size();
  long long concordant = 0, discordant = 0, tiesA = 0, tiesB = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      double da = a[i] - a[j], db = b[i] - b[j];
      if (da == 0 && db == 0) continue;
      if (da == 0) { ++tiesA; continue; }
      if (db == 0) { ++tiesB; continue; }
      if ((da > 0) == (db > 0)) ++concordant; else ++discordant;
    }
  }
  double denom = std::sqrt(double(concordant + discordant + tiesA) * double(concordant + discordant + tiesB));
  return denom > 0 ? double(concordant - discordant) / denom : 0.0;
}

std::vector<double> averageRanks(const std::vector<double>& v) {
  std::vector<size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](size_t x, size_t y) { return v[x] < v[y]; });
  std::vector<double> ranks(v.size());
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
    double r = 0.5 * double(i + j) + 1.0;
    for (size_t k = i; k <= j; ++k) ranks[idx[k]] = r;
    i = j + 1;
  }
  return ranks;
}

double spearmanRho(const std::vector<double>& a, const std::vector<double>& b) {
  checkSameSize(a, b);
  auto ra = averageRanks(a), rb = averageRanks(b);
  double ma = mean(ra), mb = mean(rb), num = 0, da = 0, db = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) * (ra[i] - ma);
    db += (rb[i] - mb) * (rb[i] - mb);
  }
  return (da > 0 && db > 0) ? num / std::sqrt(da * db) : 0.0;
}

double binomialStandardError(double p, double n) { return n > 0 ? std::sqrt(p * (1 - p) / n) : 0.0; }

double signTestP(int wins, int n) {
  if (n <= 0) return 1.0;
  const int k = std::min(wins, n - wins);
  double tail = 0, c = 1;  // c = C(n, i)
  for (int i = 0; i <= k; ++i) {
    tail += c;
    c = c * (n - i) / (i + 1);
  }
  return std::min(1.0, 2.0 * tail / std::pow(2.0, n));
}

double wilcoxonSignedRankP(const std::vector<double>& differences) {
  std::vector<double> d;
  for (double x : differences)
    if (x != 0.0 && std::isfinite(x)) d.push_back(x);
  const size_t n = d.size();
  if (n == 0) return 1.0;
  if (n > 60) throw Error(ErrorCode::InvalidArgument, "exact test supports at most 60 non-zero differences", "wilcoxon");
  std::vector<double> magnitude(n);
  for (size_t i = 0; i < n; ++i) magnitude[i] = std::abs(d[i]);
  const std::vector<double> ranks = averageRanks(magnitude);
  // Average ranks are multiples of 1/2: count in half-rank units so the sums are integers.
  std::vector<int> twice(n);
  int total = 0, plus = 0;
  for (size_t i = 0; i < n; ++i) {
    twice[i] = static_cast<int>(std::lround(2.0 * ranks[i]));
    total += twice[i];
    if (d[i] > 0) plus += twice[i];
  }
  // ways[s]: sign assignments whose positive ranks sum to s (each of the 2^n equally likely).
  std::vector<double> ways(static_cast<size_t>(total) + 1, 0.0);
  ways[0] = 1.0;
  for (int r : twice)
    for (int s = total; s >= r; --s) ways[static_cast<size_t>(s)] += ways[static_cast<size_t>(s - r)];
  // Two-sided: the more extreme tail of W+ around its mean total/2, doubled.
  const int low = std::min(plus, total - plus);
  double tail = 0.0;
  for (int s = 0; s <= low; ++s) tail += ways[static_cast<size_t>(s)];
  return std::min(1.0, 2.0 * tail / std::pow(2.0, static_cast<double>(n)));
}

}  // namespace nas
