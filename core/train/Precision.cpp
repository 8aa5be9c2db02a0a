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
