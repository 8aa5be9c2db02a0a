#pragma once
// A cancel flag shared between whoever asks to stop (a signal handler, the GUI, a
// "cancel" row in the workspace) and the loop that polls it between batches.

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace nas {

class CancelToken {
 public:
  CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}

  void cancel() { flag_->store(true); }
  // True once cancel() was called or one of the external polls says so.
  bool cancelled() const {
    if (flag_->load()) return true;
    for (const auto& poll : polls_) {
      if (poll()) {
        flag_->store(true);
        return true;
      }
    }
    return false;
  }
  // An extra source of cancellation, e.g. a flag in the workspace set by another process
  // or a signal handler's flag. Called from the polling thread only.
  void addPoll(std::function<bool()> poll) { polls_.push_back(std::move(poll)); }
  // Throws Error(Cancelled) when cancelled; for loops that unwind on cancel.
  void throwIfCancelled() const;

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
  std::vector<std::function<bool()>> polls_;
};

}  // namespace nas
