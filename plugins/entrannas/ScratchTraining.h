#pragma once
// Training a derived cell's network from scratch and measuring its test accuracy (DARTS'
// train.py at small scale): the evaluation network (affine BN, no BN after pools, no feature
// sharing) built with only the derived ops; SGD, cosine rate, weight decay, gradient clip; the
// standard crop/flip augmentation; options: cutout, drop path (probability raised linearly over
// the epochs, as DARTS), auxiliary head with its loss weight. Resumable per epoch.
#include <torch/optim/sgd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "CellNetwork.h"
#include "data/ImageDataset.h"

namespace nas::entrannas {

struct ScratchOptions {
  SpaceKind space = SpaceKind::Darts;
  int channels = 16, layers = 8;
  int epochs = 10;
  std::int64_t batchSize = 96;
  double lr = 0.025, momentum = 0.9, weightDecay = 3e-4, gradClip = 5.0;
  int cutout = 16;           // side of the cutout square in pixels (0: off); paper 16
  double dropPath = 0.2;     // final drop-path probability (0: off); paper 0.2
  double auxWeight = 0.4;    // auxiliary loss weight (0: no auxiliary head); paper 0.4
  bool augment = true;       // random crop (padding 4 on 32x32, 2 below) and horizontal flip
  std::uint64_t seed = 0;
  torch::Device device = torch::kCPU;
  void validate() const;
};

struct ScratchEpoch {
  int epoch = 0;
  double trainLoss = 0, testAccuracy = -1;
};

class ScratchTrainer {
 public:
  // cells: the derived cells per cell type.
  ScratchTrainer(ScratchOptions options, std::vector<ActiveOps> cells, int inputChannels, int classes);
  void run(const ImageDataset& train, const ImageDataset* test, const Normalization& norm,
           const std::function<bool(std::int64_t, std::int64_t, double)>& step,
           const std::function<void(const ScratchEpoch&)>& epochEnd);
  double testAccuracy(const ImageDataset& test, const Normalization& norm);
  CellNetwork& net() { return net_; }
  std::int64_t parameterCount() const;  // without the auxiliary head
  int epoch() const { return epoch_; }
  std::string saveState() const;
  void loadState(const std::string& bytes);

 private:
  ScratchOptions o_;
  std::vector<ActiveOps> cells_;
  CellNetwork net_{nullptr};
  std::vector<CellRun> runs_;
  std::vector<bool> noEngines_;  // every cell in Transit mode: only the derived ops run
  std::unique_ptr<torch::optim::SGD> sgd_;
  int epoch_ = 0;
};

// DARTS' Cutout on a float batch [B, C, H, W]: per image one square of side `length` centred at
// a random pixel (clipped at the border) set to zero; draws two numbers per image from rng.
torch::Tensor cutoutBatch(const torch::Tensor& images, int length, std::uint64_t seed);

}  // namespace nas::entrannas
