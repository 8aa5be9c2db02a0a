#pragma once
// The candidate operations of the two cell spaces as LibTorch modules. DARTS' ops follow its
// operations.py layer by layer (so that dartsCost counts what runs); the NAS-Bench-201 ops come
// from core/nn (makeNb201Op). Search networks build them with BN affine=false and a BN after
// every pool (DARTS' MixedOp); evaluation networks with affine BN and bare pools.
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "searchspace/DartsGenotype.h"

namespace nas::entrannas {

// (ReLU, depthwise kxk stride s, pointwise 1x1, BN) twice; the second at stride 1.
class SepConvImpl : public torch::nn::Module {
 public:
  SepConvImpl(std::int64_t c, std::int64_t k, std::int64_t stride, bool affine);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d dw1{nullptr}, pw1{nullptr}, dw2{nullptr}, pw2{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
};
TORCH_MODULE(SepConv);

// ReLU, depthwise kxk dilation 2 stride s, pointwise 1x1, BN.
class DilConvImpl : public torch::nn::Module {
 public:
  DilConvImpl(std::int64_t c, std::int64_t k, std::int64_t stride, bool affine);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d dw{nullptr}, pw{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(DilConv);

// ReLU, then two 1x1 convs cin -> cout/2 at stride 2 (the second on the input shifted by one
// pixel), concatenated, BN: halves the resolution without losing every other pixel.
class FactorizedReduceImpl : public torch::nn::Module {
 public:
  FactorizedReduceImpl(std::int64_t cin, std::int64_t cout, bool affine);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(FactorizedReduce);

// A 3x3 pool (max or average, count_include_pad=false) at stride s, optionally followed by a
// non-affine BN (DARTS' search-time MixedOp adds one so pools compete at the same scale).
class PoolImpl : public torch::nn::Module {
 public:
  PoolImpl(bool max, std::int64_t c, std::int64_t stride, bool withBn);
  torch::Tensor forward(const torch::Tensor& x);
  bool max;
  std::int64_t stride;
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(Pool);

// ReLU, 1x1 conv, BN: the preprocessing of a DARTS cell's inputs.
class ReLUConv1x1Impl : public torch::nn::Module {
 public:
  ReLUConv1x1Impl(std::int64_t cin, std::int64_t cout, bool affine);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(ReLUConv1x1);

struct OpOptions {
  bool affine = false;  // BN affine parameters (evaluation networks: true)
  bool poolBn = true;   // BN after pools (search networks, as DARTS' MixedOp)
};

// DARTS op `op` at `c` channels, stride 1 or 2. `none` is never built (callers skip it).
torch::nn::AnyModule makeDartsOp(DartsOp op, std::int64_t c, std::int64_t stride, const OpOptions& o);

}  // namespace nas::entrannas
