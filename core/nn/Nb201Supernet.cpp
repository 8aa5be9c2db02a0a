#include "nn/Nb201Supernet.h"

#include <torch/torch.h>

#include "common/Error.h"

namespace nas {

Nb201SearchCellImpl::Nb201SearchCellImpl(std::int64_t channels, const BnOptions& bn) {
  for (int e = 0; e < kNb201NumEdges; ++e)
    for (int k = 1; k < kNb201NumOps; ++k) {
      const auto op = static_cast<Nb201Op>(k);
      ops_[static_cast<size_t>(e)][static_cast<size_t>(k)] = makeNb201Op(op, channels, bn);
      register_module(nb201EdgeOpName(e, op), ops_[static_cast<size_t>(e)][static_cast<size_t>(k)].ptr());
    }
}

torch::Tensor Nb201SearchCellImpl::forward(const torch::Tensor& x, const Nb201Cell& cell) {
  std::array<torch::Tensor, kNb201NumNodes> nodes;
  nodes[0] = x;
  for (int e = 0; e < kNb201NumEdges; ++e) {
    const auto [from, to] = nb201Edges()[static_cast<size_t>(e)];
    const auto k = static_cast<size_t>(cell.op(e));
    if (k != 0) {
      torch::Tensor t = ops_[static_cast<size_t>(e)][k].forward(nodes[static_cast<size_t>(from)]);
      auto& n = nodes[static_cast<size_t>(to)];
      n = n.defined() ? n + t : t;
    }
    // Edges are grouped by target node: once node `to`'s last edge is done, fill in a zero.
    if ((e + 1 == kNb201NumEdges || nb201Edges()[static_cast<size_t>(e + 1)].to != to) &&
        !nodes[static_cast<size_t>(to)].defined())
      nodes[static_cast<size_t>(to)] = torch::zeros_like(x);
  }
  return nodes[kNb201NumNodes - 1];
}

torch::Tensor Nb201SearchCellImpl::forward(const torch::Tensor& x, const torch::Tensor& weights,
                                           const std::vector<double>& w) {
  std::array<torch::Tensor, kNb201NumNodes> nodes;
  nodes[0] = x;
  for (int e = 0; e < kNb201NumEdges; ++e) {
    const auto [from, to] = nb201Edges()[static_cast<size_t>(e)];
    auto& n = nodes[static_cast<size_t>(to)];
    for (int k = 1; k < kNb201NumOps; ++k) {
      if (w[static_cast<size_t>(e * kNb201NumOps + k)] == 0.0) continue;  // skipped: costs nothing
      torch::Tensor t = ops_[static_cast<size_t>(e)][static_cast<size_t>(k)].forward(nodes[static_cast<size_t>(from)]);
      t = t * weights[e][k];
      n = n.defined() ? n + t : t;
    }
    if ((e + 1 == kNb201NumEdges || nb201Edges()[static_cast<size_t>(e + 1)].to != to) && !n.defined())
      n = torch::zeros_like(x);
  }
  return nodes[kNb201NumNodes - 1];
}

Nb201SupernetImpl::Nb201SupernetImpl(const Nb201MacroConfig& macro, const BnOptions& bn) : macro_(macro) {
  const auto layout = nb201Layout(macro);
  const std::int64_t C = macro.channels;
  stem_conv_ = register_module(
      "stem_conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(macro.inputChannels, C, 3).padding(1).bias(false)));
  stem_bn_ = register_module("stem_bn", torch::nn::BatchNorm2d(C));
  for (size_t i = 0; i < layout.size(); ++i) {
    const std::string name = "layer" + std::to_string(i);
    if (layout[i].reduction) {
      order_.emplace_back(true, reductions_.size());
      reductions_.push_back(register_module(name, ResNetBlock(layout[i].inChannels, layout[i].outChannels, 2, bn)));
    } else {
      order_.emplace_back(false, cells_.size());
      cells_.push_back(register_module(name, Nb201SearchCell(layout[i].inChannels, bn)));
    }
  }
  const std::int64_t last = layout.back().outChannels;
  last_bn_ = register_module("last_bn", torch::nn::BatchNorm2d(last));
  classifier_ = register_module("classifier", torch::nn::Linear(last, macro.classes));
}

template <typename CellFn>
torch::Tensor Nb201SupernetImpl::run(const torch::Tensor& input, CellFn&& cellForward, const BlockHook* onBlock) {
  torch::Tensor x = stem_bn_(stem_conv_(input));
  for (const auto& [reduction, index] : order_) {
    x = reduction ? reductions_[index](x) : cellForward(cells_[index], x);
    if (onBlock) (*onBlock)(x);
  }
  x = torch::relu(last_bn_(x));
  x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  return classifier_(x);
}

torch::Tensor Nb201SupernetImpl::forward(const torch::Tensor& x, const Nb201Cell& cell) {
  return run(x, [&](Nb201SearchCell& c, const torch::Tensor& h) { return c->forward(h, cell); });
}

torch::Tensor Nb201SupernetImpl::forward(const torch::Tensor& x, const Nb201Cell& cell, const BlockHook& onBlock) {
  return run(x, [&](Nb201SearchCell& c, const torch::Tensor& h) { return c->forward(h, cell); }, &onBlock);
}

std::vector<std::string> Nb201SupernetImpl::blockNames() const {
  std::vector<std::string> names;
  for (const auto& [reduction, index] : order_) names.push_back((reduction ? "reduction" : "cell") + std::to_string(index));
  return names;
}

torch::Tensor Nb201SupernetImpl::forward(const torch::Tensor& x, const torch::Tensor& weights) {
  if (weights.dim() != 2 || weights.size(0) != kNb201NumEdges || weights.size(1) != kNb201NumOps)
    throw Error(ErrorCode::InvalidArgument, "supernet op weights must be [6, 5], got " +
                                                c10::str(weights.sizes()));
  // Read the values once (one device sync) to decide which ops run at all.
  torch::Tensor cpu = weights.detach().to(torch::kCPU, torch::kDouble).contiguous();
  std::vector<double> w(cpu.data_ptr<double>(), cpu.data_ptr<double>() + cpu.numel());
  torch::Tensor wt = weights.to(x.device(), x.scalar_type());
  return run(x, [&](Nb201SearchCell& c, const torch::Tensor& h) { return c->forward(h, wt, w); });
}

void Nb201SupernetImpl::copyWeightsTo(Nb201NetworkImpl& net) const { copyNamedState(*this, net); }

}  // namespace nas
