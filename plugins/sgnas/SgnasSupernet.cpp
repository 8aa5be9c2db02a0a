// The SGNAS supernet: single-path and mixed forwards over channel slices.
#include "SgnasSupernet.h"

#include <torch/torch.h>

#include <algorithm>

#include <cmath>
#include <cstring>
#include <sstream>

#include "common/Error.h"

namespace nas::sgnas {
namespace {

namespace nn = torch::nn;

torch::Tensor relu6Act(const torch::Tensor& x) { return torch::hardtanh(x, 0.0, 6.0); }

nn::Conv2d conv(int cin, int cout, int k, int stride, int groups) {
  return nn::Conv2d(nn::Conv2dOptions(cin, cout, k).stride(stride).padding(k / 2).groups(groups).bias(false));
}

// BN over channels [start, start+len) of `bn`, updating only those running statistics.
torch::Tensor bnSlice(nn::BatchNorm2d& bn, const torch::Tensor& x, std::int64_t start, std::int64_t len, bool training) {
  const auto& o = bn->options;
  return torch::batch_norm(x, bn->weight.narrow(0, start, len), bn->bias.narrow(0, start, len),
                           bn->running_mean.narrow(0, start, len), bn->running_var.narrow(0, start, len), training,
                           o.momentum().value_or(0.1), o.eps(), false);
}

// Maximal runs [begin, end) of consecutive groups whose key is equal (and not `skipKey`).
struct Run {
  int begin, end, key;
};
template <typename KeyFn>
std::vector<Run> runs(int groups, KeyFn key, int skipKey) {
  std::vector<Run> out;
  for (int g = 0; g < groups; ++g) {
    const int k = key(g);
    if (k == skipKey) continue;
    if (!out.empty() && out.back().end == g && out.back().key == k) ++out.back().end;
    else out.push_back({g, g + 1, k});
  }
  return out;
}

// He-normal with the fan-out of the paper's per-group convolutions (k*k*out per group).
void initConv(nn::Conv2d& c, int fanOutChannels) {
  const auto k = c->options.kernel_size()->at(0);
  torch::NoGradGuard ng;
  c->weight.normal_(0.0, std::sqrt(2.0 / static_cast<double>(k * k * fanOutChannels)));
}

}  // namespace

void CostCounter::conv(const torch::Tensor& weight, const torch::Tensor& out) {
  // MACs per image: every output value takes weight.size(1) * kh * kw multiply-adds.
  flops += static_cast<double>(out.size(1) * out.size(2) * out.size(3)) *
           static_cast<double>(weight.size(1) * weight.size(2) * weight.size(3));
  params += weight.numel();
}

void CostCounter::linear(const torch::Tensor& weight, bool bias) {
  flops += static_cast<double>(weight.numel());
  params += weight.numel() + (bias ? weight.size(0) : 0);
}

// ---------------------------------------------------------------------------------------
SgnasLayerImpl::SgnasLayerImpl(int inChannels, int outChannels, int stride, int groups, bool residual)
    : cin_(inChannels), cout_(outChannels), stride_(stride), groups_(groups), residual_(residual) {
  const int hidden = groups * inChannels;
  pw1_ = register_module("pw1", conv(inChannels, hidden, 1, 1, 1));
  bn1_ = register_module("bn1", nn::BatchNorm2d(hidden));
  for (int k = 0; k < kNumKernels; ++k) {
    const int ks = kKernelSizes[k];
    dw_.push_back(register_module("dw" + std::to_string(ks), conv(hidden, hidden, ks, stride, hidden)));
    dwBn_.push_back(register_module("dw" + std::to_string(ks) + "_bn", nn::BatchNorm2d(hidden)));
    initConv(dw_.back(), inChannels);
  }
  pw2_ = register_module("pw2", conv(hidden, outChannels, 1, 1, 1));
  sbn_ = register_module("sbn", nn::ModuleList());
  for (int s = 0; s < groups; ++s) sbn_->push_back(nn::BatchNorm2d(outChannels));
  initConv(pw1_, inChannels);
  initConv(pw2_, outChannels);
}

torch::Tensor SgnasLayerImpl::forward(const torch::Tensor& x, const std::vector<Choice>& choices, CostCounter* counter) {
  TORCH_CHECK(static_cast<int>(choices.size()) == groups_, "sgnas layer: wrong number of group choices");
  const bool train = is_training();
  auto choiceOf = [&](int g) { return static_cast<int>(choices[static_cast<size_t>(g)]); };
  const int skip = static_cast<int>(Choice::Skip);
  // Expansion for the active groups only, one 1x1 conv per run of consecutive active groups.
  std::vector<torch::Tensor> hidden;
  for (const Run& r : runs(groups_, [&](int g) { return choiceOf(g) == skip ? skip : 0; }, skip)) {
    const auto start = static_cast<std::int64_t>(r.begin) * cin_, len = static_cast<std::int64_t>(r.end - r.begin) * cin_;
    const torch::Tensor w = pw1_->weight.narrow(0, start, len);
    torch::Tensor h = torch::conv2d(x, w);
    if (counter) counter->conv(w, h), counter->bn(len);
    hidden.push_back(relu6Act(bnSlice(bn1_, h, start, len, train)));
  }
  const torch::Tensor h = hidden.size() == 1 ? hidden[0] : torch::cat(hidden, 1);
  // Depthwise per run of consecutive groups with the same kernel; h holds only active groups.
  std::vector<torch::Tensor> outs, proj;
  std::int64_t offset = 0;  // channel offset of the run inside h
  int skipped = 0;
  for (int g = 0; g < groups_; ++g) skipped += choiceOf(g) == skip;
  for (const Run& r : runs(groups_, choiceOf, skip)) {
    const int ks = kKernelSizes[r.key];
    const auto start = static_cast<std::int64_t>(r.begin) * cin_, len = static_cast<std::int64_t>(r.end - r.begin) * cin_;
    const torch::Tensor w = dw_[static_cast<size_t>(r.key)]->weight.narrow(0, start, len);
    torch::Tensor y = torch::conv2d(h.narrow(1, offset, len), w, {}, stride_, ks / 2, 1, len);
    if (counter) counter->conv(w, y), counter->bn(len);
    outs.push_back(relu6Act(bnSlice(dwBn_[static_cast<size_t>(r.key)], y, start, len, train)));
    proj.push_back(pw2_->weight.narrow(1, start, len));
    offset += len;
  }
  const torch::Tensor w2 = proj.size() == 1 ? proj[0] : torch::cat(proj, 1);
  torch::Tensor y = torch::conv2d(outs.size() == 1 ? outs[0] : torch::cat(outs, 1), w2);
  if (counter) counter->conv(w2, y), counter->bn(cout_);
  y = sbn_->ptr<nn::BatchNorm2dImpl>(static_cast<size_t>(skipped))->forward(y);
  return residual_ ? y + x : y;
}

torch::Tensor SgnasLayerImpl::forwardMixed(const torch::Tensor& x, const torch::Tensor& probs,
                                           const std::vector<float>& values) {
  TORCH_CHECK(!is_training(), "sgnas layer: the mixed forward runs on a frozen supernet (eval mode)");
  torch::Tensor h = relu6Act(bn1_->forward(pw1_->forward(x)));
  torch::Tensor acc;
  double skipSum = 0;
  for (int g = 0; g < groups_; ++g) skipSum += values[static_cast<size_t>(g * kNumChoices + kNumKernels)];
  for (int k = 0; k < kNumKernels; ++k) {
    bool any = false;
    std::vector<float> keep(static_cast<size_t>(groups_));
    for (int g = 0; g < groups_; ++g) {
      keep[static_cast<size_t>(g)] = values[static_cast<size_t>(g * kNumChoices + k)] > kProbabilityCutoffF ? 1.f : 0.f;
      any = any || keep[static_cast<size_t>(g)] > 0;
    }
    if (!any) continue;  // no group uses kernel k: do not run it
    const torch::Tensor mask = torch::tensor(keep, probs.options().requires_grad(false));
    const torch::Tensor w = (probs.select(1, k) * mask).repeat_interleave(cin_).view({1, -1, 1, 1});
    const torch::Tensor y = relu6Act(dwBn_[static_cast<size_t>(k)]->forward(dw_[static_cast<size_t>(k)]->forward(h))) * w;
    acc = acc.defined() ? acc + y : y;
  }
  TORCH_CHECK(acc.defined(), "sgnas layer: every group skips");
  torch::Tensor y = pw2_->forward(acc);
  const auto index = std::min<long>(std::lround(skipSum), groups_ - 1);
  y = sbn_->ptr<nn::BatchNorm2dImpl>(static_cast<size_t>(std::max<long>(index, 0)))->forward(y);
  return residual_ ? y + x : y;
}

// ---------------------------------------------------------------------------------------
SgnasSupernetImpl::SgnasSupernetImpl(const SgnasSpace& space) : space_(space) {
  space_.validate();
  stemConv_ = register_module("stem_conv", conv(space.inputChannels, space.stemChannels, 3, space.stemStride, 1));
  stemBn_ = register_module("stem_bn", nn::BatchNorm2d(space.stemChannels));
  initConv(stemConv_, space.stemChannels);
  if (space.firstBlockChannels > 0) {
    fbDw_ = register_module("first_dw", conv(space.stemChannels, space.stemChannels, 3, 1, space.stemChannels));
    fbDwBn_ = register_module("first_dw_bn", nn::BatchNorm2d(space.stemChannels));
    fbPw_ = register_module("first_pw", conv(space.stemChannels, space.firstBlockChannels, 1, 1, 1));
    fbPwBn_ = register_module("first_pw_bn", nn::BatchNorm2d(space.firstBlockChannels));
    initConv(fbDw_, space.stemChannels);
    initConv(fbPw_, space.firstBlockChannels);
  }
  for (int l = 0; l < space.numLayers(); ++l) {
    const auto& spec = space.layers[static_cast<size_t>(l)];
    layers_.push_back(register_module(
        "layer" + std::to_string(l),
        SgnasLayer(space.layerInChannels(l), spec.channels, spec.stride, space.groups, space.hasResidual(l))));
  }
  headConv_ = register_module("head_conv", conv(space.layers.back().channels, space.headChannels, 1, 1, 1));
  headBn_ = register_module("head_bn", nn::BatchNorm2d(space.headChannels));
  initConv(headConv_, space.headChannels);
  classifier_ = register_module("classifier", nn::Linear(space.headChannels, space.classes));
  torch::NoGradGuard ng;
  classifier_->weight.normal_(0.0, 0.01);
  classifier_->bias.zero_();
}

torch::Tensor SgnasSupernetImpl::stem(const torch::Tensor& x, CostCounter* counter) {
  // NCHW on purpose: with NHWC activations the channel slices below fall off oneDNN's fast
  // path and a step gets ~10x slower (measured with bench_sgnas --profile).
  torch::Tensor y = stemConv_->forward(x);
  if (counter) counter->conv(stemConv_->weight, y), counter->bn(space_.stemChannels);
  y = relu6Act(stemBn_->forward(y));
  if (fbDw_) {
    torch::Tensor d = fbDw_->forward(y);
    if (counter) counter->conv(fbDw_->weight, d), counter->bn(space_.stemChannels);
    d = relu6Act(fbDwBn_->forward(d));
    y = fbPw_->forward(d);
    if (counter) counter->conv(fbPw_->weight, y), counter->bn(space_.firstBlockChannels);
    y = fbPwBn_->forward(y);
  }
  return y;
}

torch::Tensor SgnasSupernetImpl::head(const torch::Tensor& x, CostCounter* counter) {
  torch::Tensor y = headConv_->forward(x);
  if (counter) counter->conv(headConv_->weight, y), counter->bn(space_.headChannels);
  y = relu6Act(headBn_->forward(y)).mean({2, 3});
  if (counter) counter->linear(classifier_->weight, true);
  return classifier_->forward(y);
}

torch::Tensor SgnasSupernetImpl::forward(const torch::Tensor& x, const SgnasArch& arch, CostCounter* counter) {
  validateArch(space_, arch);
  torch::Tensor y = stem(x, counter);
  for (size_t l = 0; l < layers_.size(); ++l) y = layers_[l]->forward(y, arch.choices[l], counter);
  return head(y, counter);
}

torch::Tensor SgnasSupernetImpl::forwardTrainingPath(const torch::Tensor& x, const SgnasArch& arch) {
  if (arch.choices.size() != layers_.size()) throw Error(ErrorCode::InvalidArgument, "wrong layer count", "sgnas training path");
  for (size_t l = 0; l < layers_.size(); ++l) {
    const auto& g = arch.choices[l];
    if (static_cast<int>(g.size()) != space_.groups || std::all_of(g.begin(), g.end(), [](Choice c) { return c == Choice::Skip; }))
      throw Error(ErrorCode::InvalidArgument, "layer " + std::to_string(l) + " needs one active group of " +
                  std::to_string(space_.groups), "sgnas training path");
  }
  torch::Tensor y = stem(x, nullptr);
  for (size_t l = 0; l < layers_.size(); ++l) y = layers_[l]->forward(y, arch.choices[l], nullptr);
  return head(y, nullptr);
}

torch::Tensor SgnasSupernetImpl::forwardMixed(const torch::Tensor& x, const torch::Tensor& probs) {
  const auto L = static_cast<std::int64_t>(layers_.size());
  if (probs.dim() != 3 || probs.size(0) != L || probs.size(1) != space_.groups || probs.size(2) != kNumChoices)
    throw Error(ErrorCode::InvalidArgument, "probabilities must be [layers, groups, 4]", "sgnas supernet");
  const torch::Tensor host = probs.detach().to(torch::kCPU, torch::kFloat).contiguous();
  const std::vector<float> all(host.data_ptr<float>(), host.data_ptr<float>() + host.numel());
  const size_t perLayer = static_cast<size_t>(space_.groups * kNumChoices);
  torch::Tensor y = stem(x, nullptr);
  for (size_t l = 0; l < layers_.size(); ++l) {
    std::vector<float> values(all.begin() + static_cast<long>(l * perLayer), all.begin() + static_cast<long>((l + 1) * perLayer));
    y = layers_[l]->forwardMixed(y, probs[static_cast<std::int64_t>(l)], values);
  }
  return head(y, nullptr);
}

void SgnasSupernetImpl::setBnMomentum(double momentum) {
  for (auto& m : modules(false))
    if (auto* bn = m->as<nn::BatchNorm2dImpl>()) bn->options.momentum(momentum);
}

std::string supernetArtifact(const SgnasSupernet& net) {
  torch::serialize::OutputArchive a;
  a.write("format", c10::IValue(std::int64_t{1}));
  a.write("space", c10::IValue(net->space().toJson().dump()));
  a.write("weights", bytesToTensor(moduleToBytes(*net)));
  std::ostringstream out(std::ios::binary);
  a.save_to(out);
  return out.str();
}

SgnasSupernet loadSupernetArtifact(const std::string& bytes) {
  torch::serialize::InputArchive a;
  c10::IValue space;
  torch::Tensor weights;
  try {
    std::istringstream in(bytes, std::ios::binary);
    a.load_from(in);
    if (!a.try_read("space", space) || !space.isString()) throw Error(ErrorCode::CorruptData, "lacks its space", "sgnas supernet artifact");
    a.read("weights", weights);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("unreadable: ") + e.what_without_backtrace(), "sgnas supernet artifact");
  }
  SgnasSupernet net(SgnasSpace::fromJson(parseJson(space.toStringRef(), "sgnas supernet artifact")));
  moduleFromBytes(*net, tensorToBytes(weights), "sgnas supernet artifact");
  return net;
}

}  // namespace nas::sgnas
