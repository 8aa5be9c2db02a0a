#include "train/Device.h"

#include <torch/cuda.h>
#include <ATen/Context.h>

#include "common/Error.h"
#include "common/Log.h"
#include "common/ProgressSink.h"

namespace nas {

torch::Device parseDevice(const std::string& text, bool* fellBack, const std::string& param) {
  if (fellBack) *fellBack = false;
  const bool cuda = torch::cuda::is_available();
  if (text == "auto") return cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (text == "cpu") return torch::kCPU;
  int index = -1;
  if (text == "cuda") index = 0;
  else if (text.rfind("cuda:", 0) == 0 && text.size() > 5 && text.size() < 9 &&
           text.find_first_not_of("0123456789", 5) == std::string::npos)
    index = std::stoi(text.substr(5));
  if (index < 0) throw Error(ErrorCode::InvalidArgument, "'" + text + "' is not auto, cpu, cuda or cuda:N", param);
  if (!cuda) {
    if (fellBack) *fellBack = true;
    return torch::kCPU;
  }
  if (index >= static_cast<int>(torch::cuda::device_count()))
    throw Error(ErrorCode::InvalidArgument,
                text + ": this machine has " + std::to_string(torch::cuda::device_count()) + " GPU(s)", param);
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

std::string DeviceChoice::name() const { return device.str(); }

DeviceChoice chooseDevice(const std::string& requested, ProgressSink* sink, const std::string& what) {
  DeviceChoice c;
  c.requested = requested;
  c.device = parseDevice(c.requested, &c.fellBack);
  if (c.fellBack) {
    const std::string line =
        what + ": device " + c.requested + " requested but this build or machine has no CUDA: running on the CPU";
    if (sink) sink->log(line);
    else log::warn(line);
  }
  return c;
}

DeviceChoice deviceFromParams(const Json& params, ProgressSink* sink, const std::string& what) {
  std::string requested = "auto";
  if (params.contains("device")) {
    if (!params.at("device").is_string())
      throw Error(ErrorCode::InvalidArgument, "must be a string (auto, cpu, cuda or cuda:N)", "device");
    requested = params.at("device").get<std::string>();
  }
  return chooseDevice(requested, sink, what);
}

void requireRequested(const DeviceChoice& choice, const std::string& what) {
  if (choice.fellBack)
    throw Error(ErrorCode::Unsupported,
                choice.requested + " requested but this build or machine has no CUDA (" + what +
                    " on another device would measure the wrong hardware)",
                "device");
}

bool cudaBuild() { return at::hasCUDA(); }

}  // namespace nas
