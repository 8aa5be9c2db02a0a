#pragma once
// The epoch checkpoint of a plugin's training or search loop: one torch archive holding a format
// number, the number of finished epochs and named entries (tensors, modules, optimizers, texts),
// as bytes for the workspace's checkpoint BLOB. Shared by the RepNAS and EnTranNAS/DARTS loops,
// which wrote the same layout by hand ("format" 1, "epoch", module and optimizer bytes as uint8
// tensors), so their existing checkpoints still load.
//
// Exact resume (a run stopped after epoch k and resumed ends where an uninterrupted run ends)
// also needs two things at the start of the loop, which the helpers below do:
//   seedEpoch        every epoch draws its noise from a generator seeded by (seed, epoch), so a
//                    resumed epoch draws what it would have drawn uninterrupted;
//   defineZeroGrads  a parameter a step did not use (a skipped op, a Transit-cell's unused op)
//                    keeps an undefined gradient in a fresh process, so SGD would skip its weight
//                    decay and momentum until it is used again, while the uninterrupted run's
//                    zero_grad() had left it a zero gradient that SGD does apply them to.
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nas {

class EpochCheckpointWriter {
 public:
  explicit EpochCheckpointWriter(int epochsDone);
  void tensor(const std::string& key, const torch::Tensor& t);  // detached CPU copy
  void module(const std::string& key, const torch::nn::Module& m);
  void optimizer(const std::string& key, const torch::optim::Optimizer& o);
  void text(const std::string& key, const std::string& s);
  std::string bytes() const;

 private:
  mutable torch::serialize::OutputArchive archive_;
};

// Every method throws Error(CorruptData) with context `what` ("search checkpoint") when the
// bytes are not such an archive, the format is not 1, or an entry is missing or does not fit.
class EpochCheckpointReader {
 public:
  EpochCheckpointReader(const std::string& bytes, std::string what);
  int epochsDone() const { return epochs_; }
  // Copies the stored tensor into `into` (same shape required), without recording a gradient.
  void tensorInto(const std::string& key, torch::Tensor& into);
  void module(const std::string& key, torch::nn::Module& m);
  void optimizer(const std::string& key, torch::optim::Optimizer& o);
  std::string text(const std::string& key);

 private:
  torch::serialize::InputArchive archive_;
  std::string what_;
  int epochs_ = 0;
};

void seedEpoch(std::uint64_t seed, int epoch);
void defineZeroGrads(const std::vector<torch::Tensor>& params);

}  // namespace nas
