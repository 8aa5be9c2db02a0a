#pragma once
// The torch side of the latency timing loop: fixes LibTorch's intra-op threads for the
// duration of a measurement (and restores them), runs under NoGradGuard with the module in
// eval mode, and times with timeRepeated (warm-up, repeats until a count and time budget,
// median and IQR). Header without torch types so that plugins and the CLI can call it.
#include <functional>

#include "jobs/LatencySpace.h"

namespace nas {

// Times fn (one forward pass) with options.threads intra-op threads under NoGradGuard.
TimingStats timeInference(const std::function<void()>& forward, const LatencyOptions& options);

// The LibTorch version string ("1.13.1").
std::string torchVersionString();

}  // namespace nas
