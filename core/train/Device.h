#pragma once
// The one device rule of core (issue 18): what a method's `device` parameter (jobs/DeviceParam.h)
// means. "auto" is the first GPU when this LibTorch build has CUDA and a GPU is present, else the
// CPU; "cpu"; "cuda" (= "cuda:0") or "cuda:N". A CUDA request on a build or machine without
// CUDA falls back to the CPU and says so (DeviceChoice::fellBack, a log line); a method for which
// a fall-back would be misleading (latency profiling) refuses it instead (requireRequested).
// N beyond the GPUs present and any other text throw Error(InvalidArgument) naming the parameter.
#include <torch/types.h>

#include <string>

#include "common/Json.h"

namespace nas {

class ProgressSink;

// `text` read by the rule above; `fellBack` (optional) says a CUDA request got the CPU.
// `param` names the parameter in errors.
torch::Device parseDevice(const std::string& text, bool* fellBack = nullptr, const std::string& param = "device");

struct DeviceChoice {
  std::string requested = "auto";  // the parameter's text
  torch::Device device = torch::kCPU;
  bool fellBack = false;  // CUDA was asked for and this build or machine has none
  // "cpu", "cuda:0": what a job stores in its result so the workspace says where it ran.
  std::string name() const;
  // Where a job trains given whether it runs over data-parallel ranks: Gloo reduces CPU
  // tensors, so "auto" puts the ranks on the CPU (an explicit cuda request with ranks is
  // refused by the trainer, train/DistGroup.h's joinDataParallel).
  torch::Device forRanks(bool dataParallel) const {
    return dataParallel && requested == "auto" ? torch::Device(torch::kCPU) : device;
  }
};

// `requested` read by the rule above. A fall-back is said: logged to `sink` when given, else to
// the process log, with `what` ("sgnas", "supernet source") naming who falls back.
DeviceChoice chooseDevice(const std::string& requested, ProgressSink* sink, const std::string& what);

// params["device"] (absent: "auto") by chooseDevice.
DeviceChoice deviceFromParams(const Json& params, ProgressSink* sink = nullptr, const std::string& what = "job");

// Throws Error(Unsupported, context "device") when `choice` fell back: for a method whose
// figures are only meaningful on the device asked for.
void requireRequested(const DeviceChoice& choice, const std::string& what);

// True when this LibTorch build was compiled with CUDA (whether or not a GPU is present).
bool cudaBuild();

}  // namespace nas
