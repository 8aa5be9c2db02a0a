// Fair-path supernet training and inherited-weight accuracy estimates.
#include "SgnasSupernetTraining.h"

#include <torch/torch.h>

#include <sstream>

#include "common/Error.h"
#include "data/Augment.h"
#include "train/CosineSchedule.h"
#include "train/DistGroup.h"

namespace nas::sgnas {
namespace {

std::int64_t readInt(torch::serialize::InputArchive& in, const char* key) {
  c10::IValue v;
  if (!in.try_read(key, v) || !v.isInt())
    throw Error(ErrorCode::CorruptData, std::string("lacks '") + key + "'", "sgnas supernet checkpoint");
  return v.toInt();
}

}  // namespace

torch::Tensor batchImages(const ImageDataset& ds, const std::vector<std::int64_t>& indices, const Normalization& norm,
                          torch::Device device) {
  return normalizeBatch(ds.images.index_select(0, torch::tensor(indices, torch::kLong)).to(device), norm);
}

torch::Tensor batchLabels(const ImageDataset& ds, const std::vector<std::int64_t>& indices, torch::Device device) {
  return ds.labels.index_select(0, torch::tensor(indices, torch::kLong)).to(device);
}

torch::Device moduleDevice(const torch::nn::Module& m) {
  const auto params = m.parameters();
  return params.empty() ? torch::Device(torch::kCPU) : params.front().device();
}

SupernetTrainer::SupernetTrainer(SgnasSupernet net, ImageDataset train, Normalization norm, SupernetTrainOptions o)
    : net_(std::move(net)),
      train_(std::move(train)),
      norm_(std::move(norm)),
      options_(o),
      batcher_(train_.size(), o.batchSize, o.seed, true),
      sampler_(net_->space(), Rng::derive(o.seed, 0x5a3e), o.minExpansion, o.group0Always) {
  if (train_.size() < 2) throw Error(ErrorCode::InvalidArgument, "needs at least 2 training images", "sgnas supernet");
  net_->to(o.device);
  if (o.group) joinDataParallel(*o.group, *net_, o.device, o.batchSize);
  optimizer_ = std::make_unique<torch::optim::SGD>(
      net_->parameters(), torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(o.weightDecay));
}

SupernetTrainer::Step SupernetTrainer::step() {
  if (done()) throw Error(ErrorCode::Internal, "SupernetTrainer::step() after the last epoch");
  const double lr = cosineLr(options_.lr, globalStep(), totalSteps());
  for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
  const Batch batch = batcher_.next();
  std::vector<std::int64_t> indices = batch.indices;
  double share = 1.0;  // this rank's images / the global batch's
  if (options_.group) {
    const std::int64_t n = static_cast<std::int64_t>(indices.size());
    const std::int64_t w = options_.group->worldSize(), r = options_.group->rank();
    const std::int64_t begin = r * n / w, end = (r + 1) * n / w;
    indices = std::vector<std::int64_t>(batch.indices.begin() + begin, batch.indices.begin() + end);
    share = static_cast<double>(end - begin) / static_cast<double>(n);
    std::vector<torch::Tensor> buffers = net_->buffers();
    if (!buffers.empty()) options_.group->broadcastFromRank0(buffers);
  }
  const torch::Tensor x = batchImages(train_, indices, norm_, options_.device);
  const torch::Tensor y = batchLabels(train_, indices, options_.device);
  net_->train();
  optimizer_->zero_grad();
  // The paths' losses add up on the device: one host read per step, not one per path.
  // (In double, as the sum of the host-read losses was before: the same value.)
  torch::Tensor total = torch::zeros({}, torch::TensorOptions().dtype(torch::kDouble).device(options_.device));
  const auto ce = torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(options_.labelSmoothing);
  for (int p = 0; p < options_.pathsPerStep; ++p) {
    const torch::Tensor loss = torch::nn::functional::cross_entropy(net_->forwardTrainingPath(x, sampler_.next()), y, ce);
    if (options_.group) (loss * share / options_.pathsPerStep).backward();  // summed over the ranks
    else (loss / options_.pathsPerStep).backward();
    total += loss.detach().to(torch::kDouble);
  }
  if (options_.group) options_.group->allReduceGradients(net_->parameters());
  optimizer_->step();
  double mean = total.item<double>() / options_.pathsPerStep;
  if (options_.group) {  // the global batch's mean loss, the same on every rank
    torch::Tensor t = torch::tensor({mean * share}, torch::kDouble);
    options_.group->allReduceSum(t);
    mean = t.item<double>();
  }
  return {mean, lr};
}

std::string SupernetTrainer::state() const {
  torch::serialize::OutputArchive a, optim;
  optimizer_->save(optim);
  a.write("optimizer", optim);
  a.write("epoch", c10::IValue(position().epoch));
  a.write("batch", c10::IValue(position().batch));
  a.write("total_steps", c10::IValue(totalSteps()));
  a.write("sampler", c10::IValue(sampler_.state().dump()));
  std::ostringstream out(std::ios::binary);
  a.save_to(out);
  return out.str();
}

void SupernetTrainer::restore(const std::string& bytes) {
  torch::serialize::InputArchive a;
  try {
    std::istringstream in(bytes, std::ios::binary);
    a.load_from(in);
    torch::serialize::InputArchive optim;
    a.read("optimizer", optim);
    optimizer_->load(optim);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("unreadable: ") + e.what_without_backtrace(),
                "sgnas supernet checkpoint");
  }
  if (readInt(a, "total_steps") != totalSteps())
    throw Error(ErrorCode::CorruptData, "taken with another schedule (epochs, batch size or data changed)",
                "sgnas supernet checkpoint");
  c10::IValue sampler;
  if (!a.try_read("sampler", sampler) || !sampler.isString())
    throw Error(ErrorCode::CorruptData, "lacks the sampler state", "sgnas supernet checkpoint");
  sampler_.setState(parseJson(sampler.toStringRef(), "sgnas sampler state"));
  batcher_.setPosition({readInt(a, "epoch"), readInt(a, "batch")});
}

