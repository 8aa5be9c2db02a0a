#pragma once
// The weight-sharing NAS-Bench-201 supernet: the macro network of Nb201Network, but every
// cell edge holds all candidate ops (skip, conv 1x1, conv 3x3, avg pool; `none` is zero and
// needs no module). One forward runs either
//   - a single path: a cell picks one op per edge and only those run (SPOS, SGNAS-style
//     sampling, supernet evaluation), or
//   - a mixture: op weights [6 edges x 5 ops] in benchmark op order; an edge outputs
//     sum_k w[e,k] * op_k(x), and ops whose weight is exactly 0 are not run (DARTS-like
//     relaxations, EnTranNAS, NAS-LID), so sparse weights cost only what they use.
// All 15 cells are distinct modules (no sharing across positions), as in the benchmark.
// Parameter names match Nb201Network's, so copyWeightsTo() hands a sub-network its weights.
// A block hook sees every block's output (the 3N cells and 2 reduction blocks, in depth order)
// as soon as it exists: NAS-LID computes its LID profiles from them without holding them all.
#include <functional>
#include <string>
#include <vector>

#include "nn/Nb201Network.h"

namespace nas {

class Nb201SearchCellImpl : public torch::nn::Module {
 public:
  Nb201SearchCellImpl(std::int64_t channels, const BnOptions& bn = {});
  torch::Tensor forward(const torch::Tensor& x, const Nb201Cell& cell);
  // weights: [6, 5] as doubles already on the CPU (checked by the supernet).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& weights,
                        const std::vector<double>& weightValues);

 private:
  // ops_[e][k] for k = benchmark op index; index 0 (`none`) stays empty.
  std::array<std::array<torch::nn::AnyModule, kNb201NumOps>, kNb201NumEdges> ops_;
};
TORCH_MODULE(Nb201SearchCell);

class Nb201SupernetImpl : public torch::nn::Module {
 public:
  explicit Nb201SupernetImpl(const Nb201MacroConfig& macro, const BnOptions& bn = {});

  using BlockHook = std::function<void(const torch::Tensor&)>;

  torch::Tensor forward(const torch::Tensor& x, const Nb201Cell& cell);
  // The same single path, handing each block's output to `onBlock` and keeping none of them.
  torch::Tensor forward(const torch::Tensor& x, const Nb201Cell& cell, const BlockHook& onBlock);
  // weights: float [6, 5], any device, may require grad (its gradient flows).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& weights);

  int numBlocks() const { return static_cast<int>(order_.size()); }
  // Block names in depth order for plots: "cell0", "reduction0", "cell1", ...
  std::vector<std::string> blockNames() const;

  // Copies the weights `net` needs (its cell's ops, stem, blocks, head) from this supernet.
  void copyWeightsTo(Nb201NetworkImpl& net) const;
  const Nb201MacroConfig& macro() const { return macro_; }

 private:
  template <typename CellFn>
  torch::Tensor run(const torch::Tensor& input, CellFn&& cellForward, const BlockHook* onBlock = nullptr);

  Nb201MacroConfig macro_;
  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr}, last_bn_{nullptr};
  std::vector<Nb201SearchCell> cells_;
  std::vector<ResNetBlock> reductions_;
  std::vector<std::pair<bool, size_t>> order_;
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(Nb201Supernet);

}  // namespace nas
