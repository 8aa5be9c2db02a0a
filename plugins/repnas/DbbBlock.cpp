// The DBB training form and its folding into one conv (transforms I, II, III, V and VI of
// the DBB paper: BN into conv, parallel sum, 1x1 then KxK, avg pool as a conv, 1x1 padded
// to KxK).
#include "DbbBlock.h"

#include <torch/torch.h>

#include "common/Error.h"

namespace nas::repnas {
namespace {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

nn::Conv2d conv(int cin, int cout, int k, int stride, int pad) {
  return nn::Conv2d(nn::Conv2dOptions(cin, cout, k).stride(stride).padding(pad).bias(false));
}

// III: a 1x1 conv (w1 [D, C, 1, 1], b1) then a KxK conv (w2 [E, D, K, K], b2) with no
// padding between them that would not be b1 -> one KxK conv.
std::pair<torch::Tensor, torch::Tensor> fuse1x1ThenKxk(const torch::Tensor& w1, const torch::Tensor& b1,
                                                       const torch::Tensor& w2, const torch::Tensor& b2) {
  // out[e, c] = sum_d w2[e, d] * w1[d, c]: convolving w2 (as a batch of E "images" of D
  // channels) with w1 transposed (C filters of D channels, 1x1).
  torch::Tensor w = torch::conv2d(w2, w1.permute({1, 0, 2, 3}));
  torch::Tensor b = (w2 * b1.view({1, -1, 1, 1})).sum({1, 2, 3}) + b2;
  return {w, b};
}

// V: a KxK average pool over C channels as a KxK conv.
torch::Tensor avgPoolKernel(int channels, int k) {
  torch::Tensor w = torch::zeros({channels, channels, k, k});
  for (int c = 0; c < channels; ++c) w[c][c].fill_(1.0 / (k * k));
  return w;
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> fuseConvBn(const torch::Tensor& weight, const nn::BatchNorm2d& bn) {
  const torch::Tensor s = bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
  return {weight * s.view({-1, 1, 1, 1}), bn->bias - bn->running_mean * s};
}

BnAndPadImpl::BnAndPadImpl(int channels, int pad) : pad_(pad) {
  bn = register_module("bn", nn::BatchNorm2d(channels));
}

torch::Tensor BnAndPadImpl::padValues() const {
  return bn->bias - bn->running_mean * bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
}

torch::Tensor BnAndPadImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = bn(x);
  if (pad_ == 0) return y;
  // Shift so the pad value is 0, zero-pad, shift back: three elementwise passes, no slicing.
  const torch::Tensor v = padValues().view({1, -1, 1, 1});
  return torch::constant_pad_nd(y - v, {pad_, pad_, pad_, pad_}, 0) + v;
}

DbbBlockImpl::DbbBlockImpl(int inChannels, int outChannels, int kernel, int stride, BranchMask mask)
    : in_(inChannels), out_(outChannels), kernel_(kernel), stride_(stride), mask_(mask) {
  if (mask == 0 || (mask & ~kAllBranches) != 0)
    throw Error(ErrorCode::InvalidArgument, "a DBB block needs at least one branch", "dbb block");
  if (kernel < 3 || kernel % 2 == 0 || stride < 1 || inChannels < 1 || outChannels < 1)
    throw Error(ErrorCode::InvalidArgument, "kernel must be odd and >= 3, stride and channels >= 1", "dbb block");
  const int pad = kernel / 2;
  if (hasBranch(mask, Branch::Kxk)) {
    kxk_ = register_module("kxk", conv(in_, out_, kernel, stride, pad));
    kxkBn_ = register_module("kxk_bn", nn::BatchNorm2d(out_));
  }
  if (hasBranch(mask, Branch::Conv1x1)) {
    one_ = register_module("one", conv(in_, out_, 1, stride, 0));
    oneBn_ = register_module("one_bn", nn::BatchNorm2d(out_));
  }
  if (hasBranch(mask, Branch::Conv1x1Kxk)) {
    chainIn_ = register_module("chain_in", conv(in_, in_, 1, 1, 0));
    // Identity start, as DBB's identity-based 1x1: the branch begins as a plain KxK conv.
    torch::NoGradGuard noGrad;
    chainIn_->weight.copy_(torch::eye(in_).view({in_, in_, 1, 1}));
    chainMid_ = register_module("chain_mid", BnAndPad(in_, pad));
    chainK_ = register_module("chain_kxk", conv(in_, out_, kernel, stride, 0));
    chainBn_ = register_module("chain_bn", nn::BatchNorm2d(out_));
  }
  if (hasBranch(mask, Branch::Conv1x1Avg)) {
    avgIn_ = register_module("avg_in", conv(in_, out_, 1, 1, 0));
    avgMid_ = register_module("avg_mid", BnAndPad(out_, pad));
    avgBn_ = register_module("avg_bn", nn::BatchNorm2d(out_));
  }
}

torch::Tensor DbbBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor y;
  const auto add = [&y](const torch::Tensor& t) { y = y.defined() ? y + t : t; };
  if (kxk_) add(kxkBn_(kxk_(x)));
  if (one_) add(oneBn_(one_(x)));
  if (chainIn_) add(chainBn_(chainK_(chainMid_(chainIn_(x)))));
  if (avgIn_) add(avgBn_(F::avg_pool2d(avgMid_(avgIn_(x)), F::AvgPool2dFuncOptions(kernel_).stride(stride_))));
  return y;
}

std::pair<torch::Tensor, torch::Tensor> DbbBlockImpl::fusedKernelAndBias() const {
  torch::NoGradGuard noGrad;
  const int pad = kernel_ / 2;
  torch::Tensor w = torch::zeros({out_, in_, kernel_, kernel_});
  torch::Tensor b = torch::zeros({out_});
  const auto add = [&](const std::pair<torch::Tensor, torch::Tensor>& wb) {
    w = w + wb.first;
    b = b + wb.second;
  };
  if (kxk_) add(fuseConvBn(kxk_->weight, kxkBn_));
  if (one_) {
    auto [w1, b1] = fuseConvBn(one_->weight, oneBn_);
    add({torch::constant_pad_nd(w1, {pad, pad, pad, pad}, 0), b1});  // VI: 1x1 at the centre
  }
  if (chainIn_) {
    auto [w1, b1] = fuseConvBn(chainIn_->weight, chainMid_->bn);
    auto [w2, b2] = fuseConvBn(chainK_->weight, chainBn_);
    add(fuse1x1ThenKxk(w1, b1, w2, b2));
  }
  if (avgIn_) {
    auto [w1, b1] = fuseConvBn(avgIn_->weight, avgMid_->bn);
    auto [w2, b2] = fuseConvBn(avgPoolKernel(out_, kernel_), avgBn_);
    add(fuse1x1ThenKxk(w1, b1, w2, b2));
  }
  return {w, b};
}

nn::Conv2d DbbBlockImpl::reparameterize() const {
  auto [w, b] = fusedKernelAndBias();
  nn::Conv2d c(nn::Conv2dOptions(in_, out_, kernel_).stride(stride_).padding(kernel_ / 2).bias(true));
  torch::NoGradGuard noGrad;
  c->weight.copy_(w);
  c->bias.copy_(b);
  return c;
}

}  // namespace nas::repnas
