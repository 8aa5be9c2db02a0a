#include "nn/ModuleBytes.h"

#include <torch/serialize.h>

#include <cstring>
#include <sstream>

#include "common/Error.h"

namespace nas {

std::string moduleToBytes(const torch::nn::Module& m) {
  torch::serialize::OutputArchive archive;
  m.save(archive);
  std::ostringstream out(std::ios::binary);
  archive.save_to(out);
  return out.str();
}

void moduleFromBytes(torch::nn::Module& m, const std::string& bytes, const std::string& what) {
  try {
    torch::serialize::InputArchive archive;
    std::istringstream in(bytes, std::ios::binary);
    archive.load_from(in, torch::Device(torch::kCPU));  // bytes saved on a GPU load anywhere
    m.load(archive);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("does not fit: ") + e.what_without_backtrace(), what);
  }
}

torch::Tensor bytesToTensor(const std::string& bytes) {
  torch::Tensor t = torch::empty({static_cast<std::int64_t>(bytes.size())}, torch::kUInt8);
  if (!bytes.empty()) std::memcpy(t.data_ptr<std::uint8_t>(), bytes.data(), bytes.size());
  return t;
}

std::string tensorToBytes(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU, torch::kUInt8).contiguous();
  return std::string(reinterpret_cast<const char*>(c.data_ptr<std::uint8_t>()), static_cast<size_t>(c.numel()));
}

}  // namespace nas
