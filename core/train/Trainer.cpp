#include "train/Trainer.h"

#include <torch/torch.h>

#include "common/Error.h"
#include "train/CosineSchedule.h"
#include "train/DistGroup.h"

namespace nas {

Trainer::Trainer(std::shared_ptr<torch::nn::Module> model, Forward forward, ImageDataset train, TrainerOptions o)
    : model_(std::move(model)),
      forward_(std::move(forward)),
      train_(std::move(train)),
      options_(std::move(o)),
      batcher_(train_.size(), options_.batchSize, options_.seed, /*shuffle=*/true) {
  if (options_.epochs < 1) throw Error(ErrorCode::InvalidArgument, "epochs must be >= 1", "epochs");
  if (options_.normalization.mean.empty())
    options_.normalization = datasetNormalization(train_.name, train_.channels());
  requireAvailable(options_.precision, options_.device);
  model_->to(options_.device);
  model_->train();
  if (options_.group) joinDataParallel(*options_.group, *model_, options_.device, options_.batchSize);
  optimizer_ = std::make_unique<torch::optim::SGD>(model_->parameters(),
                                                   torch::optim::SGDOptions(options_.lr)
                                                       .momentum(options_.momentum)
                                                       .nesterov(options_.nesterov && options_.momentum > 0)
                                                       .weight_decay(options_.weightDecay));
}

double Trainer::lrAt(std::int64_t step) const { return cosineLr(options_.lr, step, totalSteps(), options_.minLr); }

torch::Tensor Trainer::batchInput(const std::vector<std::int64_t>& indices, std::uint64_t seed, bool augment) const {
  torch::Tensor idx = torch::tensor(indices, torch::kLong);
  torch::Tensor images = train_.images.index_select(0, idx);
  if (augment) {
    Rng rng(seed);
    images = augmentBatch(images, options_.augment, rng);
  }
  return normalizeBatch(images.to(options_.device), options_.normalization);
}

StepResult Trainer::step() {
  if (done()) throw Error(ErrorCode::Internal, "Trainer::step() after the last epoch");
  const double lr = lrAt(globalStep());
  for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);

  Batch batch = batcher_.next();
  const bool augment = options_.augment.padding > 0 || options_.augment.flip;
  const std::int64_t n = static_cast<std::int64_t>(batch.indices.size());
  torch::Tensor x, y;
  double share = 1.0;  // this rank's images / the global batch's
  if (!options_.group) {
    x = batchInput(batch.indices, batch.seed, augment);
    y = train_.labels.index_select(0, torch::tensor(batch.indices, torch::kLong)).to(options_.device);
  } else {
    // The whole batch is augmented (the generator walks it image by image) and this rank
    // keeps its contiguous share: [rank*n/W, (rank+1)*n/W).
    const std::int64_t w = options_.group->worldSize(), r = options_.group->rank();
    const std::int64_t begin = r * n / w, end = (r + 1) * n / w;
    torch::Tensor idx = torch::tensor(batch.indices, torch::kLong).narrow(0, begin, end - begin);
    torch::Tensor images = train_.images.index_select(0, torch::tensor(batch.indices, torch::kLong));
    if (augment) {
      Rng rng(batch.seed);
      images = augmentBatch(images, options_.augment, rng);
    }
    x = normalizeBatch(images.narrow(0, begin, end - begin).to(options_.device), options_.normalization);
    y = train_.labels.index_select(0, idx).to(options_.device);
    share = static_cast<double>(end - begin) / static_cast<double>(n);
    std::vector<torch::Tensor> buffers = model_->buffers();
    if (!buffers.empty()) options_.group->broadcastFromRank0(buffers);
  }

  model_->train();
  optimizer_->zero_grad();
  torch::Tensor logits;
  {
    AutocastGuard autocast(options_.device, options_.precision);
    logits = forward_(x);
  }
  logits = logits.to(torch::kFloat);  // the loss in float whatever the forward pass computed in
  torch::Tensor loss = torch::nn::functional::cross_entropy(
      logits, y, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(options_.labelSmoothing));
  if (options_.group) {
    loss = loss * share;  // summed over the ranks: the global batch's mean
    loss.backward();
    options_.group->allReduceGradients(model_->parameters());
  } else {
    loss.backward();
  }
  optimizer_->step();

  StepResult r;
  r.loss = loss.item<double>();
  r.correct = logits.argmax(1).eq(y).sum().item<std::int64_t>();
  r.count = y.size(0);
  r.lr = lr;
  if (options_.group) {
    torch::Tensor totals = torch::tensor({r.loss, static_cast<double>(r.correct), static_cast<double>(r.count)},
                                         torch::kDouble);
    options_.group->allReduceSum(totals);
    r.loss = totals[0].item<double>();
    r.correct = static_cast<std::int64_t>(totals[1].item<double>());
    r.count = static_cast<std::int64_t>(totals[2].item<double>());
  }
  return r;
}

EvalResult Trainer::evaluate(const ImageDataset& data, std::int64_t batchSize) {
  if (data.size() == 0) return {};
  model_->eval();
  const Forward forward = [this](const torch::Tensor& x) {
    AutocastGuard autocast(options_.device, options_.precision);
    return forward_(x).to(torch::kFloat);
  };
  const EvalResult r = evaluateClassifier(forward, data, options_.normalization, options_.device, batchSize);
  model_->train();
  return r;
}

EvalResult evaluateClassifier(const Trainer::Forward& forward, const ImageDataset& data, const Normalization& norm,
                              torch::Device device, std::int64_t batchSize) {
  EvalResult r;
  if (data.size() == 0) return r;
  torch::NoGradGuard noGrad;
  double lossSum = 0;
  std::int64_t correct = 0;
  for (std::int64_t begin = 0; begin < data.size(); begin += batchSize) {
    const std::int64_t n = std::min(batchSize, data.size() - begin);
    torch::Tensor x = normalizeBatch(data.images.narrow(0, begin, n).to(device), norm);
    torch::Tensor y = data.labels.narrow(0, begin, n).to(device);
    torch::Tensor logits = forward(x);
    lossSum += torch::nn::functional::cross_entropy(
                   logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                   .item<double>();
    correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
  }
  r.count = data.size();
  r.loss = lossSum / static_cast<double>(r.count);
  r.accuracy = static_cast<double>(correct) / static_cast<double>(r.count);
  return r;
}

}  // namespace nas
