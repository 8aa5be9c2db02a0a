#include "nn/Nb201Network.h"

#include <torch/torch.h>

#include "common/Error.h"

namespace nas {

std::vector<Nb201Layer> nb201Layout(const Nb201MacroConfig& m) {
  if (m.channels < 1 || m.cellsPerStage < 1 || m.inputChannels < 1 || m.classes < 1)
    throw Error(ErrorCode::InvalidArgument, "NAS-Bench-201 network needs channels, cells per stage, input channels "
                                            "and classes >= 1");
  std::vector<Nb201Layer> layers;
  std::int64_t c = m.channels;
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      layers.push_back({true, c, 2 * c});
      c *= 2;
    }
    for (int i = 0; i < m.cellsPerStage; ++i) layers.push_back({false, c, c});
  }
  return layers;
}

Nb201InferCellImpl::Nb201InferCellImpl(const Nb201Cell& cell, std::int64_t channels, const BnOptions& bn)
    : cell_(cell) {
  for (int e = 0; e < kNb201NumEdges; ++e) {
    const Nb201Op op = cell.op(e);
    if (op == Nb201Op::None) continue;
    torch::nn::AnyModule m = makeNb201Op(op, channels, bn);
    register_module(nb201EdgeOpName(e, op), m.ptr());
    const bool reluConvBn = op == Nb201Op::Conv1x1 || op == Nb201Op::Conv3x3;
    reluConvBn_.push_back(reluConvBn ? m.ptr<ReLUConvBNImpl>() : nullptr);
    edges_.emplace_back(e, std::move(m));
  }
}

torch::Tensor Nb201InferCellImpl::forward(const torch::Tensor& x) {
  std::array<torch::Tensor, kNb201NumNodes> nodes, relus;  // relus: a node's ReLU, once
  nodes[0] = x;
  size_t k = 0;  // edges_ is in edge order, which is grouped by target node
  for (int j = 1; j < kNb201NumNodes; ++j) {
    torch::Tensor sum;
    for (; k < edges_.size() && nb201Edges()[static_cast<size_t>(edges_[k].first)].to == j; ++k) {
      const auto from = static_cast<size_t>(nb201Edges()[static_cast<size_t>(edges_[k].first)].from);
      torch::Tensor t;
      if (const auto& op = reluConvBn_[k]) {
        if (!relus[from].defined()) relus[from] = torch::relu(nodes[from]);
        t = op->bn(op->conv(relus[from]));
      } else {
        t = edges_[k].second.forward(nodes[from]);
      }
      sum = sum.defined() ? sum + t : t;
    }
    nodes[static_cast<size_t>(j)] = sum.defined() ? sum : torch::zeros_like(x);
  }
  return nodes[kNb201NumNodes - 1];
}

Nb201NetworkImpl::Nb201NetworkImpl(const Nb201Cell& cell, const Nb201MacroConfig& macro, const BnOptions& bn)
    : cell_(cell), macro_(macro) {
  const auto layout = nb201Layout(macro);
  const std::int64_t C = macro.channels;
  stem_conv_ = register_module(
      "stem_conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(macro.inputChannels, C, 3).padding(1).bias(false)));
  stem_bn_ = register_module("stem_bn", torch::nn::BatchNorm2d(C));
  for (size_t i = 0; i < layout.size(); ++i) {
    const std::string name = "layer" + std::to_string(i);
    if (layout[i].reduction) {
      order_.emplace_back(true, reductions_.size());
      reductions_.push_back(
          register_module(name, ResNetBlock(layout[i].inChannels, layout[i].outChannels, 2, bn)));
    } else {
      order_.emplace_back(false, cells_.size());
      cells_.push_back(register_module(name, Nb201InferCell(cell, layout[i].inChannels, bn)));
    }
  }
  const std::int64_t last = layout.back().outChannels;
  last_bn_ = register_module("last_bn", torch::nn::BatchNorm2d(last));
  classifier_ = register_module("classifier", torch::nn::Linear(last, macro.classes));
  // Channels-last (NHWC) conv weights, with the input made NHWC in forward(): oneDNN then runs
  // every convolution on NHWC activations without reordering them to its blocked layout and
  // back (batch norm, ReLU and pooling have NHWC kernels too), about 30 % faster to train on
  // the CPU (bench_train_throughput; PyTorch's `model.to(memory_format=torch.channels_last)`).
  // Same values: the weights are drawn first, then only laid out differently; sums may round
  // differently than in NCHW.
  torch::NoGradGuard noGrad;
  for (auto& p : parameters())
    if (p.dim() == 4) p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
}

torch::Tensor Nb201NetworkImpl::forward(const torch::Tensor& input) {
  torch::Tensor x = stem_bn_(stem_conv_(input.contiguous(torch::MemoryFormat::ChannelsLast)));
  for (const auto& [reduction, index] : order_) x = reduction ? reductions_[index](x) : cells_[index](x);
  x = torch::relu(last_bn_(x));
  x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  return classifier_(x);
}

std::int64_t countParameters(const torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters(true))
    if (p.requires_grad()) n += p.numel();
  return n;
}

void copyNamedState(const torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard noGrad;
  auto params = from.named_parameters(true);
  auto buffers = from.named_buffers(true);
  auto copyAll = [](const torch::OrderedDict<std::string, torch::Tensor>& src,
                    torch::OrderedDict<std::string, torch::Tensor> dst, const char* what) {
    for (auto& item : dst) {
      const torch::Tensor* s = src.find(item.key());
      if (!s) throw Error(ErrorCode::InvalidArgument, std::string("source has no ") + what + " of this name", item.key());
      if (s->sizes() != item.value().sizes())
        throw Error(ErrorCode::InvalidArgument, std::string(what) + " shapes differ", item.key());
      item.value().copy_(*s);
    }
  };
  copyAll(params, to.named_parameters(true), "parameter");
  copyAll(buffers, to.named_buffers(true), "buffer");
}

}  // namespace nas
