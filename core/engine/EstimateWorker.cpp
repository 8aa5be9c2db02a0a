// EstimateWorker: a condition-variable loop over a one-slot queue and a background list.
#include "engine/EstimateWorker.h"

#include <algorithm>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace nas {

EstimateWorker::EstimateWorker(Estimator estimate, Callback done)
    : estimate_(std::move(estimate)), done_(std::move(done)), thread_([this] { loop(); }) {}

EstimateWorker::~EstimateWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    current_.reset();
    background_.clear();
  }
  wake_.notify_all();
  thread_.join();
}

void EstimateWorker::request(const std::string& arch) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = arch;
  }
  wake_.notify_all();
}

void EstimateWorker::requestBackground(std::vector<std::string> archs) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    background_.assign(archs.begin(), archs.end());
  }
  wake_.notify_all();
}

void EstimateWorker::clearBackground() {
  std::lock_guard<std::mutex> lock(mutex_);
  background_.clear();
}

bool EstimateWorker::idle() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !busy_ && !current_ && background_.empty();
}

long EstimateWorker::computed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return computed_;
}

void EstimateWorker::loop() {
#ifdef __linux__
  // Estimates are background work (a supernet pass over hundreds of images, while a drag
  // calls generate() about every 16 ms): the thread runs 10 nice levels below the threads of
  // its process, so on a busy machine it yields to the GUI thread rather than share with it
  // (issue 21). Linux keeps a nice value per thread; elsewhere all threads share one.
  errno = 0;
  const int base = getpriority(PRIO_PROCESS, 0);
  if (errno == 0) setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), std::min(19, base + 10));
#endif
  for (;;) {
    EstimateResult r;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || current_ || !background_.empty(); });
      if (stop_) return;
      if (current_) {
        r.arch = std::move(*current_);
        current_.reset();
      } else {
        r.arch = std::move(background_.front());
        background_.pop_front();
        r.background = true;
      }
      busy_ = true;
    }
    // The one place an exception could leave the thread: everything becomes an Error value.
    try {
      r.value = estimate_(r.arch);
    } catch (const Error& e) {
      r.error = e;
    } catch (const std::exception& e) {
      r.error = toError(e);
    } catch (...) {
      r.error = Error(ErrorCode::Internal, "unknown exception", "estimate");
    }
    bool stopping = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++computed_;
      stopping = stop_;
    }
    if (!stopping && done_) {
      try {
        done_(r);
      } catch (...) {
        // A callback that throws loses its result, never the thread (or the process).
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      busy_ = false;
    }
  }
}

}  // namespace nas
