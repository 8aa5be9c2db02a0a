#pragma once
// A network of the DBB family (DbbArch.h) in training form or deployed: stem KxK conv+BN+ReLU,
// the DBB layers each followed by ReLU, global average pool, linear. deploy() folds every BN
// and branch into one KxK conv with bias per layer (and the stem's BN into its conv), in place;
// in eval mode the outputs do not change (up to float rounding).
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <vector>

#include "DbbArch.h"
#include "DbbBlock.h"

namespace nas::repnas {

// Stem: KxK conv (stride 1) + BN + ReLU, or after deploy() the fused conv with bias + ReLU.
class DbbStemImpl : public torch::nn::Module {
 public:
  explicit DbbStemImpl(const DbbFamily& family);
  torch::Tensor forward(const torch::Tensor& x);
  void deploy();
  bool deployed() const { return !bn_; }

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(DbbStem);

// One layer: a DbbBlock then ReLU, or after deploy() its fused conv then ReLU.
class DbbLayerImpl : public torch::nn::Module {
 public:
  DbbLayerImpl(const DbbLayerSpec& spec, BranchMask mask);
  torch::Tensor forward(const torch::Tensor& x);
  void deploy();
  bool deployed() const { return !block_; }

 private:
  DbbBlock block_{nullptr};
  torch::nn::Conv2d fused_{nullptr};
};
TORCH_MODULE(DbbLayer);

// Head: global average pool, linear.
class DbbHeadImpl : public torch::nn::Module {
 public:
  explicit DbbHeadImpl(const DbbFamily& family);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Linear fc_{nullptr};
};
TORCH_MODULE(DbbHead);

// The whole network of `arch`, built in training form; an arch marked deployed is built and
// then deployed, so its weights are those the training form folds into.
class DbbNetImpl : public torch::nn::Module {
 public:
  DbbNetImpl(const DbbFamily& family, const DbbArch& arch);
  torch::Tensor forward(const torch::Tensor& x);
  void deploy();
  bool deployed() const { return stem_->deployed(); }

 private:
  DbbStem stem_{nullptr};
  std::vector<DbbLayer> layers_;
  DbbHead head_{nullptr};
};
TORCH_MODULE(DbbNet);

}  // namespace nas::repnas
