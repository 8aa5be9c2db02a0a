#include "data/ImageDataset.h"

#include <torch/torch.h>

namespace nas {

ImageDataset ImageDataset::subset(const torch::Tensor& indices) const {
  ImageDataset out;
  out.name = name;
  out.classes = classes;
  out.images = images.index_select(0, indices).contiguous();
  out.labels = labels.index_select(0, indices).contiguous();
  return out;
}

ImageDataset ImageDataset::subset(const std::vector<std::int64_t>& indices) const {
  auto t = torch::tensor(indices, torch::kLong);
  return subset(t);
}

ImageDataset ImageDataset::head(std::int64_t n) const {
  if (n <= 0 || n >= size()) return *this;
  ImageDataset out;
  out.name = name;
  out.classes = classes;
  out.images = images.narrow(0, 0, n).contiguous();
  out.labels = labels.narrow(0, 0, n).contiguous();
  return out;
}

Normalization datasetNormalization(const std::string& name, std::int64_t channels) {
  if (name == "fashion-mnist" && channels == 1) return {{0.2860f}, {0.3530f}};
  if (name == "cifar10" && channels == 3)
    return {{125.3f / 255, 123.0f / 255, 113.9f / 255}, {63.0f / 255, 62.1f / 255, 66.7f / 255}};
  return {std::vector<float>(static_cast<size_t>(channels), 0.5f),
          std::vector<float>(static_cast<size_t>(channels), 0.5f)};
}

int defaultCropPadding(std::int64_t height) { return height >= 32 ? 4 : 2; }

}  // namespace nas
