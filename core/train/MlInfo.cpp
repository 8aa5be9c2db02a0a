#include "train/MlInfo.h"

#include "train/DistGroup.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <thread>

namespace nas {

Json mlRuntimeInfo() {
  Json info;
  info["libtorch"] = TORCH_VERSION;
  info["threads"] = torch::get_num_threads();
  info["interop_threads"] = torch::get_num_interop_threads();
  bool cuda = torch::cuda::is_available();
  info["cuda"] = cuda;
  int count = cuda ? static_cast<int>(torch::cuda::device_count()) : 0;
  info["cuda_devices"] = count;
  Json devices = Json::array({"cpu"});
  for (int i = 0; i < count; ++i) devices.push_back("cuda:" + std::to_string(i));
  info["devices"] = devices;
  info["distributed"] = distributedBuild();  // data-parallel ranks over c10d/Gloo
  return info;
}

int setTorchThreads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  return threads;
}

}  // namespace nas
