#pragma once
// The NAS-Bench-201 macro network for one cell: stem Conv3x3+BN, three stages of N cells at
// C, 2C, 4C joined by residual reduction blocks, BN-ReLU-global-average-pool-Linear.
#include <torch/nn/modules/linear.h>

#include <utility>
#include <vector>

#include "nn/Nb201Ops.h"
#include "searchspace/Nb201Cell.h"

namespace nas {

// One layer of the macro skeleton, shared by the standalone network and the supernet.
struct Nb201Layer {
  bool reduction = false;    // a ResNetBlock (stride 2) rather than a cell
  std::int64_t inChannels = 0;
  std::int64_t outChannels = 0;
};
// N cells, block, N cells, block, N cells (3N + 2 layers). Throws InvalidArgument on C or N < 1.
std::vector<Nb201Layer> nb201Layout(const Nb201MacroConfig& macro);

// One cell with fixed ops. Edges whose op is `none` are not built: they have no module and
// cost nothing; a node with no incoming edge is zero. The ReLU of a node feeding several
// ReLU-Conv-BN edges is computed once and shared by them (same values as one ReLU per edge,
// fewer passes forward and backward).
class Nb201InferCellImpl : public torch::nn::Module {
 public:
  Nb201InferCellImpl(const Nb201Cell& cell, std::int64_t channels, const BnOptions& bn = {});
  torch::Tensor forward(const torch::Tensor& x);
  const Nb201Cell& cell() const { return cell_; }

 private:
  Nb201Cell cell_;
  std::vector<std::pair<int, torch::nn::AnyModule>> edges_;  // (edge index, op), `none` left out
  std::vector<std::shared_ptr<ReLUConvBNImpl>> reluConvBn_;   // per edges_ entry; null unless ReLU-Conv-BN
};
TORCH_MODULE(Nb201InferCell);

class Nb201NetworkImpl : public torch::nn::Module {
 public:
  Nb201NetworkImpl(const Nb201Cell& cell, const Nb201MacroConfig& macro, const BnOptions& bn = {});
  // [B, inputChannels, H, W] float -> logits [B, classes].
  torch::Tensor forward(const torch::Tensor& x);

  const Nb201Cell& cell() const { return cell_; }
  const Nb201MacroConfig& macro() const { return macro_; }

 private:
  Nb201Cell cell_;
  Nb201MacroConfig macro_;
  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr}, last_bn_{nullptr};
  std::vector<Nb201InferCell> cells_;
  std::vector<ResNetBlock> reductions_;
  std::vector<std::pair<bool, size_t>> order_;  // (is reduction, index into cells_/reductions_)
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(Nb201Network);

// Trainable parameters (those with requires_grad), as nb201Cost counts them.
std::int64_t countParameters(const torch::nn::Module& module);
// Copies every parameter and buffer of `to` from the entry of the same name in `from`
// (e.g. supernet -> standalone network). Throws Error(InvalidArgument) naming a missing
// entry or a shape mismatch.
void copyNamedState(const torch::nn::Module& from, torch::nn::Module& to);

}  // namespace nas
