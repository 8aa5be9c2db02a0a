// The RepNAS search and fixed-set training: gates, schedule, optimizers, state, evaluation.
#include "RepnasSearch.h"

#include <torch/torch.h>

#include <sstream>

#include "common/Error.h"
#include "data/Batcher.h"
#include "eval/TorchTiming.h"
#include "train/CosineSchedule.h"
#include "train/EpochCheckpoint.h"

namespace nas::repnas {
namespace {

const char* kCtx = "repnas";

// A host batch onto `device`. To a GPU through pinned memory and without blocking: a plain copy
// from pageable memory makes LibTorch wait for the stream (a host sync per batch); the pinned
// block is kept until the copy is done by LibTorch's host allocator. On the CPU: no copy.
torch::Tensor toDevice(const torch::Tensor& host, torch::Device device) {
  if (device.is_cpu()) return host;
  return device.is_cuda() ? host.pin_memory().to(device, /*non_blocking=*/true) : host.to(device);
}

// Batches of a data set on `device`: gathered on the host as bytes, moved (a quarter of the
// float's size), then normalised there with normalizeBatch's arithmetic (data/Augment.h), the
// mean and std uploaded once: normalizeBatch uploads them on every call, which on a GPU is a
// blocking copy, so a host sync, per batch.
class DeviceBatches {
 public:
  DeviceBatches(const ImageDataset& ds, const Normalization& norm, torch::Device device) : ds_(ds), device_(device) {
    const std::int64_t c = ds.channels();
    if (static_cast<std::int64_t>(norm.mean.size()) != c || static_cast<std::int64_t>(norm.std.size()) != c)
      throw Error(ErrorCode::InvalidArgument, "normalisation has " + std::to_string(norm.mean.size()) +
                                                  " channels, images have " + std::to_string(c), kCtx);
    mean_ = torch::tensor(norm.mean, torch::kFloat).view({1, c, 1, 1}).to(device);
    std_ = torch::tensor(norm.std, torch::kFloat).view({1, c, 1, 1}).to(device);
  }
  torch::Tensor images(const std::vector<std::int64_t>& idx) const {
    return toDevice(ds_.images.index_select(0, torch::tensor(idx, torch::kLong)), device_)
        .to(torch::kFloat)
        .div_(255.0f)
        .sub_(mean_)
        .div_(std_);
  }
  torch::Tensor labels(const std::vector<std::int64_t>& idx) const {
    return toDevice(ds_.labels.index_select(0, torch::tensor(idx, torch::kLong)), device_);
  }

 private:
  const ImageDataset& ds_;
  torch::Device device_;
  torch::Tensor mean_, std_;
};

// torch::nn::utils::clip_grad_norm_ with the same arithmetic (2-norm of the per-parameter
// 2-norms, coefficient max/(norm + 1e-6) clamped at 1), but without LibTorch 1.13's final
// total_norm.item(), a host sync per step on a GPU; nobody reads the norm.
void clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm) {
  std::vector<torch::Tensor> grads, norms;
  for (const auto& p : params)
    if (p.grad().defined()) {
      grads.push_back(p.grad());
      norms.push_back(p.grad().data().norm(2.0));
    }
  if (grads.empty()) return;
  const torch::Tensor total = norms.size() == 1 ? norms[0] : torch::stack(norms).norm(2.0);
  const torch::Tensor coef = torch::clamp_max(maxNorm / (total + 1e-6), 1.0);  // LibTorch's clamp(None, 1)
  for (auto& g : grads) g.data().mul_(coef);
}

torch::Device deviceOf(const torch::nn::Module& m) { return m.parameters().front().device(); }

torch::Tensor logisticNoise(const torch::Tensor& like) {
  // g1 - g2 with g = -log(-log(u)), u ~ U(0, 1): the difference of two Gumbels.
  const auto gumbel = [&] { return -torch::log(-torch::log(torch::rand_like(like).clamp(1e-12, 1.0 - 1e-7))); };
  return gumbel() - gumbel();
}

}  // namespace

