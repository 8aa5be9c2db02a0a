// RepNAS multi-branch and deployed networks, deployment, and the deployed artifact.
#include "RepnasNet.h"

#include <torch/torch.h>

#include <cstring>
#include <sstream>

#include "common/Error.h"

namespace nas::repnas {

namespace nn = torch::nn;


namespace {

void checkLayers(const RepnasSpace& space, size_t n, const char* what) {
  if (static_cast<int>(n) != space.numLayers())
    throw Error(ErrorCode::InvalidArgument,
                std::to_string(n) + " " + what + " for " + std::to_string(space.numLayers()) + " layers", "repnas net");
}

}  // namespace

RepnasDeployedNetImpl::RepnasDeployedNetImpl(const RepnasSpace& space, double dropout) : space_(space) {
  for (int l = 0; l < space.numLayers(); ++l) {
    const DbbLayerSpec& s = space.layers[static_cast<size_t>(l)];
    convs_.push_back(register_module(
        "conv" + std::to_string(l),
        nn::Conv2d(nn::Conv2dOptions(s.inChannels, s.outChannels, s.kernel).stride(s.stride).padding(s.kernel / 2)
                       .groups(s.groups)
                       .bias(true))));
  }
  drop_ = register_module("drop", nn::Dropout(dropout));
  fc_ = register_module("fc", nn::Linear(space.lastChannels(), space.classes));
}

torch::Tensor RepnasDeployedNetImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = x;
  for (auto& c : convs_) y = torch::relu(c(y));
  return fc_(drop_(y.mean({2, 3})));
}

RepnasNetImpl::RepnasNetImpl(const RepnasSpace& space, const std::vector<BranchMask>& held, double dropout)
    : space_(space) {
  checkLayers(space, held.size(), "held masks");
  for (int l = 0; l < space.numLayers(); ++l) {
    const DbbLayerSpec& s = space.layers[static_cast<size_t>(l)];
    blocks_.push_back(register_module("layer" + std::to_string(l),
                                      DbbBlock(s.inChannels, s.outChannels, s.kernel, s.stride,
                                               held[static_cast<size_t>(l)], s.groups)));
  }
  drop_ = register_module("drop", nn::Dropout(dropout));
  fc_ = register_module("fc", nn::Linear(space.lastChannels(), space.classes));
}

torch::Tensor RepnasNetImpl::forward(const torch::Tensor& x, const std::vector<BranchMask>& active,
                                     const std::vector<BranchGates>* gates) {
  checkLayers(space_, active.size(), "active masks");
  if (gates) checkLayers(space_, gates->size(), "gate sets");
  torch::Tensor y = x;
  for (size_t l = 0; l < blocks_.size(); ++l)
    y = torch::relu(blocks_[l]->forwardBranches(y, active[l], gates ? &(*gates)[l] : nullptr));
  return fc_(drop_(y.mean({2, 3})));
}

RepnasDeployedNet RepnasNetImpl::deploy(const std::vector<BranchMask>& active) const {
  checkLayers(space_, active.size(), "active masks");
  RepnasDeployedNet d(space_, drop_->options.p());
  d->to(fc_->weight.device(), fc_->weight.scalar_type());  // on this network's device, as the fused kernels are
  torch::NoGradGuard noGrad;
  for (size_t l = 0; l < blocks_.size(); ++l) {
    auto [w, b] = blocks_[l]->fusedKernelAndBias(active[l]);
    d->conv(static_cast<int>(l))->weight.copy_(w);
    d->conv(static_cast<int>(l))->bias.copy_(b);
  }
  d->classifier()->weight.copy_(fc_->weight);
  d->classifier()->bias.copy_(fc_->bias);
  return d;
}

void RepnasNetImpl::resetBatchNormStatistics() {
  torch::NoGradGuard noGrad;
  for (const auto& m : modules(/*include_self=*/false))
    if (auto* bn = dynamic_cast<nn::BatchNorm2dImpl*>(m.get())) bn->reset_running_stats();
}

std::vector<torch::Tensor> RepnasNetImpl::decayedParameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& m : modules(false)) {
    if (auto* c = dynamic_cast<nn::Conv2dImpl*>(m.get())) out.push_back(c->weight);
    if (auto* f = dynamic_cast<nn::LinearImpl*>(m.get())) out.push_back(f->weight);
  }
  return out;
}

std::vector<torch::Tensor> RepnasNetImpl::undecayedParameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& m : modules(false)) {
    if (auto* bn = dynamic_cast<nn::BatchNorm2dImpl*>(m.get())) {
      out.push_back(bn->weight);
      out.push_back(bn->bias);
    }
    if (auto* f = dynamic_cast<nn::LinearImpl*>(m.get())) out.push_back(f->bias);
  }
  return out;
}

std::string deployedArtifact(const RepnasDeployedNet& net, const std::string& arch) {
  torch::serialize::OutputArchive a;
  a.write("format", c10::IValue(std::int64_t{1}));
  a.write("space", c10::IValue(net->space().toJson().dump()));
  a.write("arch", c10::IValue(arch));
  a.write("weights", bytesToTensor(moduleToBytes(*net)));
  std::ostringstream out(std::ios::binary);
  a.save_to(out);
  return out.str();
}

LoadedDeployed loadDeployedArtifact(const std::string& bytes) {
  const char* ctx = "repnas deployed artifact";
  c10::IValue space, arch;
  torch::Tensor weights;
  try {
    torch::serialize::InputArchive a;
    std::istringstream in(bytes, std::ios::binary);
    a.load_from(in);
    if (!a.try_read("space", space) || !space.isString()) throw Error(ErrorCode::CorruptData, "lacks its space", ctx);
    if (!a.try_read("arch", arch) || !arch.isString()) throw Error(ErrorCode::CorruptData, "lacks its architecture", ctx);
    a.read("weights", weights);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("unreadable: ") + e.what_without_backtrace(), ctx);
  }
  LoadedDeployed out;
  out.arch = arch.toStringRef();
  out.net = RepnasDeployedNet(RepnasSpace::fromJson(parseJson(space.toStringRef(), ctx)));
  moduleFromBytes(*out.net, tensorToBytes(weights), ctx);
  out.net->eval();
  return out;
}

}  // namespace nas::repnas
