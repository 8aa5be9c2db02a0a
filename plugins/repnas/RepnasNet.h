#pragma once
// The RepNAS networks in LibTorch: the multi-branch (training) form, whose every layer is a
// DbbBlock holding the branches it may run, and the deployed form, one KxK conv with bias and
// a ReLU per layer; then global average pool, dropout and the classifier, in both.
//   multi-branch layer l:  ReLU( sum over the active branches b of gate_b * branch_b(x) )
// (the identity-BN and a fallback KxK branch ungated), RepNAS's MixedOp.
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

#include "DbbBlock.h"
#include "nn/ModuleBytes.h"  // moduleToBytes, bytesToTensor: artifacts and checkpoints
#include "RepnasSpace.h"

namespace nas::repnas {

// The deployed network: what the workspace stores for export and what latency is measured on.
class RepnasDeployedNetImpl : public torch::nn::Module {
 public:
  RepnasDeployedNetImpl(const RepnasSpace& space, double dropout = 0.1);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d& conv(int layer) { return convs_.at(static_cast<size_t>(layer)); }
  torch::nn::Linear& classifier() { return fc_; }
  const RepnasSpace& space() const { return space_; }

 private:
  RepnasSpace space_;
  std::vector<torch::nn::Conv2d> convs_;
  torch::nn::Dropout drop_{nullptr};
  torch::nn::Linear fc_{nullptr};
};
TORCH_MODULE(RepnasDeployedNet);

class RepnasNetImpl : public torch::nn::Module {
 public:
  // held[l]: the branches layer l's block holds (effective masks; a search holds fullMask(l)).
  RepnasNetImpl(const RepnasSpace& space, const std::vector<BranchMask>& held, double dropout = 0.1);
  // active[l] (a subset of held[l]) runs in layer l; gates, when given, one BranchGates per layer.
  torch::Tensor forward(const torch::Tensor& x, const std::vector<BranchMask>& active,
                        const std::vector<BranchGates>* gates = nullptr);
  // Every layer folded into one conv from the branches of active[l] (BN running statistics):
  // in eval mode the deployed network's outputs equal forward(x, active)'s up to rounding.
  // Folded on this network's device; the deployed network is created there too.
  RepnasDeployedNet deploy(const std::vector<BranchMask>& active) const;
  const RepnasSpace& space() const { return space_; }
  DbbBlock& block(int layer) { return blocks_.at(static_cast<size_t>(layer)); }
  // Every BN back to mean 0, var 1 (RepNAS's fixed_mask() resets the running statistics).
  void resetBatchNormStatistics();
  // Parameters weight decay applies to (conv and linear weights), and the rest (BN, biases).
  std::vector<torch::Tensor> decayedParameters() const;
  std::vector<torch::Tensor> undecayedParameters() const;

 private:
  RepnasSpace space_;
  std::vector<DbbBlock> blocks_;
  torch::nn::Dropout drop_{nullptr};
  torch::nn::Linear fc_{nullptr};
};
TORCH_MODULE(RepnasNet);

// The "model"/"deployed" artifact: the space (JSON), the architecture string and the deployed
// weights; loading rebuilds the module (CorruptData when the bytes are not one).
std::string deployedArtifact(const RepnasDeployedNet& net, const std::string& arch);
struct LoadedDeployed {
  RepnasDeployedNet net{nullptr};
  std::string arch;
};
LoadedDeployed loadDeployedArtifact(const std::string& bytes);


}  // namespace nas::repnas