void RepnasTrainOptions::validate() const {
  const auto bad = [](const std::string& field, const std::string& why) {
    throw Error(ErrorCode::InvalidArgument, field + " " + why, kCtx);
  };
  if (branchSet != "searched" && branchSet != "random" && branchSet != "repvgg" && branchSet != "full" &&
      branchSet != "given")
    bad("branch_set", "'" + branchSet + "' is not one of searched, random, repvgg, full, given");
  if (branchSet == "given" && arch.empty()) bad("arch", "is needed with branch_set=given");
  if (!(keptRatio > 0 && keptRatio <= 1)) bad("kept_ratio", "must be in (0, 1]");
  if (randomEpochs < 0 || searchEpochs < 0 || fixedEpochs < 0) bad("epochs", "must be >= 0");
  if (totalEpochs() < 1) bad("epochs", "must add up to at least 1");
  if (batchSize < 2) bad("batch_size", "must be >= 2");
  if (!(lr > 0) || !(archLr > 0)) bad("lr", "and arch_lr must be > 0");
  if (!(gradClip > 0)) bad("grad_clip", "must be > 0");
}

const char* phaseName(RepnasPhase p) {
  switch (p) {
    case RepnasPhase::Random: return "random";
    case RepnasPhase::Search: return "search";
    case RepnasPhase::Fixed: return "fixed";
  }
  return "?";
}

std::vector<BranchMask> effectiveMasks(const RepnasSpace& space, const RepnasArch& arch) {
  std::vector<BranchMask> out;
  for (int l = 0; l < space.numLayers(); ++l) out.push_back(space.effectiveMask(l, arch.at(static_cast<size_t>(l))));
  return out;
}

GateDraw drawGates(const RepnasSpace& space, const torch::Tensor& alphas, int k, bool noise) {
  const int L = space.numLayers();
  if (alphas.dim() != 2 || alphas.size(0) != L || alphas.size(1) != kNumSearchable)
    throw Error(ErrorCode::InvalidArgument, "alphas must be [" + std::to_string(L) + ", 6]", kCtx);
  if (k < 1 || k > L * kNumSearchable)
    throw Error(ErrorCode::InvalidArgument, "branch budget " + std::to_string(k) + " out of range", kCtx);
  const torch::Tensor rho = noise ? alphas + logisticNoise(alphas) : alphas;
  const torch::Tensor idx = std::get<1>(torch::topk(rho.detach().flatten(), k));
  const torch::Tensor m =
      torch::zeros({L * kNumSearchable}, rho.options()).index_fill_(0, idx, 1.0).view({L, kNumSearchable});
  const torch::Tensor s = torch::sigmoid(rho);
  const torch::Tensor r = m + s - s.detach();  // straight-through: forward m, gradient of sigmoid
  GateDraw g;
  g.chosen.assign(static_cast<size_t>(L), 0);
  g.gates.resize(static_cast<size_t>(L));
  // The one read-back of a step: which branches run is host control flow (no copy on the CPU).
  const torch::Tensor mHost = m.to(torch::kCPU, torch::kFloat);
  const auto ma = mHost.accessor<float, 2>();
  for (int l = 0; l < L; ++l) {
    for (int j = 0; j < kNumSearchable; ++j) {
      if (ma[l][j] < 0.5f) continue;
      g.chosen[static_cast<size_t>(l)] |= maskOf(kSearchable[j]);
      g.gates[static_cast<size_t>(l)][static_cast<size_t>(kSearchable[j])] = r[l][j];
    }
    g.active.push_back(space.effectiveMask(l, g.chosen[static_cast<size_t>(l)]));
  }
  return g;
}

RepnasArch topKArch(const RepnasSpace& space, const torch::Tensor& alphas, int k) {
  torch::NoGradGuard noGrad;
  return drawGates(space, alphas, k, false).chosen;
}

