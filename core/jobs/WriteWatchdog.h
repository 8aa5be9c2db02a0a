#pragma once
// A worker that hangs inside a write transaction blocks the whole workspace: SQLite cannot
// break a live process's lock, so no other worker can take its job over or write anything
// (issue 13). WriteWatchdog watches one connection from a thread of its own; when that
// connection has held the write lock for longer than `limit` (far longer than any batch of
// writes takes), it logs why and aborts the process. The operating system then releases the
// lock, the job's worker counts as dead (its pid is gone), and another worker re-queues the
// job and resumes it from its checkpoint. A process that is stopped as a whole (SIGSTOP) is
// out of its reach: its watchdog is stopped too.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/Workspace.h"

namespace nas {

class WriteWatchdog {
 public:
  // limit <= 0: no watchdog (no thread). `every`: how often the lock is looked at.
  WriteWatchdog(const Workspace& ws, std::chrono::milliseconds limit,
                std::chrono::milliseconds every = std::chrono::milliseconds(1000));
  ~WriteWatchdog();  // stops the thread
  WriteWatchdog(const WriteWatchdog&) = delete;
  WriteWatchdog& operator=(const WriteWatchdog&) = delete;

 private:
  void loop();

  const Workspace& ws_;
  std::chrono::milliseconds limit_, every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace nas
