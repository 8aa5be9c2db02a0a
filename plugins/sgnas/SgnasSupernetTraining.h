#pragma once
// Supernet training with fair path sampling (methods.md §1(b)1) and single-path accuracy
// estimates with inherited weights. Data come from core's in-memory sets and seeded Batcher,
// so the trainer's state is (batch position, sampler state, optimizer), all checkpointable.
#include <torch/optim/sgd.h>

#include <memory>
#include <string>

#include <torch/types.h>

#include "SgnasSampling.h"
#include "SgnasSupernet.h"
#include "data/Batcher.h"
#include "data/ImageDataset.h"

namespace nas {
class DistGroup;
}

namespace nas::sgnas {

// uint8 images at `indices` -> normalised float batch on `device` (moved as bytes, normalised
// there), and their labels.
torch::Tensor batchImages(const ImageDataset& ds, const std::vector<std::int64_t>& indices, const Normalization& norm,
                          torch::Device device = torch::kCPU);
torch::Tensor batchLabels(const ImageDataset& ds, const std::vector<std::int64_t>& indices,
                          torch::Device device = torch::kCPU);
// The device of a module's first parameter (the CPU for none).
torch::Device moduleDevice(const torch::nn::Module& m);

struct SupernetTrainOptions {
  std::int64_t epochs = 3;
  std::int64_t batchSize = 128;
  int pathsPerStep = 4;  // paths per optimizer step, gradients accumulated (the paper's 4)
  // The paper cycles e through {2..G}, but its space (and ours) also holds e = 1, whose
  // switchable BN (G-1 skipped groups) would then never be trained: we cycle {1..G}.
  int minExpansion = 1;
  bool group0Always = true;  // see FairPathSampler; false: the official code's sampling
  // Cosine per step from lr to 0. The paper's SGD (0.064 at batch 512, momentum 0.9, wd 4e-4)
  // sums the 4 paths' gradients; we average them and use a larger rate for short CPU runs.
  double lr = 0.1, momentum = 0.9, weightDecay = 4e-4, labelSmoothing = 0.1;
  std::uint64_t seed = 0;
  // Where the supernet trains (the trainer moves it there; train/Device.h reads the job's
  // `device`). The caller moves it back when later phases run elsewhere.
  torch::Device device = torch::kCPU;
  // Data-parallel over c10d (train/DistGroup.h), CPU only (Gloo): every rank trains the
  // contiguous share [rank*n/W, (rank+1)*n/W) of each global batch on the same fair paths (the
  // sampler is seeded alike on every rank, so no broadcast is needed), its loss scaled by its
  // share; gradients summed over the ranks; BN buffers follow rank 0 each step (DDP's
  // broadcast_buffers, no SyncBatchNorm). The constructor copies rank 0's parameters.
  std::shared_ptr<DistGroup> group;
};

class SupernetTrainer {
 public:
  SupernetTrainer(SgnasSupernet net, ImageDataset train, Normalization norm, SupernetTrainOptions options);

  std::int64_t batchesPerEpoch() const { return batcher_.batchesPerEpoch(); }
  std::int64_t totalSteps() const { return options_.epochs * batchesPerEpoch(); }
  BatchPosition position() const { return batcher_.position(); }
  std::int64_t globalStep() const { return position().epoch * batchesPerEpoch() + position().batch; }
  bool done() const { return position().epoch >= options_.epochs; }

  struct Step {
    double loss = 0;  // mean over the step's paths (over the global batch with a group)
    double lr = 0;
  };
  Step step();

  // Optimizer, position and sampler as bytes (the network is saved by the caller).
  std::string state() const;
  void restore(const std::string& bytes);  // throws CorruptData

 private:
  SgnasSupernet net_;
  ImageDataset train_;
  Normalization norm_;
  SupernetTrainOptions options_;
  Batcher batcher_;
  FairPathSampler sampler_;
  std::unique_ptr<torch::optim::SGD> optimizer_;
};

struct AccuracyOptions {
  std::int64_t batchSize = 500;
  // BN recalibration: before measuring, the path's BN statistics are recomputed as the mean
  // over this many training batches (0 = use the shared running statistics). The supernet's
  // buffers are restored afterwards, so an estimate never changes the supernet.
  int calibrationBatches = 2;
  std::int64_t calibrationBatchSize = 256;
  std::uint64_t seed = 0;
};

// Top-1 accuracy (0..1) of `arch` on `eval` with inherited supernet weights.
double pathAccuracy(SgnasSupernet& net, const SgnasArch& arch, const ImageDataset& eval, const Normalization& norm,
                    const ImageDataset& calibration, const AccuracyOptions& options);

}  // namespace nas::sgnas
