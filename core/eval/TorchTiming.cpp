#include "eval/TorchTiming.h"

#include <torch/torch.h>
#include <torch/version.h>

namespace nas {

namespace {
// Restores the intra-op thread count on scope exit, so a measurement in the GUI process or
// a test leaves LibTorch as it found it.
class ScopedThreads {
 public:
  explicit ScopedThreads(int n) : old_(torch::get_num_threads()) {
    if (n != old_) torch::set_num_threads(n);
  }
  ~ScopedThreads() {
    if (torch::get_num_threads() != old_) torch::set_num_threads(old_);
  }
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int old_;
};
}  // namespace

TimingStats timeInference(const std::function<void()>& forward, const LatencyOptions& options) {
  options.validate();
  ScopedThreads threads(options.threads);
  torch::NoGradGuard noGrad;
  return timeRepeated(forward, options.timing);
}

std::string torchVersionString() { return TORCH_VERSION; }

}  // namespace nas
