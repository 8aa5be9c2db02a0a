#include "CellOps.h"

#include <torch/torch.h>

#include "common/Error.h"

namespace nas::entrannas {

namespace {

torch::nn::Conv2d conv(std::int64_t cin, std::int64_t cout, std::int64_t k, std::int64_t stride, std::int64_t pad,
                       std::int64_t dilation = 1, std::int64_t groups = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(cin, cout, k)
                               .stride(stride)
                               .padding(pad)
                               .dilation(dilation)
                               .groups(groups)
                               .bias(false));
}

torch::nn::BatchNorm2d batchNorm(std::int64_t c, bool affine) {
  return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(c).affine(affine));
}

}  // namespace

SepConvImpl::SepConvImpl(std::int64_t c, std::int64_t k, std::int64_t stride, bool affine) {
  dw1 = register_module("dw1", conv(c, c, k, stride, k / 2, 1, c));
  pw1 = register_module("pw1", conv(c, c, 1, 1, 0));
  bn1 = register_module("bn1", batchNorm(c, affine));
  dw2 = register_module("dw2", conv(c, c, k, 1, k / 2, 1, c));
  pw2 = register_module("pw2", conv(c, c, 1, 1, 0));
  bn2 = register_module("bn2", batchNorm(c, affine));
}

torch::Tensor SepConvImpl::forward(const torch::Tensor& x) {
  const torch::Tensor h = bn1(pw1(dw1(torch::relu(x))));
  return bn2(pw2(dw2(torch::relu(h))));
}

DilConvImpl::DilConvImpl(std::int64_t c, std::int64_t k, std::int64_t stride, bool affine) {
  dw = register_module("dw", conv(c, c, k, stride, k - 1, 2, c));  // dilation 2: pad k-1 keeps the size
  pw = register_module("pw", conv(c, c, 1, 1, 0));
  bn = register_module("bn", batchNorm(c, affine));
}

torch::Tensor DilConvImpl::forward(const torch::Tensor& x) { return bn(pw(dw(torch::relu(x)))); }

FactorizedReduceImpl::FactorizedReduceImpl(std::int64_t cin, std::int64_t cout, bool affine) {
  if (cout % 2 != 0)
    throw Error(ErrorCode::InvalidArgument, "FactorizedReduce needs an even channel count, got " + std::to_string(cout));
  conv1 = register_module("conv1", conv(cin, cout / 2, 1, 2, 0));
  conv2 = register_module("conv2", conv(cin, cout / 2, 1, 2, 0));
  bn = register_module("bn", batchNorm(cout, affine));
}

torch::Tensor FactorizedReduceImpl::forward(const torch::Tensor& x) {
  using torch::indexing::Slice;
  const torch::Tensor r = torch::relu(x);
  return bn(torch::cat({conv1(r), conv2(r.index({Slice(), Slice(), Slice(1), Slice(1)}))}, 1));
}

PoolImpl::PoolImpl(bool isMax, std::int64_t c, std::int64_t s, bool withBn) : max(isMax), stride(s) {
  if (withBn) bn = register_module("bn", batchNorm(c, false));
}

torch::Tensor PoolImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = max ? torch::max_pool2d(x, {3, 3}, {stride, stride}, {1, 1})
                        : torch::avg_pool2d(x, {3, 3}, {stride, stride}, {1, 1}, false, /*count_include_pad=*/false);
  return bn ? bn(y) : y;
}

ReLUConv1x1Impl::ReLUConv1x1Impl(std::int64_t cin, std::int64_t cout, bool affine) {
  conv = register_module("conv", nas::entrannas::conv(cin, cout, 1, 1, 0));
  bn = register_module("bn", batchNorm(cout, affine));
}

torch::Tensor ReLUConv1x1Impl::forward(const torch::Tensor& x) { return bn(conv(torch::relu(x))); }

torch::nn::AnyModule makeDartsOp(DartsOp op, std::int64_t c, std::int64_t stride, const OpOptions& o) {
  switch (op) {
    case DartsOp::MaxPool3x3: return torch::nn::AnyModule(Pool(true, c, stride, o.poolBn));
    case DartsOp::AvgPool3x3: return torch::nn::AnyModule(Pool(false, c, stride, o.poolBn));
    case DartsOp::SkipConnect:
      if (stride == 1) return torch::nn::AnyModule(torch::nn::Identity());
      return torch::nn::AnyModule(FactorizedReduce(c, c, o.affine));
    case DartsOp::SepConv3x3: return torch::nn::AnyModule(SepConv(c, 3, stride, o.affine));
    case DartsOp::SepConv5x5: return torch::nn::AnyModule(SepConv(c, 5, stride, o.affine));
    case DartsOp::DilConv3x3: return torch::nn::AnyModule(DilConv(c, 3, stride, o.affine));
    case DartsOp::DilConv5x5: return torch::nn::AnyModule(DilConv(c, 5, stride, o.affine));
    case DartsOp::None: break;
  }
  throw Error(ErrorCode::Internal, "makeDartsOp: `none` has no module");
}

}  // namespace nas::entrannas
