#include "NaslidNet.h"

#include <torch/torch.h>

namespace nas::naslid {

NaslidNetImpl::NaslidNetImpl(const Nb201MacroConfig& macro) : macro_(macro) {
  const auto layout = nb201Layout(macro);
  const std::int64_t C = macro.channels;
  stem_conv_ = register_module(
      "stem_conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(macro.inputChannels, C, 3).padding(1).bias(false)));
  stem_bn_ = register_module("stem_bn", torch::nn::BatchNorm2d(C));
  for (size_t i = 0; i < layout.size(); ++i) {
    const std::string name = "layer" + std::to_string(i);
    if (layout[i].reduction) {
      order_.emplace_back(true, reductions_.size());
      reductions_.push_back(register_module(name, ResNetBlock(layout[i].inChannels, layout[i].outChannels, 2)));
    } else {
      order_.emplace_back(false, cells_.size());
      cells_.push_back(register_module(name, Nb201SearchCell(layout[i].inChannels)));
    }
  }
  const std::int64_t last = layout.back().outChannels;
  last_bn_ = register_module("last_bn", torch::nn::BatchNorm2d(last));
  classifier_ = register_module("classifier", torch::nn::Linear(last, macro.classes));
}

torch::Tensor NaslidNetImpl::forward(const torch::Tensor& input, const Nb201Cell& cell,
                                     std::vector<torch::Tensor>* blocks) {
  if (blocks) blocks->clear();
  return forward(input, cell, [blocks](const torch::Tensor& b) {
    if (blocks) blocks->push_back(b);
  });
}

torch::Tensor NaslidNetImpl::forward(const torch::Tensor& input, const Nb201Cell& cell,
                                     const std::function<void(const torch::Tensor&)>& onBlock) {
  torch::Tensor x = stem_bn_(stem_conv_(input));
  for (const auto& [reduction, index] : order_) {
    x = reduction ? reductions_[index](x) : cells_[index]->forward(x, cell);
    onBlock(x);
  }
  x = torch::relu(last_bn_(x));
  x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  return classifier_(x);
}

std::vector<std::string> NaslidNetImpl::blockNames() const {
  std::vector<std::string> names;
  for (const auto& [reduction, index] : order_)
    names.push_back((reduction ? "reduction" : "cell") + std::to_string(index));
  return names;
}

void copyState(const NaslidNetImpl& from, NaslidNetImpl& to) { copyNamedState(from, to); }

std::vector<torch::nn::BatchNorm2dImpl*> batchNorms(torch::nn::Module& net) {
  std::vector<torch::nn::BatchNorm2dImpl*> bns;
  for (const auto& m : net.modules(/*include_self=*/false))
    if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) bns.push_back(bn);
  return bns;
}

}  // namespace nas::naslid
