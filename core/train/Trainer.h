#pragma once
// Supervised training of one image classifier: SGD (Nesterov momentum, weight decay),
// cosine learning rate per step, optional label smoothing, augmentation and normalisation
// per batch, evaluation, and checkpoints that resume a run bit for bit.
//
// Reproducibility: batches and augmentation come from the seeded Batcher (position = epoch,
// batch); torch's global generator is only used by the model itself (initialisation,
// dropout) and its state goes into the checkpoint too. On the CPU with the same thread
// count, 2 epochs straight equal 1 epoch + checkpoint + restore + 1 epoch exactly.
#include <torch/nn/module.h>
#include <torch/optim/sgd.h>
#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>

#include "data/Augment.h"
#include "data/Batcher.h"
#include "data/ImageDataset.h"
#include "train/Device.h"  // the device rule
#include "train/Precision.h"

namespace nas {

class DistGroup;

struct TrainerOptions {
  double lr = 0.1;
  double minLr = 0.0;
  double momentum = 0.9;
  bool nesterov = true;
  double weightDecay = 5e-4;
  double labelSmoothing = 0.0;
  std::int64_t epochs = 1;
  std::int64_t batchSize = 64;
  AugmentOptions augment;       // {0, false} = none
  Normalization normalization;  // empty = datasetNormalization(train set)
  std::uint64_t seed = 0;       // batch order and augmentation
  torch::Device device = torch::kCPU;
  // bf16: forward passes (training and evaluate()) under autocast (train/Precision.h); the
  // loss, the gradients and the optimizer stay in float.
  Precision precision = Precision::Fp32;
  // Data-parallel over a c10d group (train/DistGroup.h); nullptr = one process. Each rank
  // trains its contiguous share of every global batch of batchSize images (augmented as the
  // whole batch would be, so the shares are what one process would see), its loss scaled by
  // share/batch, the gradients summed over the ranks: every step equals one process's step
  // on the global batch (up to float summation order), except that batch-norm statistics are
  // per rank as in PyTorch's DDP without SyncBatchNorm; buffers follow rank 0 each step
  // (DDP's broadcast_buffers). The constructor copies rank 0's parameters to every rank.
  std::shared_ptr<DistGroup> group;
};

struct StepResult {
  double loss = 0;
  std::int64_t correct = 0;
  std::int64_t count = 0;
  double lr = 0;
};
// With a group, loss / correct / count are over the global batch (all ranks).

struct EvalResult {
  double loss = 0;      // mean cross-entropy (no smoothing)
  double accuracy = 0;  // 0..1
  std::int64_t count = 0;
};

class Trainer {
 public:
  using Forward = std::function<torch::Tensor(const torch::Tensor&)>;

  // `model` holds the parameters, `forward` maps a normalised float batch to logits (so a
  // supernet can be trained through a lambda). The model is moved to options.device.
  Trainer(std::shared_ptr<torch::nn::Module> model, Forward forward, ImageDataset train, TrainerOptions options);

  std::int64_t batchesPerEpoch() const { return batcher_.batchesPerEpoch(); }
  std::int64_t totalSteps() const { return options_.epochs * batchesPerEpoch(); }
  BatchPosition position() const { return batcher_.position(); }
  std::int64_t globalStep() const { return position().epoch * batchesPerEpoch() + position().batch; }
  bool done() const { return position().epoch >= options_.epochs; }
  double lrAt(std::int64_t step) const;
  const TrainerOptions& options() const { return options_; }
  torch::optim::SGD& optimizer() { return *optimizer_; }

  // Trains the batch at position() and moves on.
  StepResult step();
  // Forward passes in eval mode over `data` (in order, no augmentation); restores train mode.
  EvalResult evaluate(const ImageDataset& data, std::int64_t batchSize = 256);

  // Model, optimizer state, position, the learning-rate schedule's step, the batcher seed,
  // torch's CPU generator and an opaque `extra` string (the caller's counters) as bytes.
  std::string checkpoint(const std::string& extra = {}) const;
  // Loads such bytes into this trainer's model and optimizer; returns `extra`. Throws
  // Error(CorruptData) when the bytes are no checkpoint or do not fit the model.
  std::string restore(const std::string& bytes);

 private:
  torch::Tensor batchInput(const std::vector<std::int64_t>& indices, std::uint64_t seed, bool augment) const;

  std::shared_ptr<torch::nn::Module> model_;
  Forward forward_;
  ImageDataset train_;
  TrainerOptions options_;
  Batcher batcher_;
  std::unique_ptr<torch::optim::SGD> optimizer_;
};

// Mean cross-entropy and accuracy of `forward` over `data` in order (normalised by `norm`, no
// augmentation, no gradients), `batchSize` images at a time on `device`. The model's train/eval
// mode is the caller's: Trainer::evaluate runs it in eval mode, a supernet scored with batch
// statistics in train mode.
EvalResult evaluateClassifier(const Trainer::Forward& forward, const ImageDataset& data, const Normalization& norm,
                              torch::Device device, std::int64_t batchSize = 256);

}  // namespace nas
