#include "jobs/WriteWatchdog.h"

#include <cstdlib>
#include <string>

#include "common/Log.h"

namespace nas {

WriteWatchdog::WriteWatchdog(const Workspace& ws, std::chrono::milliseconds limit, std::chrono::milliseconds every)
    : ws_(ws), limit_(limit), every_(every) {
  if (limit_.count() > 0) thread_ = std::thread([this] { loop(); });
}

WriteWatchdog::~WriteWatchdog() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WriteWatchdog::loop() {
  const double limitSeconds = limit_.count() / 1000.0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, every_, [this] { return stop_; })) {
    const double held = ws_.writeLockHeldSeconds();
    if (held <= limitSeconds) continue;
    // Nothing else can free the workspace while this process lives: every other worker and
    // window waits on this lock.
    log::error("this process has held the write lock of " + ws_.path() + " for " + std::to_string(held) +
               " s (limit " + std::to_string(limitSeconds) +
               " s): it hangs inside a write transaction; aborting so that the lock is released and another worker "
               "can take the job over");
    std::abort();
  }
}

}  // namespace nas
