#pragma once
// Modules and byte strings, for artifacts and checkpoints that live in the workspace as blobs:
// a module's parameters and buffers as one torch archive, and byte strings as uint8 tensors so
// that one archive can carry several of them (weights next to a config record).
#include <torch/nn/module.h>

#include <string>

namespace nas {

std::string moduleToBytes(const torch::nn::Module& m);
// Throws Error(CorruptData) with context `what` when the bytes do not fit the module. The
// tensors are read onto the CPU (bytes written on a GPU load on a machine without one), so the
// module is on the CPU afterwards: move it where it runs.
void moduleFromBytes(torch::nn::Module& m, const std::string& bytes, const std::string& what);

torch::Tensor bytesToTensor(const std::string& bytes);
std::string tensorToBytes(const torch::Tensor& t);

}  // namespace nas
