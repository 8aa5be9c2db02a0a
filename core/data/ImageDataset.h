#pragma once
// An image classification set held in memory: uint8 pixels [N, C, H, W] and int64 labels
// [N]. Readers produce it, splits and subsets slice it, the batcher indexes into it;
// conversion to float (and normalisation) happens per batch, which keeps 60k images at
// 47 MB rather than 188 MB.

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nas {

struct ImageDataset {
  std::string name;      // "fashion-mnist", "cifar10", "synthetic"
  torch::Tensor images;  // uint8 [N, C, H, W], contiguous
  torch::Tensor labels;  // int64 [N], values in [0, classes)
  std::int64_t classes = 10;

  std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
  std::int64_t channels() const { return images.size(1); }
  std::int64_t height() const { return images.size(2); }
  std::int64_t width() const { return images.size(3); }

  // The rows at `indices` (int64 tensor or vector), in that order.
  ImageDataset subset(const torch::Tensor& indices) const;
  ImageDataset subset(const std::vector<std::int64_t>& indices) const;
  // The first n rows (all when n <= 0 or n >= size()).
  ImageDataset head(std::int64_t n) const;
};

// Per-channel mean and standard deviation of pixels scaled to [0, 1].
struct Normalization {
  std::vector<float> mean;
  std::vector<float> std;
};

// The usual constants: Fashion-MNIST 0.2860/0.3530; CIFAR-10 the NAS-Bench-201 values
// (125.3, 123.0, 113.9)/255 and (63.0, 62.1, 66.7)/255; anything else 0.5/0.5 per channel.
Normalization datasetNormalization(const std::string& name, std::int64_t channels);
// Padding of the standard random crop: 4 for 32x32 and larger (CIFAR), 2 below (28x28).
int defaultCropPadding(std::int64_t height);

}  // namespace nas
