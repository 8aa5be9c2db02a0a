#pragma once
// The NAS-Bench-201 primitives as LibTorch modules: ReLU-Conv-BN, the residual reduction
// block between stages, a zero op, and a factory for the op on a cell edge. Layer names and
// hyper-parameters follow the benchmark's reference code so that parameter counts agree
// with nb201Cost and weights move between a supernet and a standalone network by name.
#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/pimpl.h>

#include "searchspace/Nb201Cell.h"

namespace nas {

// BatchNorm flavour: the benchmark trains standalone networks with affine BN and running
// statistics; weight-sharing supernets sometimes switch both off.
struct BnOptions {
  TORCH_ARG(bool, affine) = true;
  TORCH_ARG(bool, track_running_stats) = true;
};

struct ReLUConvBNOptions {
  ReLUConvBNOptions(std::int64_t in, std::int64_t out, std::int64_t kernel)
      : in_channels_(in), out_channels_(out), kernel_size_(kernel), padding_(kernel / 2) {}
  TORCH_ARG(std::int64_t, in_channels);
  TORCH_ARG(std::int64_t, out_channels);
  TORCH_ARG(std::int64_t, kernel_size);
  TORCH_ARG(std::int64_t, stride) = 1;
  TORCH_ARG(std::int64_t, padding);
  TORCH_ARG(BnOptions, bn) = {};
};

// ReLU -> Conv (no bias) -> BN.
class ReLUConvBNImpl : public torch::nn::Module {
 public:
  explicit ReLUConvBNImpl(const ReLUConvBNOptions& options);
  torch::Tensor forward(const torch::Tensor& x);

  ReLUConvBNOptions options;
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(ReLUConvBN);

// The benchmark's ResNet basic block between stages: ReLUConvBN 3x3 (stride 2) ->
// ReLUConvBN 3x3, plus a shortcut AvgPool 2x2 (stride 2) -> Conv 1x1 (no BN); output = sum.
class ResNetBlockImpl : public torch::nn::Module {
 public:
  ResNetBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride = 2, BnOptions bn = {});
  torch::Tensor forward(const torch::Tensor& x);

  ReLUConvBN conv_a{nullptr}, conv_b{nullptr};
  torch::nn::Conv2d shortcut{nullptr};
  std::int64_t stride;
};
TORCH_MODULE(ResNetBlock);

// `none`: zeros of the input's shape. Cells never build it (a `none` edge is skipped); it
// exists so that an op list can be complete where someone needs one.
class ZeroImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& x) { return torch::zeros_like(x); }
};
TORCH_MODULE(Zero);

// The module for `op` on a cell edge with `channels` in and out (stride 1):
// ReLUConvBN 1x1 / 3x3, Identity, AvgPool 3x3 (pad 1, count_include_pad=false), Zero.
torch::nn::AnyModule makeNb201Op(Nb201Op op, std::int64_t channels, const BnOptions& bn = {});
// Registration name of the op on edge e: "edge3_nor_conv_3x3". Shared by the standalone cell
// and the supernet, so a standalone network's state names are a subset of the supernet's.
std::string nb201EdgeOpName(int edge, Nb201Op op);

}  // namespace nas
