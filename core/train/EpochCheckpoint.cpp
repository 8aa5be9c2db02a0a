#include "train/EpochCheckpoint.h"

#include <torch/serialize.h>
#include <torch/utils.h>

#include <sstream>

#include "common/Error.h"
#include "nn/ModuleBytes.h"

namespace nas {
namespace {

constexpr std::int64_t kFormat = 1;

template <typename T>
std::string saveToBytes(const T& value) {
  std::ostringstream out(std::ios::binary);
  torch::save(value, out);
  return out.str();
}

}  // namespace

EpochCheckpointWriter::EpochCheckpointWriter(int epochsDone) {
  archive_.write("format", c10::IValue(kFormat));
  archive_.write("epoch", c10::IValue(static_cast<std::int64_t>(epochsDone)));
}

void EpochCheckpointWriter::tensor(const std::string& key, const torch::Tensor& t) {
  archive_.write(key, t.detach().cpu().clone());
}

void EpochCheckpointWriter::module(const std::string& key, const torch::nn::Module& m) {
  archive_.write(key, bytesToTensor(moduleToBytes(m)));
}

void EpochCheckpointWriter::optimizer(const std::string& key, const torch::optim::Optimizer& o) {
  archive_.write(key, bytesToTensor(saveToBytes(o)));
}

void EpochCheckpointWriter::text(const std::string& key, const std::string& s) { archive_.write(key, c10::IValue(s)); }

std::string EpochCheckpointWriter::bytes() const {
  std::ostringstream out(std::ios::binary);
  archive_.save_to(out);
  return out.str();
}

EpochCheckpointReader::EpochCheckpointReader(const std::string& bytes, std::string what) : what_(std::move(what)) {
  try {
    std::istringstream in(bytes, std::ios::binary);
    archive_.load_from(in);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("unreadable: ") + e.what_without_backtrace(), what_);
  }
  c10::IValue format, epoch;
  if (!archive_.try_read("format", format) || !format.isInt() || format.toInt() != kFormat)
    throw Error(ErrorCode::CorruptData, "not a supported checkpoint format", what_);
  if (!archive_.try_read("epoch", epoch) || !epoch.isInt() || epoch.toInt() < 0)
    throw Error(ErrorCode::CorruptData, "lacks its epoch", what_);
  epochs_ = static_cast<int>(epoch.toInt());
}

void EpochCheckpointReader::tensorInto(const std::string& key, torch::Tensor& into) {
  torch::Tensor t;
  if (!archive_.try_read(key, t)) throw Error(ErrorCode::CorruptData, "lacks '" + key + "'", what_);
  if (!t.sizes().equals(into.sizes()))
    throw Error(ErrorCode::CorruptData, "'" + key + "' has another shape (taken for another configuration)", what_);
  torch::NoGradGuard noGrad;
  into.copy_(t);
}

void EpochCheckpointReader::module(const std::string& key, torch::nn::Module& m) {
  torch::Tensor t;
  if (!archive_.try_read(key, t)) throw Error(ErrorCode::CorruptData, "lacks '" + key + "'", what_);
  moduleFromBytes(m, tensorToBytes(t), what_);
}

void EpochCheckpointReader::optimizer(const std::string& key, torch::optim::Optimizer& o) {
  torch::Tensor t;
  if (!archive_.try_read(key, t)) throw Error(ErrorCode::CorruptData, "lacks '" + key + "'", what_);
  try {
    std::istringstream in(tensorToBytes(t), std::ios::binary);
    torch::load(o, in);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, "'" + key + "' unreadable: " + e.what_without_backtrace(), what_);
  }
}

std::string EpochCheckpointReader::text(const std::string& key) {
  c10::IValue v;
  if (!archive_.try_read(key, v) || !v.isString()) throw Error(ErrorCode::CorruptData, "lacks '" + key + "'", what_);
  return v.toStringRef();
}

void seedEpoch(std::uint64_t seed, int epoch) {
  torch::manual_seed(seed * 1000003u + static_cast<std::uint64_t>(epoch) + 1u);
}

void defineZeroGrads(const std::vector<torch::Tensor>& params) {
  for (const torch::Tensor& p : params)
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
}

}  // namespace nas
