#include "jobs/LatencyTiming.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>

#include <time.h>

#include "common/Error.h"

namespace nas {

const char* timingClockName(TimingClock c) { return c == TimingClock::ThreadCpu ? "thread-cpu" : "wall"; }

namespace {
double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}
}  // namespace

void TimingOptions::validate() const {
  auto bad = [](const char* field, const std::string& why) {
    throw Error(ErrorCode::InvalidArgument, why, std::string("timing option ") + field);
  };
  if (warmupRuns < 0) bad("warmup_runs", "must be >= 0");
  if (!(warmupMs >= 0)) bad("warmup_ms", "must be >= 0");
  if (minRepeats < 1) bad("min_repeats", "must be >= 1");
  if (maxRepeats < minRepeats) bad("max_repeats", "must be >= min_repeats");
  if (!(budgetMs >= 0)) bad("budget_ms", "must be >= 0");
  if (innerLoops < 1) bad("inner_loops", "must be >= 1");
  if (blockSize < 1) bad("block_size", "must be >= 1");
}

double quantileSorted(const std::vector<double>& s, double q) {
  if (s.empty()) throw Error(ErrorCode::InvalidArgument, "no samples", "quantile");
  const double pos = q * static_cast<double>(s.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, s.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return s[lo] + (s[hi] - s[lo]) * frac;
}

TimingStats summarizeTimings(std::vector<double> raw, int blockSize) {
  if (raw.empty()) throw Error(ErrorCode::InvalidArgument, "no samples to summarize", "timing");
  std::vector<double> v;
  if (blockSize > 1) {
    for (size_t i = 0; i < raw.size(); i += static_cast<size_t>(blockSize))
      v.push_back(*std::min_element(raw.begin() + static_cast<std::ptrdiff_t>(i),
                                    raw.begin() + static_cast<std::ptrdiff_t>(std::min(raw.size(), i + static_cast<size_t>(blockSize)))));
  } else {
    v = std::move(raw);
  }
  std::sort(v.begin(), v.end());
  TimingStats t;
  t.repeats = static_cast<std::int64_t>(v.size());
  t.medianMs = quantileSorted(v, 0.5);
  t.q1Ms = quantileSorted(v, 0.25);
  t.q3Ms = quantileSorted(v, 0.75);
  t.iqrMs = t.q3Ms - t.q1Ms;
  t.minMs = v.front();
  t.meanMs = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  return t;
}

TimingStats timeRepeated(const std::function<void()>& fn, const TimingOptions& o,
                         const std::function<bool()>& cancelled) {
  o.validate();
  using Clock = std::chrono::steady_clock;
  auto msSince = [](Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  };
  const auto warm0 = Clock::now();
  for (int i = 0; i < o.warmupRuns || msSince(warm0) < o.warmupMs; ++i) {
    fn();
    if (i > 10000) break;  // a function far faster than the timer: enough
  }
  std::vector<double> samples;
  samples.reserve(static_cast<size_t>(o.maxRepeats));
  double spent = 0;
  while (static_cast<int>(samples.size()) < o.maxRepeats) {
    if (static_cast<int>(samples.size()) >= o.minRepeats && spent >= o.budgetMs) break;
    if (!samples.empty() && cancelled && cancelled()) break;
    double ms = 0;
    if (o.clock == TimingClock::ThreadCpu) {
      const double c0 = threadCpuMs();
      for (int k = 0; k < o.innerLoops; ++k) fn();
      ms = threadCpuMs() - c0;
    } else {
      const auto t0 = Clock::now();
      for (int k = 0; k < o.innerLoops; ++k) fn();
      ms = msSince(t0);
    }
    spent += ms;
    samples.push_back(ms / o.innerLoops);
  }
  TimingStats t = summarizeTimings(samples, o.blockSize);
  t.repeats = static_cast<std::int64_t>(samples.size());  // runs, not blocks
  return t;
}

}  // namespace nas
