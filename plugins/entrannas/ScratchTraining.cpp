#include "ScratchTraining.h"

#include <torch/torch.h>

#include "SearchTrainer.h"
#include "common/Error.h"
#include "data/Augment.h"
#include "data/Batcher.h"
#include "data/Rng.h"
#include "train/CosineSchedule.h"
#include "train/EpochCheckpoint.h"

namespace nas::entrannas {

void ScratchOptions::validate() const {
  const auto bad = [](const std::string& what) {
    throw Error(ErrorCode::InvalidArgument, what, "training from scratch");
  };
  if (epochs < 1) bad("eval_epochs must be >= 1");
  if (batchSize < 2) bad("batch size must be >= 2");
  if (!(lr > 0) || !(gradClip > 0)) bad("lr and grad_clip must be > 0");
  if (cutout < 0) bad("cutout must be >= 0");
  if (dropPath < 0 || dropPath >= 1) bad("drop_path must be in [0, 1)");
  if (auxWeight < 0) bad("auxiliary weight must be >= 0");
  if (auxWeight > 0 && space != SpaceKind::Darts) bad("the auxiliary head exists in the darts space only");
}

torch::Tensor cutoutBatch(const torch::Tensor& images, int length, std::uint64_t seed) {
  if (length <= 0) return images;
  torch::Tensor out = images.clone();
  Rng rng(seed);
  const std::int64_t h = images.size(2), w = images.size(3);
  using torch::indexing::Slice;
  for (std::int64_t i = 0; i < images.size(0); ++i) {
    const std::int64_t cy = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(h)));
    const std::int64_t cx = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(w)));
    const std::int64_t y0 = std::max<std::int64_t>(0, cy - length / 2), y1 = std::min(h, cy + length / 2);
    const std::int64_t x0 = std::max<std::int64_t>(0, cx - length / 2), x1 = std::min(w, cx + length / 2);
    out.index_put_({i, Slice(), Slice(y0, y1), Slice(x0, x1)}, 0.0);
  }
  return out;
}

ScratchTrainer::ScratchTrainer(ScratchOptions o, std::vector<ActiveOps> cells, int inputChannels, int classes)
    : o_(std::move(o)), cells_(std::move(cells)) {
  o_.validate();
  torch::manual_seed(o_.seed);
  NetConfig c;
  c.space = o_.space;
  c.channels = o_.channels;
  c.layers = o_.layers;
  c.inputChannels = inputChannels;
  c.classes = classes;
  c.ops.affine = true;
  c.ops.poolBn = false;
  c.featureSharing = false;
  c.auxiliary = o_.auxWeight > 0;
  net_ = CellNetwork(c, &cells_);
  net_->to(o_.device);
  for (const ActiveOps& a : cells_) runs_.push_back(CellRun::transit(a));
  noEngines_.assign(static_cast<size_t>(net_->numCells()), false);
  sgd_ = std::make_unique<torch::optim::SGD>(
      net_->parameters(), torch::optim::SGDOptions(o_.lr).momentum(o_.momentum).weight_decay(o_.weightDecay));
}

std::int64_t ScratchTrainer::parameterCount() const {
  std::int64_t n = 0;
  for (const auto& p : net_->named_parameters(true))
    if (p.key().rfind("aux_", 0) != 0) n += p.value().numel();
  return n;
}

void ScratchTrainer::run(const ImageDataset& train, const ImageDataset* test, const Normalization& norm,
                         const std::function<bool(std::int64_t, std::int64_t, double)>& stepFn,
                         const std::function<void(const ScratchEpoch&)>& epochEnd) {
  if (train.size() < 2) throw Error(ErrorCode::InvalidArgument, "needs at least 2 training images", "training");
  Batcher batches(train.size(), std::min(o_.batchSize, train.size()), o_.seed, true);
  const std::int64_t perEpoch = batches.batchesPerEpoch(), total = perEpoch * o_.epochs;
  batches.setPosition({epoch_, 0});
  AugmentOptions aug;
  aug.padding = o_.augment ? defaultCropPadding(train.height()) : 0;
  aug.flip = o_.augment;
  // Exact resume (see train/EpochCheckpoint.h): unused parameters (the auxiliary head before it
  // runs) hold zero gradients, and drop path draws from a generator seeded per epoch.
  defineZeroGrads(net_->parameters());
  while (epoch_ < o_.epochs) {
    seedEpoch(o_.seed, epoch_);
    const double dropProb = o_.dropPath * static_cast<double>(epoch_) / static_cast<double>(o_.epochs);
    net_->train();
    double lossSum = 0;
    for (std::int64_t b = 0; b < perEpoch; ++b) {
      const std::int64_t s = static_cast<std::int64_t>(epoch_) * perEpoch + b;
      const Batch batch = batches.next();
      const torch::Tensor idx = torch::tensor(batch.indices, torch::kLong);
      torch::Tensor raw = train.images.index_select(0, idx);
      if (o_.augment) {
        Rng rng(batch.seed);
        raw = augmentBatch(raw, aug, rng);
      }
      torch::Tensor x = cutoutBatch(normalizeBatch(raw, norm), o_.cutout, batch.seed ^ 0x5bd1e995ULL).to(o_.device);
      const torch::Tensor y = train.labels.index_select(0, idx).to(o_.device);
      for (auto& g : sgd_->param_groups())
        static_cast<torch::optim::SGDOptions&>(g.options()).lr(cosineLr(o_.lr, s, total));
      sgd_->zero_grad();
      torch::Tensor loss = torch::nn::functional::cross_entropy(net_->forward(x, runs_, noEngines_, dropProb), y);
      const double mainLoss = loss.item<double>();
      if (net_->auxLogits().defined())
        loss = loss + o_.auxWeight * torch::nn::functional::cross_entropy(net_->auxLogits(), y);
      loss.backward();
      torch::nn::utils::clip_grad_norm_(net_->parameters(), o_.gradClip);
      sgd_->step();
      lossSum += mainLoss;
      if (stepFn && !stepFn(s + 1, total, mainLoss))
        throw Error(ErrorCode::Cancelled, "training cancelled at step " + std::to_string(s + 1));
    }
    ScratchEpoch r;
    r.epoch = epoch_;
    r.trainLoss = lossSum / static_cast<double>(perEpoch);
    if (test) r.testAccuracy = testAccuracy(*test, norm);
    ++epoch_;
    if (epochEnd) epochEnd(r);
  }
}

double ScratchTrainer::testAccuracy(const ImageDataset& test, const Normalization& norm) {
  net_->eval();
  return scoreOn([&](const torch::Tensor& x) { return net_->forward(x, runs_, noEngines_); }, test, norm, 0, o_.device)
      .accuracy;
}

std::string ScratchTrainer::saveState() const {
  EpochCheckpointWriter w(epoch_);
  w.module("net", *net_);
  w.optimizer("sgd", *sgd_);
  return w.bytes();
}

void ScratchTrainer::loadState(const std::string& bytes) {
  EpochCheckpointReader r(bytes, "training checkpoint");
  r.module("net", *net_);
  net_->to(o_.device);
  r.optimizer("sgd", *sgd_);
  epoch_ = r.epochsDone();
}

}  // namespace nas::entrannas
