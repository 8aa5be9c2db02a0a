#include "jobs/DeviceParam.h"

namespace nas {

ParamSpec deviceParamSpec(const std::string& note) {
  ParamSpec device = paramSpec("device", ParamType::Choice, "auto", "Device",
                               "auto: the first GPU when this LibTorch build has CUDA and the machine a GPU, else "
                               "the CPU; cuda or cuda:N: that GPU (the CPU, said in the log, when there is none); "
                               "cpu." + (note.empty() ? std::string() : " " + note));
  device.choices = {"auto", "cpu", "cuda", "cuda:0", "cuda:1", "cuda:2", "cuda:3", "cuda:4", "cuda:5", "cuda:6", "cuda:7"};
  return device;
}

}  // namespace nas
