#include "SearchTrainer.h"

#include <torch/torch.h>

#include <chrono>
#include <ctime>
#include <sstream>

#include "common/Error.h"
#include "data/Augment.h"
#include "data/Batcher.h"
#include "train/CosineSchedule.h"
#include "train/EpochCheckpoint.h"

namespace nas::entrannas {

namespace {

const char* kCtx = "differentiable search";

torch::Tensor batchImages(const ImageDataset& ds, const std::vector<std::int64_t>& idx, const Normalization& norm,
                          torch::Device device) {
  return normalizeBatch(ds.images.index_select(0, torch::tensor(idx, torch::kLong)), norm).to(device);
}

torch::Tensor batchLabels(const ImageDataset& ds, const std::vector<std::int64_t>& idx, torch::Device device) {
  return ds.labels.index_select(0, torch::tensor(idx, torch::kLong)).to(device);
}

std::vector<double> toDoubles(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU, torch::kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

}  // namespace

void SearchOptions::normalise() {
  if (!entrannas()) {
    placement = "all";
    derivation = Derivation::Top2;
    featureSharing = false;
  }
}

void SearchOptions::validate() const {
  const auto bad = [](const std::string& field, const std::string& why) {
    throw Error(ErrorCode::InvalidArgument, field + " " + why, kCtx);
  };
  if (method != "darts" && method != "entrannas") bad("method", "'" + method + "' is not darts or entrannas");
  if (epochs < 1) bad("epochs", "must be >= 1");
  if (batchSize < 2) bad("batch_size", "must be >= 2");
  if (!(lr > 0) || !(archLr > 0)) bad("lr", "and arch_lr must be > 0");
  if (lrMin < 0 || lrMin > lr) bad("lr_min", "must be in [0, lr]");
  if (!(gradClip > 0)) bad("grad_clip", "must be > 0");
  if (order != 1 && order != 2) bad("order", "must be 1 or 2");
  if (placement != "all" && placement != "stage_first" && placement != "stage_last")
    bad("engine_placement", "'" + placement + "' is not one of stage_first, stage_last, all");
}

SearchTrainer::SearchTrainer(SearchOptions o, int inputChannels, int classes) : o_(std::move(o)) {
  o_.normalise();
  o_.validate();
  torch::manual_seed(o_.seed);
  NetConfig c;
  c.space = o_.space;
  c.channels = o_.channels;
  c.layers = o_.layers;
  c.inputChannels = inputChannels;
  c.classes = classes;
  c.ops.affine = false;  // DARTS' search network: BN without affine parameters, BN after pools
  c.ops.poolBn = true;
  c.featureSharing = o_.featureSharing;
  net_ = CellNetwork(c);
  net_->to(o_.device);
  engines_ = net_->placement(o_.placement);
  const CellSpec& s = spec();
  for (int t = 0; t < s.cellTypes; ++t) {
    // DARTS initialises alpha as 1e-3 * randn.
    alphas_.push_back((1e-3 * torch::randn({s.numEdges(), s.numOps()})).to(o_.device).set_requires_grad(true));
    thetas_.push_back(torch::full({s.nodes}, o_.thresholdInit).to(o_.device).set_requires_grad(true));
  }
  namespace optim = torch::optim;
  sgd_ = std::make_unique<optim::SGD>(
      net_->parameters(), optim::SGDOptions(o_.lr).momentum(o_.momentum).weight_decay(o_.weightDecay));
  adam_ = std::make_unique<optim::Adam>(
      archParameters(), optim::AdamOptions(o_.archLr).betas({o_.archBeta1, o_.archBeta2}).weight_decay(o_.archWeightDecay));
}

std::vector<CellRun> SearchTrainer::runs(bool archGrad) {
  std::vector<CellRun> out;
  lastDerived_.clear();
  for (size_t t = 0; t < alphas_.size(); ++t) {
    torch::Tensor w = entranWeights(t, archGrad);
    ActiveOps derived = o_.derivation == Derivation::Dst ? nonZeroOps(spec(), w)
                                                         : deriveCell(spec(), alphas_[t], thetas_[t], o_.derivation);
    lastDerived_.push_back(derived);
    out.push_back(CellRun::engine(w, std::move(derived)));
  }
  return out;
}

torch::Tensor SearchTrainer::entranWeights(size_t type, bool archGrad) const {
  if (archGrad) return nas::entrannas::engineWeights(spec(), alphas_[type], thetas_[type], o_.derivation);
  torch::NoGradGuard noGrad;
  return nas::entrannas::engineWeights(spec(), alphas_[type], thetas_[type], o_.derivation);
}

std::vector<torch::Tensor> SearchTrainer::archParameters() const {
  std::vector<torch::Tensor> arch = alphas_;
  if (o_.derivation == Derivation::Dst) arch.insert(arch.end(), thetas_.begin(), thetas_.end());
  return arch;
}

torch::Tensor SearchTrainer::loss(const torch::Tensor& x, const torch::Tensor& y, bool archGrad) {
  const std::vector<CellRun> r = runs(archGrad);
  return torch::nn::functional::cross_entropy(net_->forward(x, r, engines_), y);
}

double SearchTrainer::step(const torch::Tensor& xt, const torch::Tensor& yt, const torch::Tensor& xv,
                           const torch::Tensor& yv, double lr) {
  net_->train();
  // Architecture step on the validation batch.
  adam_->zero_grad();
  if (o_.order == 2) {
    unrolledArchGrad(xt, yt, xv, yv, lr);  // DARTS: xi = the weights' learning rate
  } else {  // first order: the weights are taken as they are
    loss(xv, yv, true).backward();
  }
  adam_->step();
  // Weight step on the training batch, with the cells derived from the updated parameters.
  for (auto& g : sgd_->param_groups()) static_cast<torch::optim::SGDOptions&>(g.options()).lr(lr);
  sgd_->zero_grad();
  const torch::Tensor l = loss(xt, yt, false);
  l.backward();
  torch::nn::utils::clip_grad_norm_(net_->parameters(), o_.gradClip);
  sgd_->step();
  return l.item<double>();
}

namespace {

// Gradients of `loss` for `of`; an input the loss does not reach (a skipped op) gets zeros.
std::vector<torch::Tensor> gradsOrZeros(const torch::Tensor& loss, const std::vector<torch::Tensor>& of) {
  std::vector<torch::Tensor> g = torch::autograd::grad({loss}, of, {}, false, false, /*allow_unused=*/true);
  for (size_t i = 0; i < g.size(); ++i)
    if (!g[i].defined()) g[i] = torch::zeros_like(of[i]);
  return g;
}

std::vector<torch::Tensor> clones(const std::vector<torch::Tensor>& ts) {
  std::vector<torch::Tensor> out;
  for (const torch::Tensor& t : ts) out.push_back(t.detach().clone());
  return out;
}

void assign(const std::vector<torch::Tensor>& to, const std::vector<torch::Tensor>& from) {
  torch::NoGradGuard noGrad;
  for (size_t i = 0; i < to.size(); ++i) to[i].copy_(from[i]);
}

}  // namespace

std::vector<torch::Tensor> SearchTrainer::hessianVectorProduct(const torch::Tensor& xt, const torch::Tensor& yt,
                                                               const std::vector<torch::Tensor>& v, double epsScale) {
  const std::vector<torch::Tensor> w = net_->parameters(), arch = archParameters();
  if (v.size() != w.size()) throw Error(ErrorCode::Internal, "Hessian-vector product: v does not match the weights", kCtx);
  double sq = 0;
  for (const torch::Tensor& t : v) sq += t.pow(2).sum().item<double>();
  std::vector<torch::Tensor> out;
  if (!(sq > 0)) {  // v = 0: the product is 0 (and eps would be infinite)
    for (const torch::Tensor& a : arch) out.push_back(torch::zeros_like(a));
    return out;
  }
  const double eps = epsScale / std::sqrt(sq);
  const std::vector<torch::Tensor> saved = clones(w);
  const auto shifted = [&](double sign) {
    {
      torch::NoGradGuard noGrad;
      for (size_t i = 0; i < w.size(); ++i) w[i].copy_(saved[i] + sign * eps * v[i]);
    }
    return gradsOrZeros(loss(xt, yt, true), arch);
  };
  const std::vector<torch::Tensor> plus = shifted(1.0), minus = shifted(-1.0);
  assign(w, saved);
  for (size_t i = 0; i < arch.size(); ++i) out.push_back((plus[i] - minus[i]) / (2.0 * eps));
  return out;
}

void SearchTrainer::unrolledArchGrad(const torch::Tensor& xt, const torch::Tensor& yt, const torch::Tensor& xv,
                                     const torch::Tensor& yv, double xi, double epsScale) {
  const std::vector<torch::Tensor> w = net_->parameters(), arch = archParameters();
  const std::vector<torch::Tensor> savedW = clones(w), savedBuffers = clones(net_->buffers());
  // The virtual step w' = w - xi * (momentum * buffer + dL_train/dw + weight_decay * w), SGD's own
  // update [DARTS' code takes momentum and weight decay into the virtual step; the paper's
  // equation shows the plain gradient].
  {
    const std::vector<torch::Tensor> g = gradsOrZeros(loss(xt, yt, false), w);
    torch::NoGradGuard noGrad;
    const auto& state = sgd_->state();
    for (size_t i = 0; i < w.size(); ++i) {
      torch::Tensor d = g[i] + o_.weightDecay * w[i];
      const auto it = state.find(c10::guts::to_string(w[i].unsafeGetTensorImpl()));
      if (it != state.end()) {
        const auto& buf = static_cast<const torch::optim::SGDParamState&>(*it->second).momentum_buffer();
        if (buf.defined()) d = d + o_.momentum * buf;
      }
      w[i].sub_(xi * d);
    }
  }
  // dL_val(w', a) for a and for w'.
  std::vector<torch::Tensor> both = arch;
  both.insert(both.end(), w.begin(), w.end());
  const std::vector<torch::Tensor> g = gradsOrZeros(loss(xv, yv, true), both);
  const std::vector<torch::Tensor> dArch(g.begin(), g.begin() + static_cast<std::ptrdiff_t>(arch.size()));
  const std::vector<torch::Tensor> v(g.begin() + static_cast<std::ptrdiff_t>(arch.size()), g.end());
  assign(w, savedW);
  const std::vector<torch::Tensor> hv = hessianVectorProduct(xt, yt, v, epsScale);
  // The virtual forwards updated BN's running statistics; the real step should not see them.
  assign(net_->buffers(), savedBuffers);
  for (size_t i = 0; i < arch.size(); ++i) arch[i].mutable_grad() = (dArch[i] - xi * hv[i]).detach();
}

std::vector<torch::Tensor> SearchTrainer::engineWeights() const {
  std::vector<torch::Tensor> out;
  for (size_t t = 0; t < alphas_.size(); ++t) out.push_back(entranWeights(t, false));
  return out;
}

std::vector<ActiveOps> SearchTrainer::derived() const {
  std::vector<ActiveOps> out;
  for (size_t t = 0; t < alphas_.size(); ++t) out.push_back(deriveCell(spec(), alphas_[t], thetas_[t], o_.derivation));
  return out;
}

std::string SearchTrainer::genotype() const { return genotypeText(o_.space, derived()); }

void SearchTrainer::run(const ImageDataset& train, const ImageDataset& val, const Normalization& norm,
                        const std::function<bool(std::int64_t, std::int64_t, double)>& stepFn,
                        const std::function<void(const SearchEpoch&)>& epochEnd) {
  if (train.size() < 2 || val.size() < 2)
    throw Error(ErrorCode::InvalidArgument, "needs at least 2 training and 2 validation images", kCtx);
  const std::int64_t bs = std::min({o_.batchSize, train.size(), val.size()});
  Batcher trainBatches(train.size(), bs, o_.seed, true);
  Batcher valBatches(val.size(), bs, o_.seed + 1, true);
  const std::int64_t perEpoch = trainBatches.batchesPerEpoch();
  const std::int64_t total = perEpoch * o_.epochs;
  trainBatches.setPosition({epoch_, 0});
  // The validation batcher runs at its own pace; epoch e of the search starts it at e*perEpoch batches.
  {
    const std::int64_t vb = valBatches.batchesPerEpoch(), done = static_cast<std::int64_t>(epoch_) * perEpoch;
    valBatches.setPosition({done / vb, done % vb});
  }
  // Exact resume (train/EpochCheckpoint.h): ops a step skipped (zero DST weight, a Transit-cell's
  // underived ops) keep zero, not undefined, gradients, so weight decay and momentum reach them
  // after a resume as they do in an uninterrupted run; noise (none today) is seeded per epoch.
  defineZeroGrads(net_->parameters());
  defineZeroGrads(alphas_);
  defineZeroGrads(thetas_);
  while (epoch_ < o_.epochs) {
    seedEpoch(o_.seed, epoch_);
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    double lossSum = 0;
    for (std::int64_t b = 0; b < perEpoch; ++b) {
      const std::int64_t s = static_cast<std::int64_t>(epoch_) * perEpoch + b;
      const Batch tb = trainBatches.next(), vb = valBatches.next();
      const double l = step(batchImages(train, tb.indices, norm, o_.device), batchLabels(train, tb.indices, o_.device),
                            batchImages(val, vb.indices, norm, o_.device), batchLabels(val, vb.indices, o_.device),
                            cosineLr(o_.lr, s, total, o_.lrMin));
      lossSum += l;
      if (stepFn && !stepFn(s + 1, total, l))
        throw Error(ErrorCode::Cancelled, o_.method + " cancelled at step " + std::to_string(s + 1));
    }
    SearchEpoch r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.cpuSeconds = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    r.epoch = epoch_;
    r.trainLoss = lossSum / static_cast<double>(perEpoch);
    const std::vector<CellRun> current = runs(false);
    net_->eval();
    const Score sc = scoreOn([&](const torch::Tensor& x) { return net_->forward(x, current, engines_); }, val, norm,
                             o_.valImages, o_.device);
    r.valAccuracy = sc.accuracy;
    r.valLoss = sc.loss;
    for (const CellRun& c : current) r.weights.push_back(toDoubles(c.weights));
    r.derived = derived();
    r.genotype = genotypeText(o_.space, r.derived);
    ++epoch_;
    if (epochEnd) epochEnd(r);
  }
}

std::string SearchTrainer::saveState() const {
  EpochCheckpointWriter w(epoch_);
  for (size_t t = 0; t < alphas_.size(); ++t) {
    w.tensor("alpha" + std::to_string(t), alphas_[t]);
    w.tensor("theta" + std::to_string(t), thetas_[t]);
  }
  w.module("net", *net_);
  w.optimizer("sgd", *sgd_);
  w.optimizer("adam", *adam_);
  return w.bytes();
}

void SearchTrainer::loadState(const std::string& bytes) {
  EpochCheckpointReader r(bytes, "search checkpoint");
  for (size_t t = 0; t < alphas_.size(); ++t) {
    r.tensorInto("alpha" + std::to_string(t), alphas_[t]);
    r.tensorInto("theta" + std::to_string(t), thetas_[t]);
  }
  r.module("net", *net_);
  net_->to(o_.device);
  r.optimizer("sgd", *sgd_);
  r.optimizer("adam", *adam_);
  epoch_ = r.epochsDone();
}

Score scoreOn(const std::function<torch::Tensor(const torch::Tensor&)>& forward, const ImageDataset& ds,
              const Normalization& norm, std::int64_t limit, torch::Device device) {
  torch::NoGradGuard noGrad;
  const std::int64_t n = limit > 0 ? std::min(limit, ds.size()) : ds.size();
  Score s;
  if (n == 0) return s;
  std::int64_t correct = 0;
  double lossSum = 0;
  Batcher order(n, std::min<std::int64_t>(250, n), 0, false);
  for (std::int64_t i = 0; i < order.batchesPerEpoch(); ++i) {
    const Batch b = order.next();
    const torch::Tensor y = batchLabels(ds, b.indices, device);
    const torch::Tensor logits = forward(batchImages(ds, b.indices, norm, device));
    correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
    lossSum += torch::nn::functional::cross_entropy(logits, y).item<double>() * static_cast<double>(b.indices.size());
  }
  s.accuracy = static_cast<double>(correct) / static_cast<double>(n);
  s.loss = lossSum / static_cast<double>(n);
  return s;
}

}  // namespace nas::entrannas
