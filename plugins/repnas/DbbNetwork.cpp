// The DBB network family: stem, layers, head, and deploying them in place.
#include "DbbNetwork.h"

#include <torch/torch.h>

namespace nas::repnas {

namespace nn = torch::nn;

DbbStemImpl::DbbStemImpl(const DbbFamily& f) {
  conv_ = register_module("conv", nn::Conv2d(nn::Conv2dOptions(f.inputChannels, f.stemChannels, f.stemKernel)
                                                 .padding(f.stemKernel / 2)
                                                 .bias(false)));
  bn_ = register_module("bn", nn::BatchNorm2d(f.stemChannels));
}

torch::Tensor DbbStemImpl::forward(const torch::Tensor& x) {
  return torch::relu(bn_ ? bn_(conv_(x)) : conv_(x));
}

void DbbStemImpl::deploy() {
  if (!bn_) return;
  auto [w, b] = fuseConvBn(conv_->weight, bn_);
  const auto& o = conv_->options;
  nn::Conv2d fused(nn::Conv2dOptions(o.in_channels(), o.out_channels(), o.kernel_size()).padding(o.padding()).bias(true));
  fused->to(w.device(), w.scalar_type());  // where the stem lives: deploying keeps the network on its device
  {
    torch::NoGradGuard noGrad;
    fused->weight.copy_(w);
    fused->bias.copy_(b);
  }
  conv_ = replace_module("conv", fused);
  unregister_module("bn");
  bn_ = nullptr;
}

DbbLayerImpl::DbbLayerImpl(const DbbLayerSpec& s, BranchMask mask) {
  block_ = register_module("block", DbbBlock(s.inChannels, s.outChannels, s.kernel, s.stride, mask, s.groups));
}

torch::Tensor DbbLayerImpl::forward(const torch::Tensor& x) { return torch::relu(block_ ? block_(x) : fused_(x)); }

void DbbLayerImpl::deploy() {
  if (!block_) return;
  fused_ = register_module("fused", block_->reparameterize());
  unregister_module("block");
  block_ = nullptr;
}

DbbHeadImpl::DbbHeadImpl(const DbbFamily& f) { fc_ = register_module("fc", nn::Linear(f.lastChannels(), f.classes)); }

torch::Tensor DbbHeadImpl::forward(const torch::Tensor& x) { return fc_(x.mean({2, 3})); }

DbbNetImpl::DbbNetImpl(const DbbFamily& family, const DbbArch& arch) {
  family.validate();
  validateDbbArch(family, arch);
  stem_ = register_module("stem", DbbStem(family));
  for (int l = 0; l < family.numLayers(); ++l)
    layers_.push_back(register_module("layer" + std::to_string(l),
                                      DbbLayer(family.layers[static_cast<size_t>(l)], arch.masks[static_cast<size_t>(l)])));
  head_ = register_module("head", DbbHead(family));
  if (arch.deployed) deploy();
}

torch::Tensor DbbNetImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = stem_(x);
  for (auto& l : layers_) y = l(y);
  return head_(y);
}

void DbbNetImpl::deploy() {
  stem_->deploy();
  for (auto& l : layers_) l->deploy();
}

}  // namespace nas::repnas
