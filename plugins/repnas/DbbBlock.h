#pragma once
// The Diverse Branch Block in its training form (DBB, Ding et al. CVPR 2021; with RepNAS's
// additions, its "ODBB"), and its re-parameterisation into the one KxK conv it is deployed as.
// Branches (which are held is the block's mask, see DbbArch.h); every conv uses the block's
// groups g:
//   kxk       KxK conv (stride s, pad K/2) -> BN
//   1x1       1x1 conv (stride s)          -> BN
//   1x1-kxk   1x1 conv C_in->D (identity init when D == C_in) -> BN, padded by K/2 with the BN's
//             own output for a zero input -> KxK conv (stride s, pad 0) -> BN; D = C_in, or
//             2*C_in when g >= C_out (depthwise), as DBB
//   1x1-avg   1x1 conv C_in->C_out -> BN, padded the same way -> KxK avg pool (stride s) -> BN
//   identity  BN of the input (stride 1 and C_in == C_out only)
//   1xk, kx1  1xK conv (pad 0,K/2) / Kx1 conv (pad K/2,0), stride s -> BN
// Padding after the inner BN with its bias value (not zeros) is what makes the sequential
// branches exactly one KxK conv at the borders too: a zero-padded input to the 1x1 conv would
// come out of it as that value. The block's output is the sum of its branches; the layer's
// activation is the network's.
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <array>
#include <utility>

#include "DbbArch.h"

namespace nas::repnas {

// A KxK conv followed by BN as a weight and a bias: W * s, beta - mean * s, s = gamma/sqrt(var+eps).
std::pair<torch::Tensor, torch::Tensor> fuseConvBn(const torch::Tensor& weight, const torch::nn::BatchNorm2d& bn);

// The DBB transforms on plain tensors (exposed for their tests).
// III: 1x1 conv (w1 [D, C/g, 1, 1], b1 [D]) then KxK conv (w2 [E, D/g, K, K], b2 [E]), both with
// g groups and the intermediate padded with b1 -> one KxK conv [E, C/g, K, K]; per group, then
// IV (concatenation along the output channels).
std::pair<torch::Tensor, torch::Tensor> fuse1x1ThenKxk(const torch::Tensor& w1, const torch::Tensor& b1,
                                                       const torch::Tensor& w2, const torch::Tensor& b2, int groups);
// V: a KxK average pool over C channels as a grouped KxK conv [C, C/g, K, K].
// `like` gives dtype and device (the weights' own, so a merge runs where the model lives).
torch::Tensor avgPoolKernel(int channels, int kernel, int groups,
                            const torch::TensorOptions& like = torch::TensorOptions());
// The identity as a KxK conv [C, C/g, K, K] (1 at the centre of each channel's own input).
torch::Tensor identityKernel(int channels, int kernel, int groups,
                             const torch::TensorOptions& like = torch::TensorOptions());

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

// Per-branch multipliers of one forward pass (RepNAS's straight-through gates), indexed by
// Branch; an undefined entry leaves its branch unscaled.
using BranchGates = std::array<torch::Tensor, kNumAllBranches>;

class DbbBlockImpl : public torch::nn::Module {
 public:
  // Throws InvalidArgument for an empty mask, an even kernel, groups that do not divide the
  // channels, or an identity branch where stride != 1 or C_in != C_out.
  DbbBlockImpl(int inChannels, int outChannels, int kernel, int stride, BranchMask mask, int groups = 1);
  torch::Tensor forward(const torch::Tensor& x);  // every branch held
  // The branches of `active` (must be a non-empty subset of mask()), each multiplied by its
  // gate where `gates` gives one.
  torch::Tensor forwardBranches(const torch::Tensor& x, BranchMask active, const BranchGates* gates = nullptr);
  // The deployed form's kernel [C_out, C_in/g, K, K] and bias [C_out], from the branches of
  // `active` (default: all held) with their BN running statistics (eval-mode equivalence).
  // Computed on the block's device, with its dtype: no tensor of the merge leaves it.
  std::pair<torch::Tensor, torch::Tensor> fusedKernelAndBias() const { return fusedKernelAndBias(mask_); }
  std::pair<torch::Tensor, torch::Tensor> fusedKernelAndBias(BranchMask active) const;
  // A new KxK conv with bias (stride s, pad K/2, groups g) holding the fused kernel, on the
  // block's device.
  torch::nn::Conv2d reparameterize() const { return reparameterize(mask_); }
  torch::nn::Conv2d reparameterize(BranchMask active) const;
  BranchMask mask() const { return mask_; }
  int groups() const { return groups_; }
  static bool identityAllowed(int inChannels, int outChannels, int stride) {
    return stride == 1 && inChannels == outChannels;
  }

 private:
  void checkActive(BranchMask active) const;
  int in_, out_, kernel_, stride_, groups_, chainWidth_ = 0;
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
  // identity
  torch::nn::BatchNorm2d idBn_{nullptr};
  // 1xk, kx1
  torch::nn::Conv2d rowConv_{nullptr}, colConv_{nullptr};
  torch::nn::BatchNorm2d rowBn_{nullptr}, colBn_{nullptr};
};
TORCH_MODULE(DbbBlock);

}  // namespace nas::repnas
