#pragma once
// The SGNAS unified supernet (methods.md §1(a)): stem, optional fixed first block, one
// super-kernel MBConv per searchable layer, head. A layer holds the 1x1 expansion to G*C_in
// channels (+BN, ReLU6), one depthwise conv (+BN) per kernel size over all G*C_in channels,
// whose channel slice g is group g's weight, the 1x1 projection to C_out and G switchable
// BNs indexed by the number of skipped groups; a residual where stride 1 and C_in == C_out.
// Depthwise convolutions and BN act per channel, so "group g with kernel k" is exactly the
// g-th slice of kernel k's conv and BN: no weights are shared between kernels or groups,
// as in the paper's code.
//
// Two forwards:
//  - single path (an SgnasArch): only the chosen slices run, in train mode their BN running
//    statistics alone are updated; skipped groups are left out of the projection rather
//    than multiplied by zero. Optionally counts the MACs and parameters it used.
//  - mixed (probabilities [L, G, 4], eval mode only): group output sum_k p_k relu6(bn_k(dw_k)),
//    choices with p <= 0.01 not run, SBN index round(sum_g p_skip); gradients flow to p.
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "SgnasCost.h"
#include "nn/ModuleBytes.h"  // moduleToBytes, bytesToTensor: artifacts and checkpoints
#include "SgnasSpace.h"

namespace nas::sgnas {

// What a single-path forward ran, counted from the tensors it actually used (per image).
struct CostCounter {
  double flops = 0;
  std::int64_t params = 0;
  void conv(const torch::Tensor& weight, const torch::Tensor& out);  // out [N, C, H, W]
  void bn(std::int64_t channels) { params += 2 * channels; }
  void linear(const torch::Tensor& weight, bool bias);
};

class SgnasLayerImpl : public torch::nn::Module {
 public:
  SgnasLayerImpl(int inChannels, int outChannels, int stride, int groups, bool residual);
  torch::Tensor forward(const torch::Tensor& x, const std::vector<Choice>& choices, CostCounter* counter = nullptr);
  // probs: [G, 4] (may require grad); values: the same numbers on the host, row-major.
  torch::Tensor forwardMixed(const torch::Tensor& x, const torch::Tensor& probs, const std::vector<float>& values);

 private:
  int cin_, cout_, stride_, groups_;
  bool residual_;
  torch::nn::Conv2d pw1_{nullptr}, pw2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr};
  std::vector<torch::nn::Conv2d> dw_;
  std::vector<torch::nn::BatchNorm2d> dwBn_;
  torch::nn::ModuleList sbn_{nullptr};
};
TORCH_MODULE(SgnasLayer);

class SgnasSupernetImpl : public torch::nn::Module {
 public:
  explicit SgnasSupernetImpl(const SgnasSpace& space);
  // x: float [N, C, S, S] normalised; returns logits [N, classes].
  torch::Tensor forward(const torch::Tensor& x, const SgnasArch& arch, CostCounter* counter = nullptr);
  // A supernet training path: like forward, but group 0 may skip (the official code's
  // sampling, FairPathSampler with group0Always = false); each layer needs one active group.
  torch::Tensor forwardTrainingPath(const torch::Tensor& x, const SgnasArch& arch);
  torch::Tensor forwardMixed(const torch::Tensor& x, const torch::Tensor& probs);
  const SgnasSpace& space() const { return space_; }
  // Momentum of every BN's running statistics (recalibration uses 1/(i+1) for a cumulative mean).
  void setBnMomentum(double momentum);

 private:
  torch::Tensor stem(const torch::Tensor& x, CostCounter* counter);
  torch::Tensor head(const torch::Tensor& x, CostCounter* counter);

  SgnasSpace space_;
  torch::nn::Conv2d stemConv_{nullptr}, fbDw_{nullptr}, fbPw_{nullptr}, headConv_{nullptr};
  torch::nn::BatchNorm2d stemBn_{nullptr}, fbDwBn_{nullptr}, fbPwBn_{nullptr}, headBn_{nullptr};
  std::vector<SgnasLayer> layers_;
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(SgnasSupernet);

// The "supernet" artifact: the space (JSON) and the weights; loading rebuilds the module.
std::string supernetArtifact(const SgnasSupernet& net);
SgnasSupernet loadSupernetArtifact(const std::string& bytes);  // throws CorruptData

}  // namespace nas::sgnas
