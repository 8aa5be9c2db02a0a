#pragma once
// Shared by the RepNAS tests: real Fashion-MNIST images (Debian's dataset-fashion-mnist; the
// synthetic set when it is absent, said on stderr), BN statistics away from their defaults,
// and the max absolute difference of two outputs.
#include <torch/torch.h>

#include <filesystem>
#include <iostream>

#include "data/DatasetLoader.h"
#include "data/FashionMnist.h"

namespace nas::repnas::test {

inline bool haveFashionMnist() {
  return std::filesystem::exists(std::string(kDebianFashionMnistDir) + "/t10k-images-idx3-ubyte.gz");
}

// n test images as normalised floats [n, 1, S, S] (S = 28, or 16 for the synthetic stand-in).
inline torch::Tensor realImages(std::int64_t n) {
  static const ImageDataset test = [] {
    if (!haveFashionMnist()) std::cerr << "dataset-fashion-mnist absent: the synthetic set stands in\n";
    return loadImageDataset(haveFashionMnist() ? "fashion-mnist" : "synthetic", "", false);
  }();
  const Normalization norm = datasetNormalization(test.name, 1);
  return (test.images.slice(0, 0, n).to(torch::kFloat) / 255.0 - norm.mean[0]) / norm.std[0];
}

// Inputs of a block with C channels: batch x C distinct real images as the channels, an S x S
// window from the middle of each (S <= 16).
inline torch::Tensor realBlockInput(std::int64_t batch, std::int64_t channels, std::int64_t size) {
  const torch::Tensor imgs = realImages(batch * channels);
  const std::int64_t off = (imgs.size(2) - size) / 2;
  return imgs.view({batch, channels, imgs.size(2), imgs.size(3)})
      .slice(2, off, off + size)
      .slice(3, off, off + size)
      .contiguous();
}

// Non-trivial BN statistics and affine parameters everywhere, so that folding them matters.
inline void randomizeBatchNorms(torch::nn::Module& m) {
  torch::NoGradGuard noGrad;
  for (const auto& sub : m.modules(/*include_self=*/true)) {
    auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(sub.get());
    if (!bn) continue;
    bn->running_mean.uniform_(-0.5, 0.5);
    bn->running_var.uniform_(0.5, 2.0);
    bn->weight.uniform_(0.5, 1.5);
    bn->bias.uniform_(-0.5, 0.5);
  }
}

inline void perturbWeights(torch::nn::Module& m, double scale = 0.1) {
  torch::NoGradGuard noGrad;
  for (auto& p : m.parameters()) p.add_(torch::randn_like(p) * scale);
}

inline double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace nas::repnas::test
