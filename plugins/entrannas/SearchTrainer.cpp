#include "SearchTrainer.h"

#include <torch/torch.h>

#include <chrono>
#include <ctime>
#include <sstream>

#include "common/Error.h"
#include "data/Augment.h"
#include "data/Batcher.h"
#include "nn/ModuleBytes.h"
#include "train/CosineSchedule.h"

namespace nas::entrannas {

namespace {

const char* kCtx = "differentiable search";

template <typename T>
std::string saveToBytes(const T& value) {
  std::ostringstream out(std::ios::binary);
  torch::save(value, out);
  return out.str();
}

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
  std::vector<torch::Tensor> arch = alphas_;
  if (o_.derivation == Derivation::Dst) arch.insert(arch.end(), thetas_.begin(), thetas_.end());
  adam_ = std::make_unique<optim::Adam>(
      arch, optim::AdamOptions(o_.archLr).betas({o_.archBeta1, o_.archBeta2}).weight_decay(o_.archWeightDecay));
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

double SearchTrainer::step(const torch::Tensor& xt, const torch::Tensor& yt, const torch::Tensor& xv,
                           const torch::Tensor& yv, double lr) {
  net_->train();
  // Architecture step on the validation batch (first order: the weights are taken as they are).
  {
    const std::vector<CellRun> r = runs(true);
    adam_->zero_grad();
    const torch::Tensor lossV = torch::nn::functional::cross_entropy(net_->forward(xv, r, engines_), yv);
    lossV.backward();
    adam_->step();
  }
  // Weight step on the training batch, with the cells derived from the updated parameters.
  for (auto& g : sgd_->param_groups()) static_cast<torch::optim::SGDOptions&>(g.options()).lr(lr);
  const std::vector<CellRun> r = runs(false);
  sgd_->zero_grad();
  const torch::Tensor loss = torch::nn::functional::cross_entropy(net_->forward(xt, r, engines_), yt);
  loss.backward();
  torch::nn::utils::clip_grad_norm_(net_->parameters(), o_.gradClip);
  sgd_->step();
  return loss.item<double>();
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
  while (epoch_ < o_.epochs) {
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
  torch::serialize::OutputArchive a;
  a.write("format", c10::IValue(std::int64_t{1}));
  a.write("epoch", c10::IValue(static_cast<std::int64_t>(epoch_)));
  for (size_t t = 0; t < alphas_.size(); ++t) {
    a.write("alpha" + std::to_string(t), alphas_[t].detach().cpu().clone());
    a.write("theta" + std::to_string(t), thetas_[t].detach().cpu().clone());
  }
  a.write("net", bytesToTensor(moduleToBytes(*net_)));
  a.write("sgd", bytesToTensor(saveToBytes(*sgd_)));
  a.write("adam", bytesToTensor(saveToBytes(*adam_)));
  std::ostringstream out(std::ios::binary);
  a.save_to(out);
  return out.str();
}

void SearchTrainer::loadState(const std::string& bytes) {
  const char* ctx = "search checkpoint";
  try {
    torch::serialize::InputArchive a;
    std::istringstream in(bytes, std::ios::binary);
    a.load_from(in);
    c10::IValue format, epoch;
    if (!a.try_read("format", format) || !format.isInt() || format.toInt() != 1)
      throw Error(ErrorCode::CorruptData, "not a supported checkpoint format", ctx);
    if (!a.try_read("epoch", epoch) || !epoch.isInt()) throw Error(ErrorCode::CorruptData, "lacks its epoch", ctx);
    torch::NoGradGuard noGrad;
    for (size_t t = 0; t < alphas_.size(); ++t) {
      torch::Tensor alpha, theta;
      a.read("alpha" + std::to_string(t), alpha);
      a.read("theta" + std::to_string(t), theta);
      if (!alpha.sizes().equals(alphas_[t].sizes()) || !theta.sizes().equals(thetas_[t].sizes()))
        throw Error(ErrorCode::CorruptData, "taken for another space", ctx);
      alphas_[t].copy_(alpha);
      thetas_[t].copy_(theta);
    }
    torch::Tensor net, sgd, adam;
    a.read("net", net);
    a.read("sgd", sgd);
    a.read("adam", adam);
    moduleFromBytes(*net_, tensorToBytes(net), ctx);
    net_->to(o_.device);
    std::istringstream s1(tensorToBytes(sgd), std::ios::binary), s2(tensorToBytes(adam), std::ios::binary);
    torch::load(*sgd_, s1);
    torch::load(*adam_, s2);
    epoch_ = static_cast<int>(epoch.toInt());
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("unreadable: ") + e.what_without_backtrace(), ctx);
  }
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