RepnasTrainer::RepnasTrainer(RepnasSpace space, RepnasTrainOptions o) : space_(std::move(space)), o_(std::move(o)) {
  o_.validate();
  k_ = branchBudget(space_, o_.keptRatio);
  torch::manual_seed(o_.seed);
  const int L = space_.numLayers();
  alphas_ = torch::zeros({L, kNumSearchable}, torch::TensorOptions().device(o_.device)).set_requires_grad(true);
  std::vector<BranchMask> held;
  if (o_.branchSet == "searched") {
    for (int l = 0; l < L; ++l) held.push_back(space_.fullMask(l));
  } else {
    if (o_.branchSet == "repvgg") fixed_ = repvggArch(space_);
    else if (o_.branchSet == "full") fixed_ = fullArch(space_);
    else if (o_.branchSet == "given") fixed_ = parseRepnasArch(space_, o_.arch);
    else {  // random: a uniformly random K-subset, as the random phase draws them (on the host:
            // a choice made once, so every device draws the same set from the seed)
      torch::NoGradGuard noGrad;
      fixed_ = drawGates(space_, torch::zeros({L, kNumSearchable}), k_, true).chosen;
    }
    held = effectiveMasks(space_, *fixed_);
  }
  net_ = RepnasNet(space_, held, o_.dropout);  // initialised on the CPU: the same weights on every device
  net_->to(o_.device);
  namespace optim = torch::optim;
  std::vector<optim::OptimizerParamGroup> groups;
  groups.emplace_back(net_->decayedParameters(),
                      std::make_unique<optim::SGDOptions>(optim::SGDOptions(o_.lr).momentum(o_.momentum).weight_decay(o_.weightDecay)));
  groups.emplace_back(net_->undecayedParameters(),
                      std::make_unique<optim::SGDOptions>(optim::SGDOptions(o_.lr).momentum(o_.momentum).weight_decay(0)));
  sgd_ = std::make_unique<optim::SGD>(std::move(groups), optim::SGDOptions(o_.lr));
  adam_ = std::make_unique<optim::Adam>(
      std::vector<torch::Tensor>{alphas_},
      optim::AdamOptions(o_.archLr).betas({o_.archBeta1, o_.archBeta2}).weight_decay(o_.archWeightDecay));
}

RepnasPhase RepnasTrainer::phaseOf(int epoch) const {
  if (o_.branchSet != "searched") return RepnasPhase::Fixed;
  if (epoch < o_.randomEpochs) return RepnasPhase::Random;
  if (epoch < o_.randomEpochs + o_.searchEpochs) return RepnasPhase::Search;
  return RepnasPhase::Fixed;
}

RepnasArch RepnasTrainer::arch() const { return fixed_ ? *fixed_ : topKArch(space_, alphas_, k_); }

