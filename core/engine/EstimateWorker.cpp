// EstimateWorker: a condition-variable loop over a one-slot queue and a background list.
#include "engine/EstimateWorker.h"

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
