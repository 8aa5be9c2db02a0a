#pragma once
// A tiny deterministic generator (SplitMix64) for everything the data pipeline draws:
// shuffles, splits, crop offsets, flips, synthetic noise. It is ours rather than torch's
// global generator so that a run is reproducible across LibTorch versions and its whole
// state is one 64-bit word, which makes resuming mid-epoch trivial.

#include <cmath>
#include <cstdint>
#include <vector>

namespace nas {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), without modulo bias (rejection), so results do not depend on the
  // standard library the way std::uniform_int_distribution does.
  std::uint64_t below(std::uint64_t n) {
    if (n <= 1) return 0;
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t x;
    do x = next();
    while (x >= limit);
    return x % n;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {  // Box-Muller; one value per call keeps the state a single word
    double u1 = uniform(), u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  std::uint64_t state() const { return state_; }
  void setState(std::uint64_t s) { state_ = s; }

  // A seed derived from a parent seed and a stream number (epoch, batch, class ...):
  // independent streams without storing any of them.
  static std::uint64_t derive(std::uint64_t seed, std::uint64_t stream) {
    Rng r(seed ^ (stream * 0xD1B54A32D192ED03ULL + 0x632BE59BD9B4E019ULL));
    r.next();
    return r.next();
  }

 private:
  std::uint64_t state_;
};

// 0..n-1 in a seeded random order (Fisher-Yates).
inline std::vector<std::int64_t> seededPermutation(std::int64_t n, std::uint64_t seed) {
  std::vector<std::int64_t> p(static_cast<size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) p[static_cast<size_t>(i)] = i;
  Rng rng(seed);
  for (std::int64_t i = n - 1; i > 0; --i) {
    auto j = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(i + 1)));
    std::swap(p[static_cast<size_t>(i)], p[static_cast<size_t>(j)]);
  }
  return p;
}

}  // namespace nas