double pathAccuracy(SgnasSupernet& net, const SgnasArch& arch, const ImageDataset& eval, const Normalization& norm,
                    const ImageDataset& calibration, const AccuracyOptions& o) {
  torch::NoGradGuard ng;
  const torch::Device device = moduleDevice(*net);
  std::vector<std::pair<torch::Tensor, torch::Tensor>> saved;  // (buffer, copy)
  if (o.calibrationBatches > 0 && calibration.size() > 1) {
    for (auto& b : net->buffers()) saved.emplace_back(b, b.clone());
    net->train();
    Batcher calib(calibration.size(), std::min(o.calibrationBatchSize, calibration.size()), o.seed, true);
    for (int i = 0; i < o.calibrationBatches; ++i) {
      net->setBnMomentum(1.0 / (i + 1));  // cumulative mean over the calibration batches
      const Batch b = calib.next();
      net->forward(batchImages(calibration, b.indices, norm, device), arch);
    }
    net->setBnMomentum(0.1);
  }
  net->eval();
  // Counted on the device, read once at the end.
  torch::Tensor correctSum = torch::zeros({}, torch::TensorOptions().dtype(torch::kLong).device(device));
  Batcher order(eval.size(), o.batchSize, 0, false);
  for (std::int64_t i = 0; i < order.batchesPerEpoch(); ++i) {
    const Batch b = order.next();
    const torch::Tensor pred = net->forward(batchImages(eval, b.indices, norm, device), arch).argmax(1);
    correctSum += pred.eq(batchLabels(eval, b.indices, device)).sum();
  }
  for (auto& [buffer, copy] : saved) buffer.copy_(copy);
  const std::int64_t correct = correctSum.item<std::int64_t>();
  return eval.size() ? static_cast<double>(correct) / static_cast<double>(eval.size()) : 0.0;
}

}  // namespace nas::sgnas
