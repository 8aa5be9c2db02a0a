#pragma once
// The Diverse Branch Block in its training form (DBB, Ding et al. CVPR 2021; the per-layer
// block RepNAS searches), and its re-parameterisation into the one KxK conv with bias it is
// deployed as. Branches (which are present is the block's mask, see DbbArch.h):
//   kxk      KxK conv (stride s, pad K/2) -> BN
//   1x1      1x1 conv (stride s)          -> BN
//   1x1-kxk  1x1 conv C_in->C_in (identity init) -> BN, padded by K/2 with the BN's own
//            output for a zero input -> KxK conv (stride s, pad 0) -> BN
//   1x1-avg  1x1 conv C_in->C_out -> BN, padded the same way -> KxK avg pool (stride s) -> BN
// Padding after the inner BN with its bias value (not zeros) is what makes the sequential
// branches exactly one KxK conv at the borders too: a zero-padded input to the 1x1 conv would
// come out of it as that value. The block's output is the sum of its branches; the layer's
// activation is the network's (DbbNetwork.h).
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <utility>

#include "DbbArch.h"

namespace nas::repnas {

// A KxK conv followed by BN as a weight and a bias: W * s, beta - mean * s, s = gamma/sqrt(var+eps).
std::pair<torch::Tensor, torch::Tensor> fuseConvBn(const torch::Tensor& weight, const torch::nn::BatchNorm2d& bn);

// BN followed by padding `pad` pixels with the per-channel value BN gives a zero input
// (running statistics, as in eval mode).
class BnAndPadImpl : public torch::nn::Module {
 public:
  BnAndPadImpl(int channels, int pad);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor padValues() const;
  torch::nn::BatchNorm2d bn{nullptr};

 private:
  int pad_;
};
TORCH_MODULE(BnAndPad);

class DbbBlockImpl : public torch::nn::Module {
 public:
  DbbBlockImpl(int inChannels, int outChannels, int kernel, int stride, BranchMask mask);
  torch::Tensor forward(const torch::Tensor& x);
  // The deployed form's kernel [C_out, C_in, K, K] and bias [C_out], from the present
  // branches with their BN running statistics (eval-mode equivalence).
  std::pair<torch::Tensor, torch::Tensor> fusedKernelAndBias() const;
  // A new KxK conv with bias (stride s, pad K/2) holding the fused kernel.
  torch::nn::Conv2d reparameterize() const;
  BranchMask mask() const { return mask_; }

 private:
  int in_, out_, kernel_, stride_;
  BranchMask mask_;
  // kxk
  torch::nn::Conv2d kxk_{nullptr};
  torch::nn::BatchNorm2d kxkBn_{nullptr};
  // 1x1
  torch::nn::Conv2d one_{nullptr};
  torch::nn::BatchNorm2d oneBn_{nullptr};
  // 1x1-kxk
  torch::nn::Conv2d chainIn_{nullptr}, chainK_{nullptr};
  BnAndPad chainMid_{nullptr};
  torch::nn::BatchNorm2d chainBn_{nullptr};
  // 1x1-avg
  torch::nn::Conv2d avgIn_{nullptr};
  BnAndPad avgMid_{nullptr};
  torch::nn::BatchNorm2d avgBn_{nullptr};
};
TORCH_MODULE(DbbBlock);

}  // namespace nas::repnas
