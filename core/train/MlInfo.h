#pragma once
// Facts about the machine-learning runtime, without exposing torch types.
#include "common/Json.h"

namespace nas {

// {"libtorch": "1.13.1", "threads": N, "interop_threads": N, "cuda": bool, "cuda_devices": N,
//  "devices": ["cpu", "cuda:0", ...], "distributed": bool (built with c10d/Gloo)}
Json mlRuntimeInfo();
// Sets LibTorch's intra-op threads (and inter-op once, before any parallel work).
// threads <= 0 means "all cores". Returns the number set.
int setTorchThreads(int threads);

}  // namespace nas
