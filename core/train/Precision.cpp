#include "train/Precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "common/Error.h"

// LibTorch 2.4 takes the device type as an argument and deprecates the per-device functions
// that 1.13 (Debian's) has only.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define NAS_AUTOCAST_BY_DEVICE_TYPE 1
#endif

namespace nas {
namespace {

bool autocastEnabled(c10::DeviceType type) {
#ifdef NAS_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::is_autocast_enabled(type);
#else
  return type == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

void setAutocastEnabled(c10::DeviceType type, bool enabled) {
#ifdef NAS_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_enabled(type, enabled);
#else
  if (type == c10::DeviceType::CUDA) at::autocast::set_enabled(enabled);
  else at::autocast::set_cpu_enabled(enabled);
#endif
}

c10::ScalarType autocastDtype(c10::DeviceType type) {
#ifdef NAS_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::get_autocast_dtype(type);
#else
  return type == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

void setAutocastDtype(c10::DeviceType type, c10::ScalarType dtype) {
#ifdef NAS_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_dtype(type, dtype);
#else
  if (type == c10::DeviceType::CUDA) at::autocast::set_autocast_gpu_dtype(dtype);
  else at::autocast::set_autocast_cpu_dtype(dtype);
#endif
}

}  // namespace

Precision parsePrecision(const std::string& text, const std::string& param) {
  if (text == "fp32") return Precision::Fp32;
  if (text == "bf16") return Precision::Bf16;
  throw Error(ErrorCode::InvalidArgument, "'" + text + "' is not fp32 or bf16", param);
}

const char* precisionName(Precision p) { return p == Precision::Bf16 ? "bf16" : "fp32"; }

bool bf16Available(torch::Device device) {
  if (device.is_cuda()) return true;  // CUDA builds have bf16 kernels (emulated before Ampere)
  static const bool cpu = [] {
    try {
      // What a training step needs: convolution and batch norm forward and backward.
      const at::Tensor x = at::randn({2, 2, 6, 6});
      const at::Tensor w = at::randn({2, 2, 3, 3}).requires_grad_(true);
      const at::Tensor gamma = at::ones({2}), beta = at::zeros({2});
      at::Tensor y;
      {
        AutocastGuard autocast(torch::kCPU, Precision::Bf16);
        y = at::conv2d(x, w);
        y = at::batch_norm(y, gamma, beta, {}, {}, /*training=*/true, 0.1, 1e-5, /*cudnn_enabled=*/false);
      }
      y.to(at::kFloat).sum().backward();
      return y.scalar_type() == at::kBFloat16 && w.grad().defined();
    } catch (const std::exception&) {
      return false;
    }
  }();
  return cpu;
}

void requireAvailable(Precision precision, torch::Device device) {
  if (precision == Precision::Bf16 && !bf16Available(device))
    throw Error(ErrorCode::Unsupported,
                "bf16 cannot train on this CPU with this LibTorch (its oneDNN has no bf16 convolution here, "
                "as below AVX512 in LibTorch 1.13); use precision=fp32",
                "precision");
}

AutocastGuard::AutocastGuard(torch::Device device, Precision precision) {
  if (precision != Precision::Bf16) return;
  if (device.type() != c10::DeviceType::CPU && device.type() != c10::DeviceType::CUDA)
    throw Error(ErrorCode::Unsupported, "bf16 autocast runs on the CPU and on CUDA only", "precision");
  type_ = device.type();
  wasEnabled_ = autocastEnabled(type_);
  previousDtype_ = autocastDtype(type_);
  setAutocastEnabled(type_, true);
  setAutocastDtype(type_, c10::ScalarType::BFloat16);
  at::autocast::increment_nesting();
  active_ = true;
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  // The casts of the parameters are cached for the outermost block; drop them when it ends,
  // as Python's autocast does, so the next step casts the updated weights.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  setAutocastEnabled(type_, wasEnabled_);
  setAutocastDtype(type_, previousDtype_);
}

}  // namespace nas
