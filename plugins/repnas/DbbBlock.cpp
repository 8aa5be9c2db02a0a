// The DBB training form and its folding into one conv (transforms I-VI of the DBB paper: BN
// into conv, parallel sum, 1x1 then KxK, depth concatenation for groups, avg pool as a conv,
// smaller kernels padded to KxK), plus the identity-BN branch as a conv.
#include "DbbBlock.h"

#include <torch/torch.h>

#include "common/Error.h"

namespace nas::repnas {
namespace {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

nn::Conv2d conv(int cin, int cout, torch::ExpandingArray<2> k, int stride, torch::ExpandingArray<2> pad, int groups) {
  return nn::Conv2d(nn::Conv2dOptions(cin, cout, k).stride(stride).padding(pad).groups(groups).bias(false));
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> fuse1x1ThenKxk(const torch::Tensor& w1, const torch::Tensor& b1,
                                                       const torch::Tensor& w2, const torch::Tensor& b2, int groups) {
  // Per group: out[e, c] = sum_d w2[e, d] * w1[d, c], i.e. w2 (a batch of E "images" of D/g
  // channels) convolved with w1 transposed (C/g filters of D/g channels, 1x1).
  const std::int64_t d = w1.size(0) / groups, e = w2.size(0) / groups;
  std::vector<torch::Tensor> ws, bs;
  for (int g = 0; g < groups; ++g) {
    const torch::Tensor w1g = w1.slice(0, g * d, (g + 1) * d);
    const torch::Tensor w2g = w2.slice(0, g * e, (g + 1) * e);
    ws.push_back(torch::conv2d(w2g, w1g.permute({1, 0, 2, 3})));
    bs.push_back((w2g * b1.slice(0, g * d, (g + 1) * d).view({1, -1, 1, 1})).sum({1, 2, 3}));
  }
  return {torch::cat(ws, 0), torch::cat(bs, 0) + b2};
}

// Both kernels are built by one index_put_ on the target device (not one small write per
// channel, which on a GPU would be a kernel launch each).
torch::Tensor avgPoolKernel(int channels, int k, int groups, const torch::TensorOptions& like) {
  const int perGroup = channels / groups;
  torch::Tensor w = torch::zeros({channels, perGroup, k, k}, like);
  const torch::Tensor c = torch::arange(channels, like.dtype(torch::kLong));
  w.index_put_({c, c.remainder(perGroup)}, 1.0 / (k * k));  // [C, K, K] of 1/K^2 on each channel's own input
  return w;
}

torch::Tensor identityKernel(int channels, int k, int groups, const torch::TensorOptions& like) {
  const int perGroup = channels / groups;
  torch::Tensor w = torch::zeros({channels, perGroup, k, k}, like);
  const torch::Tensor c = torch::arange(channels, like.dtype(torch::kLong));
  w.index_put_({c, c.remainder(perGroup), k / 2, k / 2}, 1.0);
  return w;
}

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

DbbBlockImpl::DbbBlockImpl(int inChannels, int outChannels, int kernel, int stride, BranchMask mask, int groups)
    : in_(inChannels), out_(outChannels), kernel_(kernel), stride_(stride), groups_(groups), mask_(mask) {
  const char* ctx = "dbb block";
  if (mask == 0 || (mask & ~kAnyBranchBits) != 0)
    throw Error(ErrorCode::InvalidArgument, "a DBB block needs at least one branch", ctx);
  if (kernel < 3 || kernel % 2 == 0 || stride < 1 || inChannels < 1 || outChannels < 1)
    throw Error(ErrorCode::InvalidArgument, "kernel must be odd and >= 3, stride and channels >= 1", ctx);
  if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
    throw Error(ErrorCode::InvalidArgument,
                "groups " + std::to_string(groups) + " must divide the channels " + std::to_string(inChannels) +
                    " and " + std::to_string(outChannels),
                ctx);
  if (hasBranch(mask, Branch::Identity) && !identityAllowed(inChannels, outChannels, stride))
    throw Error(ErrorCode::InvalidArgument, "an identity branch needs stride 1 and as many output channels as input",
                ctx);
  const int pad = kernel / 2;
  const int g = groups;
  if (hasBranch(mask, Branch::Kxk)) {
    kxk_ = register_module("kxk", conv(in_, out_, kernel, stride, pad, g));
    kxkBn_ = register_module("kxk_bn", nn::BatchNorm2d(out_));
  }
  if (hasBranch(mask, Branch::Conv1x1)) {
    one_ = register_module("one", conv(in_, out_, 1, stride, 0, g));
    oneBn_ = register_module("one_bn", nn::BatchNorm2d(out_));
  }
  if (hasBranch(mask, Branch::Conv1x1Kxk)) {
    chainWidth_ = groups < out_ ? in_ : 2 * in_;  // DBB's internal width (2x for depthwise)
    chainIn_ = register_module("chain_in", conv(in_, chainWidth_, 1, 1, 0, g));
    if (chainWidth_ == in_) {
      // Identity start, as DBB's identity-based 1x1: the branch begins as a plain KxK conv.
      torch::NoGradGuard noGrad;
      chainIn_->weight.copy_(identityKernel(in_, 1, g));
    }
    chainMid_ = register_module("chain_mid", BnAndPad(chainWidth_, pad));
    chainK_ = register_module("chain_kxk", conv(chainWidth_, out_, kernel, stride, 0, g));
    chainBn_ = register_module("chain_bn", nn::BatchNorm2d(out_));
  }
  if (hasBranch(mask, Branch::Conv1x1Avg)) {
    avgIn_ = register_module("avg_in", conv(in_, out_, 1, 1, 0, g));
    avgMid_ = register_module("avg_mid", BnAndPad(out_, pad));
    avgBn_ = register_module("avg_bn", nn::BatchNorm2d(out_));
  }
  if (hasBranch(mask, Branch::Identity)) idBn_ = register_module("id_bn", nn::BatchNorm2d(out_));
  if (hasBranch(mask, Branch::Conv1xK)) {
    rowConv_ = register_module("row", conv(in_, out_, {1, kernel}, stride, {0, pad}, g));
    rowBn_ = register_module("row_bn", nn::BatchNorm2d(out_));
  }
  if (hasBranch(mask, Branch::ConvKx1)) {
    colConv_ = register_module("col", conv(in_, out_, {kernel, 1}, stride, {pad, 0}, g));
    colBn_ = register_module("col_bn", nn::BatchNorm2d(out_));
  }
}

void DbbBlockImpl::checkActive(BranchMask active) const {
  if (active == 0 || (active & ~mask_) != 0)
    throw Error(ErrorCode::InvalidArgument,
                "active branches '" + maskToString(active) + "' are not a non-empty subset of the block's '" +
                    maskToString(mask_) + "'",
                "dbb block");
}

torch::Tensor DbbBlockImpl::forward(const torch::Tensor& x) { return forwardBranches(x, mask_, nullptr); }

torch::Tensor DbbBlockImpl::forwardBranches(const torch::Tensor& x, BranchMask active, const BranchGates* gates) {
  checkActive(active);
  torch::Tensor y;
  const auto add = [&](Branch b, const torch::Tensor& t) {
    const torch::Tensor* gate = gates ? &(*gates)[static_cast<size_t>(b)] : nullptr;
    const torch::Tensor v = gate && gate->defined() ? t * *gate : t;
    y = y.defined() ? y + v : v;
  };
  const auto on = [&](Branch b) { return hasBranch(active, b); };
  if (on(Branch::Identity)) add(Branch::Identity, idBn_(x));
  if (on(Branch::Kxk)) add(Branch::Kxk, kxkBn_(kxk_(x)));
  if (on(Branch::Conv1x1)) add(Branch::Conv1x1, oneBn_(one_(x)));
  if (on(Branch::Conv1x1Kxk)) add(Branch::Conv1x1Kxk, chainBn_(chainK_(chainMid_(chainIn_(x)))));
  if (on(Branch::Conv1x1Avg))
    add(Branch::Conv1x1Avg,
        avgBn_(F::avg_pool2d(avgMid_(avgIn_(x)), F::AvgPool2dFuncOptions(kernel_).stride(stride_))));
  if (on(Branch::Conv1xK)) add(Branch::Conv1xK, rowBn_(rowConv_(x)));
  if (on(Branch::ConvKx1)) add(Branch::ConvKx1, colBn_(colConv_(x)));
  return y;
}

std::pair<torch::Tensor, torch::Tensor> DbbBlockImpl::fusedKernelAndBias(BranchMask active) const {
  checkActive(active);
  torch::NoGradGuard noGrad;
  const int pad = kernel_ / 2, g = groups_;
  // Every block holds at least one branch, so parameters; they give the merge's device and dtype.
  const torch::TensorOptions like = parameters().front().options();
  torch::Tensor w = torch::zeros({out_, in_ / g, kernel_, kernel_}, like);
  torch::Tensor b = torch::zeros({out_}, like);
  const auto add = [&](const std::pair<torch::Tensor, torch::Tensor>& wb) {  // II: the sum
    w = w + wb.first;
    b = b + wb.second;
  };
  const auto on = [&](Branch br) { return hasBranch(active, br); };
  if (on(Branch::Identity)) add(fuseConvBn(identityKernel(out_, kernel_, g, like), idBn_));
  if (on(Branch::Kxk)) add(fuseConvBn(kxk_->weight, kxkBn_));
  if (on(Branch::Conv1x1)) {
    auto [w1, b1] = fuseConvBn(one_->weight, oneBn_);
    add({torch::constant_pad_nd(w1, {pad, pad, pad, pad}, 0), b1});  // VI: 1x1 at the centre
  }
  if (on(Branch::Conv1x1Kxk)) {
    auto [w1, b1] = fuseConvBn(chainIn_->weight, chainMid_->bn);
    auto [w2, b2] = fuseConvBn(chainK_->weight, chainBn_);
    add(fuse1x1ThenKxk(w1, b1, w2, b2, g));
  }
  if (on(Branch::Conv1x1Avg)) {
    auto [w1, b1] = fuseConvBn(avgIn_->weight, avgMid_->bn);
    auto [w2, b2] = fuseConvBn(avgPoolKernel(out_, kernel_, g, like), avgBn_);
    add(fuse1x1ThenKxk(w1, b1, w2, b2, g));
  }
  if (on(Branch::Conv1xK)) {  // VI: a 1xK row in the middle row of KxK
    auto [w1, b1] = fuseConvBn(rowConv_->weight, rowBn_);
    add({torch::constant_pad_nd(w1, {0, 0, pad, pad}, 0), b1});
  }
  if (on(Branch::ConvKx1)) {  // VI: a Kx1 column in the middle column
    auto [w1, b1] = fuseConvBn(colConv_->weight, colBn_);
    add({torch::constant_pad_nd(w1, {pad, pad, 0, 0}, 0), b1});
  }
  return {w, b};
}

nn::Conv2d DbbBlockImpl::reparameterize(BranchMask active) const {
  auto [w, b] = fusedKernelAndBias(active);
  nn::Conv2d c(
      nn::Conv2dOptions(in_, out_, kernel_).stride(stride_).padding(kernel_ / 2).groups(groups_).bias(true));
  c->to(w.device(), w.scalar_type());
  torch::NoGradGuard noGrad;
  c->weight.copy_(w);
  c->bias.copy_(b);
  return c;
}

}  // namespace nas::repnas