void RepnasTrainer::train(const ImageDataset& train, const ImageDataset* test, const Normalization& norm,
                          const std::function<bool(std::int64_t, std::int64_t, const torch::Tensor&)>& step,
                          const std::function<void(const EpochReport&)>& epochEnd) {
  if (train.size() < 2) throw Error(ErrorCode::InvalidArgument, "needs at least 2 training images", kCtx);
  Batcher batcher(train.size(), std::min(o_.batchSize, train.size()), o_.seed, true);
  const std::int64_t perEpoch = batcher.batchesPerEpoch();
  const std::int64_t total = perEpoch * o_.totalEpochs();
  const std::int64_t searchStart = perEpoch * o_.randomEpochs, searchSteps = perEpoch * o_.searchEpochs;
  const DeviceBatches data(train, norm, o_.device);
  batcher.setPosition({epoch_, 0});
  // Every parameter starts with a zero gradient. A branch left out of a step then keeps a zero
  // gradient (zero_grad zeroes, it does not undefine), so SGD still applies weight decay and
  // momentum to it; without this, a resumed run (fresh, undefined gradients) would skip those
  // updates until each branch is drawn again and drift from an uninterrupted run.
  defineZeroGrads(net_->parameters());
  while (epoch_ < o_.totalEpochs()) {
    // Every epoch draws its noise (gates, dropout) from a generator seeded by (seed, epoch), so
    // a job resumed at an epoch boundary draws what an uninterrupted run draws.
    seedEpoch(o_.seed, epoch_);
    const RepnasPhase phase = phaseOf(epoch_);
    if (phase == RepnasPhase::Fixed && !fixed_) {  // fixed_mask(): top-K(alpha), BN statistics reset
      fixed_ = topKArch(space_, alphas_, k_);
      if (o_.resetBnAtFix) net_->resetBatchNormStatistics();
    }
    const std::vector<BranchMask> fixedActive = fixed_ ? effectiveMasks(space_, *fixed_) : std::vector<BranchMask>{};
    net_->train();
    torch::Tensor lossSum = torch::zeros({}, torch::TensorOptions().device(o_.device).dtype(torch::kDouble));
    for (std::int64_t b = 0; b < perEpoch; ++b) {
      const std::int64_t s = static_cast<std::int64_t>(epoch_) * perEpoch + b;
      const double lr = cosineLr(o_.lr, s, total);
      for (auto& group : sgd_->param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
      const Batch batch = batcher.next();
      const torch::Tensor x = data.images(batch.indices), y = data.labels(batch.indices);
      sgd_->zero_grad();
      adam_->zero_grad();
      torch::Tensor logits;
      if (fixed_) {
        logits = net_->forward(x, fixedActive);
      } else {
        const GateDraw g = drawGates(space_, alphas_, k_, true);
        logits = net_->forward(x, g.active, &g.gates);
      }
      const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
      loss.backward();
      clipGradNorm(net_->parameters(), o_.gradClip);
      sgd_->step();
      if (phase == RepnasPhase::Search) {
        const double wd = cosineLr(o_.archWeightDecay, s - searchStart, searchSteps);
        for (auto& group : adam_->param_groups())
          static_cast<torch::optim::AdamOptions&>(group.options()).weight_decay(wd);
        adam_->step();
      }
      lossSum += loss.detach().to(torch::kDouble);  // summed in double, on the device
      if (step && !step(s + 1, total, loss.detach()))
        throw Error(ErrorCode::Cancelled, "repnas cancelled at step " + std::to_string(s + 1));
    }
    ++epoch_;
    EpochReport r;
    r.epoch = epoch_ - 1;
    r.phase = phase;
    r.arch = arch();
    r.trainLoss = lossSum.item<double>() / static_cast<double>(perEpoch);
    if (o_.branchSet == "searched") {
      const torch::Tensor p = torch::sigmoid(alphas_.detach()).flatten().to(torch::kCPU, torch::kDouble).contiguous();
      r.probs.assign(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
    }
    if (test) {
      const std::vector<BranchMask> active = effectiveMasks(space_, r.arch);
      net_->eval();
      r.testAccuracy =
          accuracyOf([&](const torch::Tensor& in) { return net_->forward(in, active); }, *test, norm, o_.device);
    }
    if (epochEnd) epochEnd(r);
  }
}

std::string RepnasTrainer::saveState() const {
  EpochCheckpointWriter w(epoch_);
  w.text("fixed", fixed_ ? repnasArchToString(*fixed_) : std::string());
  w.tensor("alphas", alphas_);
  w.module("net", *net_);
  w.optimizer("sgd", *sgd_);
  w.optimizer("adam", *adam_);
  return w.bytes();
}

void RepnasTrainer::loadState(const std::string& bytes) {
  EpochCheckpointReader r(bytes, "repnas checkpoint");
  const std::string fixed = r.text("fixed");
  r.tensorInto("alphas", alphas_);
  r.module("net", *net_);
  net_->to(o_.device);  // the module reads onto the CPU (nn/ModuleBytes.h)
  r.optimizer("sgd", *sgd_);
  r.optimizer("adam", *adam_);
  epoch_ = r.epochsDone();
  if (!fixed.empty()) fixed_ = parseRepnasArch(space_, fixed);
}

double accuracyOf(const std::function<torch::Tensor(const torch::Tensor&)>& forward, const ImageDataset& test,
                  const Normalization& norm, torch::Device device) {
  torch::NoGradGuard noGrad;
  // Counted on the device, read once at the end.
  torch::Tensor correct = torch::zeros({}, torch::TensorOptions().device(device).dtype(torch::kLong));
  Batcher order(test.size(), std::min<std::int64_t>(500, test.size()), 0, false);
  const DeviceBatches data(test, norm, device);
  for (std::int64_t i = 0; i < order.batchesPerEpoch(); ++i) {
    const Batch b = order.next();
    correct += forward(data.images(b.indices)).argmax(1).eq(data.labels(b.indices)).sum();
  }
  return test.size() ? static_cast<double>(correct.item<std::int64_t>()) / static_cast<double>(test.size()) : 0.0;
}

FormComparison compareForms(RepnasNet& net, const std::vector<BranchMask>& active, RepnasDeployedNet& deployed,
                            const ImageDataset& test, const Normalization& norm) {
  torch::NoGradGuard noGrad;
  const torch::Device device = deviceOf(*net);
  if (deviceOf(*deployed) != device)
    throw Error(ErrorCode::InvalidArgument,
                "the two forms are on " + device.str() + " and " + deviceOf(*deployed).str(), kCtx);
  net->eval();
  deployed->eval();
  FormComparison c;
  // Counts and the max difference stay on the device until the end: one read-back.
  const auto opts = torch::TensorOptions().device(device);
  torch::Tensor right = torch::zeros({}, opts.dtype(torch::kLong)), rightDeployed = torch::zeros({}, opts.dtype(torch::kLong));
  torch::Tensor maxDiff = torch::zeros({}, opts.dtype(torch::kDouble));
  Batcher order(test.size(), std::min<std::int64_t>(500, test.size()), 0, false);
  const DeviceBatches data(test, norm, device);
  for (std::int64_t i = 0; i < order.batchesPerEpoch(); ++i) {
    const Batch b = order.next();
    const torch::Tensor x = data.images(b.indices), y = data.labels(b.indices);
    const torch::Tensor a = net->forward(x, active), d = deployed->forward(x);
    maxDiff = torch::maximum(maxDiff, (a - d).abs().max().to(torch::kDouble));
    right += a.argmax(1).eq(y).sum();
    rightDeployed += d.argmax(1).eq(y).sum();
  }
  const double n = static_cast<double>(std::max<std::int64_t>(1, test.size()));
  c.maxAbsDiff = maxDiff.item<double>();
  c.accuracy = static_cast<double>(right.item<std::int64_t>()) / n;
  c.deployedAccuracy = static_cast<double>(rightDeployed.item<std::int64_t>()) / n;
  return c;
}

namespace {

double latencyMs(const std::function<void(const torch::Tensor&)>& run, const torch::nn::Module& net,
                 const RepnasSpace& space, int batch, int threads, double budgetMs) {
  if (!deviceOf(net).is_cpu())
    throw Error(ErrorCode::InvalidArgument,
                "latency is timed on the CPU; the network is on " + deviceOf(net).str() + " (move it to the CPU)", kCtx);
  const torch::Tensor x = torch::randn({batch, space.inputChannels, space.inputSize, space.inputSize});
  LatencyOptions lo;
  lo.threads = threads;
  lo.batch = batch;
  lo.timing.budgetMs = budgetMs;
  // One thread: the thread's own CPU time, robust to other work on the machine.
  lo.timing.clock = threads == 1 ? TimingClock::ThreadCpu : TimingClock::Wall;
  return timeInference([&] { run(x); }, lo).medianMs;
}

}  // namespace

double multiBranchLatencyMs(RepnasNet& net, const std::vector<BranchMask>& active, int batch, int threads,
                            double budgetMs) {
  net->eval();
  return latencyMs([&](const torch::Tensor& x) { net->forward(x, active); }, *net, net->space(), batch, threads,
                   budgetMs);
}

double deployedLatencyMs(RepnasDeployedNet& net, int batch, int threads, double budgetMs) {
  net->eval();
  return latencyMs([&](const torch::Tensor& x) { net->forward(x); }, *net, net->space(), batch, threads, budgetMs);
}

}  // namespace nas::repnas
