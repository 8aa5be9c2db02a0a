#pragma once
// The timing loop of the latency profiler, without torch: warm-up, then timed repeats until a
// count or a time budget is reached, summarized by median and interquartile range (robust on
// a machine where other processes run). The torch side (threads, NoGradGuard, the module and
// its input) wraps the function it times; see eval/TorchTiming.h.
#include <cstdint>
#include <functional>
#include <vector>

namespace nas {

// Wall: elapsed time. ThreadCpu: CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID):
// the time the work itself took, without the time the thread waited for a core. On a
// machine shared with other jobs that waiting is noise, not the network's latency; it only
// measures single-threaded work (intra-op threads = 1 runs every op in the caller).
enum class TimingClock { Wall, ThreadCpu };
const char* timingClockName(TimingClock c);  // "wall", "thread-cpu"

struct TimingOptions {
  int warmupRuns = 5;         // untimed runs first (allocations, caches, lazy init)
  double warmupMs = 20;       // ... and at least this long
  int minRepeats = 15;        // timed runs: at least this many
  int maxRepeats = 200;       // ... at most this many
  double budgetMs = 250;      // ... and stop once this much timed time has passed (after minRepeats)
  int innerLoops = 1;         // calls per timed sample (for ops far below a microsecond)
  TimingClock clock = TimingClock::Wall;
  // > 1: the statistics are over the minima of consecutive blocks of this many runs (the
  // last, partial block included). On a machine shared with other jobs a run is either
  // undisturbed or stretched by a burst of interference; the block minimum drops the bursts
  // shorter than a block and the median over blocks the longer ones.
  int blockSize = 1;
  void validate() const;      // throws InvalidArgument naming the bad field
};

struct TimingStats {
  double medianMs = 0;
  double q1Ms = 0, q3Ms = 0;  // quartiles (linear interpolation, as numpy's default)
  double iqrMs = 0;           // q3 - q1
  double minMs = 0, meanMs = 0;
  std::int64_t repeats = 0;
};

// Summary of raw samples (ms), over block minima when blockSize > 1. Empty input throws
// InvalidArgument.
TimingStats summarizeTimings(std::vector<double> samplesMs, int blockSize = 1);
// The q-quantile (0..1) of sorted values, linear interpolation between closest ranks.
double quantileSorted(const std::vector<double>& sorted, double q);

// Runs fn as `options` say and summarizes the per-call times. `cancelled` (optional) is polled
// between samples; when it returns true the loop stops early with what it has (>= 1 sample).
TimingStats timeRepeated(const std::function<void()>& fn, const TimingOptions& options,
                         const std::function<bool()>& cancelled = {});

}  // namespace nas
