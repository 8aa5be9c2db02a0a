#pragma once
// The standard CIFAR-style augmentation (random crop after zero padding, horizontal flip) and
// normalisation, applied per batch. Randomness comes from the caller's Rng so that a batch's
// augmentation is a function of (seed, epoch, batch) and survives a resume.
#include <torch/types.h>

#include "data/ImageDataset.h"
#include "data/Rng.h"

namespace nas {

struct AugmentOptions {
  int padding = 0;    // random crop of the original size from the image padded by this much
  bool flip = false;  // horizontal flip with probability 1/2
};

// uint8 [B,C,H,W] -> new uint8 [B,C,H,W]; draws 2 or 3 numbers per image from rng.
torch::Tensor augmentBatch(const torch::Tensor& images, const AugmentOptions& opt, Rng& rng);
// uint8 [B,C,H,W] -> float32 (x/255 - mean) / std per channel.
torch::Tensor normalizeBatch(const torch::Tensor& images, const Normalization& norm);

}  // namespace nas
