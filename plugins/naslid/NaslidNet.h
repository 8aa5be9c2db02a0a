#pragma once
// The NAS-Bench-201 weight-sharing supernet as NAS-LID needs it: a single-path forward that can
// also hand back the output of every block (the 3N cells and the 2 reduction blocks, in depth
// order), which is what the LID profile is computed from. Built from core's search cell and
// blocks with the same parameter names as core's Nb201Supernet, so states move between them.
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <functional>
#include <vector>

#include "nn/Nb201Supernet.h"

namespace nas::naslid {

class NaslidNetImpl : public torch::nn::Module {
 public:
  explicit NaslidNetImpl(const Nb201MacroConfig& macro);
  // Logits; when `blocks` is given it receives the 3N+2 block outputs.
  torch::Tensor forward(const torch::Tensor& x, const Nb201Cell& cell, std::vector<torch::Tensor>* blocks = nullptr);
  // The same, handing each block output to `onBlock` as soon as it exists and keeping none:
  // a LID probe then holds one block's features at a time, not all of them.
  torch::Tensor forward(const torch::Tensor& x, const Nb201Cell& cell,
                        const std::function<void(const torch::Tensor&)>& onBlock);
  const Nb201MacroConfig& macro() const { return macro_; }
  int numBlocks() const { return static_cast<int>(order_.size()); }
  // Block names for plots: "cell0", "reduction0", ...
  std::vector<std::string> blockNames() const;

 private:
  Nb201MacroConfig macro_;
  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr}, last_bn_{nullptr};
  std::vector<Nb201SearchCell> cells_;
  std::vector<ResNetBlock> reductions_;
  std::vector<std::pair<bool, size_t>> order_;
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(NaslidNet);

// Copies every parameter and buffer (a sub-supernet inherits its parent's weights).
void copyState(const NaslidNetImpl& from, NaslidNetImpl& to);

// All BatchNorm modules of a network (for recalibration and for frozen statistics).
std::vector<torch::nn::BatchNorm2dImpl*> batchNorms(torch::nn::Module& net);

}  // namespace nas::naslid
