#pragma once
// Where a slider move's wall time went on the calling thread (Linux): CPU time it ran,
// time it sat runnable waiting for a core (the scheduler's run delay, from
// /proc/thread-self/schedstat), and the rest: time it slept (waiting for the X server, a
// lock, a timer). Plus how often it gave the core up (voluntary) or was preempted.
// A slow move with a large run delay is the scheduler; with a large CPU time, the work.
#include <cstdio>
#include <ctime>
#ifdef __linux__
#include <sys/resource.h>
#endif

namespace nas::bench {

struct ThreadSample {
  double cpuMs = 0, runDelayMs = 0;
  long voluntary = 0, preempted = 0;
};

inline ThreadSample sampleThread() {
  ThreadSample s;
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  s.cpuMs = static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
#ifdef __linux__
  if (FILE* f = std::fopen("/proc/thread-self/schedstat", "r")) {
    unsigned long long run = 0, wait = 0;
    if (std::fscanf(f, "%llu %llu", &run, &wait) == 2) s.runDelayMs = static_cast<double>(wait) / 1e6;
    std::fclose(f);
  }
  rusage u{};
  if (getrusage(RUSAGE_THREAD, &u) == 0) {
    s.voluntary = u.ru_nvcsw;
    s.preempted = u.ru_nivcsw;
  }
#endif
  return s;
}

// b - a
inline ThreadSample operator-(const ThreadSample& b, const ThreadSample& a) {
  return {b.cpuMs - a.cpuMs, b.runDelayMs - a.runDelayMs, b.voluntary - a.voluntary, b.preempted - a.preempted};
}

}  // namespace nas::bench
