#pragma once
// Short training from scratch of one SGNAS architecture: a fresh network holding only the
// chosen path (the supernet's single-path forward on freshly initialised weights, so the
// counted cost equals the cost model's), trained with SGD + per-step cosine and measured on
// held-out images. Inherited-weight estimates rank architectures cheaply; this is the check
// that the ranking survives real training.
#include <functional>

#include "SgnasSupernet.h"
#include <torch/types.h>

#include "data/ImageDataset.h"

namespace nas::sgnas {

struct RetrainOptions {
  std::int64_t epochs = 1;
  std::int64_t batchSize = 128;
  double lr = 0.1, momentum = 0.9, weightDecay = 4e-4, labelSmoothing = 0.1;
  std::uint64_t seed = 0;
  torch::Device device = torch::kCPU;  // where the path trains and is tested
};

struct RetrainResult {
  double testAccuracy = 0;  // 0..1
  double finalLoss = 0;     // mean training loss of the last epoch
  double seconds = 0;
};

// progress(step, totalSteps, loss) every step; returning false cancels (throws Cancelled).
RetrainResult trainFromScratch(const SgnasSpace& space, const SgnasArch& arch, const ImageDataset& train,
                               const ImageDataset& test, const Normalization& norm, const RetrainOptions& options,
                               const std::function<bool(std::int64_t, std::int64_t, double)>& progress = {});

}  // namespace nas::sgnas
