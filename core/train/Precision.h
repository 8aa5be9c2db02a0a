#pragma once
// Mixed precision (issue 18): the `precision` of a training job. "fp32" computes everything in
// float; "bf16" runs the forward pass under LibTorch's autocast with bfloat16 (convolutions and
// matrix products in bf16, reductions and the loss in float, parameters, gradients and the
// optimizer in float), as `torch.autocast(device_type, dtype=torch.bfloat16)` does in Python.
// bf16 needs no loss scaling (its exponent range is float's). It helps where the hardware has
// bf16 arithmetic (recent GPUs; CPUs with AVX512-BF16 or AMX) and costs time elsewhere.
#include <torch/types.h>

#include <string>

namespace nas {

enum class Precision { Fp32, Bf16 };

// "fp32" or "bf16"; anything else throws Error(InvalidArgument) naming `param`.
Precision parsePrecision(const std::string& text, const std::string& param = "precision");
const char* precisionName(Precision p);

// Whether bf16 autocast can train on `device`: always on CUDA; on the CPU, whether this
// LibTorch's kernels run a bf16 convolution forward and backward here (probed once per
// process). LibTorch 1.13's oneDNN has none below AVX512, where it fails with "could not create
// a primitive descriptor iterator".
bool bf16Available(torch::Device device);
// Throws Error(Unsupported, context "precision") when `precision` is bf16 and !bf16Available.
void requireAvailable(Precision precision, torch::Device device);

// Autocast on `device`'s type for the guard's lifetime when `precision` is bf16 (nothing for
// fp32); restores the previous state, as leaving a Python `with torch.autocast(...)` block does.
class AutocastGuard {
 public:
  AutocastGuard(torch::Device device, Precision precision);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool active_ = false;
  c10::DeviceType type_ = c10::DeviceType::CPU;
  bool wasEnabled_ = false;
  c10::ScalarType previousDtype_ = c10::ScalarType::BFloat16;
};

}  // namespace nas
