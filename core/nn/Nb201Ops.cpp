#include "nn/Nb201Ops.h"

#include <torch/torch.h>

namespace nas {

ReLUConvBNImpl::ReLUConvBNImpl(const ReLUConvBNOptions& o) : options(o) {
  conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels(), o.out_channels(),
                                                                            o.kernel_size())
                                                       .stride(o.stride())
                                                       .padding(o.padding())
                                                       .bias(false)));
  bn = register_module("bn", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(o.out_channels())
                                                        .affine(o.bn().affine())
                                                        .track_running_stats(o.bn().track_running_stats())));
}

torch::Tensor ReLUConvBNImpl::forward(const torch::Tensor& x) { return bn(conv(torch::relu(x))); }

ResNetBlockImpl::ResNetBlockImpl(std::int64_t in, std::int64_t out, std::int64_t s, BnOptions bnOpt) : stride(s) {
  conv_a = register_module("conv_a", ReLUConvBN(ReLUConvBNOptions(in, out, 3).stride(s).bn(bnOpt)));
  conv_b = register_module("conv_b", ReLUConvBN(ReLUConvBNOptions(out, out, 3).bn(bnOpt)));
  shortcut = register_module("shortcut", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1).bias(false)));
}

torch::Tensor ResNetBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor residual = shortcut(torch::avg_pool2d(x, {stride, stride}, {stride, stride}));
  return conv_b(conv_a(x)) + residual;
}

torch::nn::AnyModule makeNb201Op(Nb201Op op, std::int64_t channels, const BnOptions& bn) {
  switch (op) {
    case Nb201Op::None: return torch::nn::AnyModule(Zero());
    case Nb201Op::SkipConnect: return torch::nn::AnyModule(torch::nn::Identity());
    case Nb201Op::Conv1x1: return torch::nn::AnyModule(ReLUConvBN(ReLUConvBNOptions(channels, channels, 1).bn(bn)));
    case Nb201Op::Conv3x3: return torch::nn::AnyModule(ReLUConvBN(ReLUConvBNOptions(channels, channels, 3).bn(bn)));
    case Nb201Op::AvgPool3x3:
      return torch::nn::AnyModule(
          torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(3).stride(1).padding(1).count_include_pad(false)));
  }
  return torch::nn::AnyModule(Zero());
}

std::string nb201EdgeOpName(int edge, Nb201Op op) { return "edge" + std::to_string(edge) + "_" + nb201OpName(op); }

}  // namespace nas
