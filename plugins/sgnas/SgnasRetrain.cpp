// Training one SGNAS path from scratch.
#include "SgnasRetrain.h"

#include <torch/torch.h>

#include <chrono>

#include "SgnasSupernetTraining.h"
#include "common/Error.h"
#include "data/Batcher.h"
#include "train/CosineSchedule.h"

namespace nas::sgnas {

RetrainResult trainFromScratch(const SgnasSpace& space, const SgnasArch& arch, const ImageDataset& train,
                               const ImageDataset& test, const Normalization& norm, const RetrainOptions& o,
                               const std::function<bool(std::int64_t, std::int64_t, double)>& progress) {
  validateArch(space, arch);
  if (train.size() < 2) throw Error(ErrorCode::InvalidArgument, "needs at least 2 training images", "sgnas retrain");
  const auto t0 = std::chrono::steady_clock::now();
  torch::manual_seed(o.seed);
  SgnasSupernet net(space);
  net->to(o.device);
  // Only the path's weights receive gradients; the others stay unused (weight decay on an
  // unused weight with zero gradient would still shrink it, harmlessly, but SGD skips
  // parameters whose grad is undefined, so nothing else is touched).
  torch::optim::SGD optimizer(net->parameters(),
                              torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(o.weightDecay));
  Batcher batcher(train.size(), std::min(o.batchSize, train.size()), o.seed, true);
  const std::int64_t total = o.epochs * batcher.batchesPerEpoch();
  const auto ce = torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(o.labelSmoothing);
  RetrainResult result;
  double epochLoss = 0;
  std::int64_t epochSteps = 0;
  net->train();
  for (std::int64_t step = 0; step < total; ++step) {
    const double lr = cosineLr(o.lr, step, total);
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
    const Batch b = batcher.next();
    optimizer.zero_grad();
    const torch::Tensor loss =
        torch::nn::functional::cross_entropy(net->forward(batchImages(train, b.indices, norm, o.device), arch),
                                             batchLabels(train, b.indices, o.device), ce);
    loss.backward();
    optimizer.step();
    const double l = loss.item<double>();
    if (b.position.batch == 0) epochLoss = 0, epochSteps = 0;
    epochLoss += l;
    ++epochSteps;
    if (progress && !progress(step + 1, total, l))
      throw Error(ErrorCode::Cancelled, "sgnas retrain cancelled at step " + std::to_string(step + 1));
  }
  result.finalLoss = epochSteps ? epochLoss / static_cast<double>(epochSteps) : 0.0;

  torch::NoGradGuard ng;
  net->eval();
  std::int64_t correct = 0;
  Batcher order(test.size(), 500, 0, false);
  for (std::int64_t i = 0; i < order.batchesPerEpoch(); ++i) {
    const Batch b = order.next();
    const torch::Tensor pred = net->forward(batchImages(test, b.indices, norm, o.device), arch).argmax(1);
    correct += pred.eq(batchLabels(test, b.indices, o.device)).sum().item<std::int64_t>();
  }
  result.testAccuracy = test.size() ? static_cast<double>(correct) / static_cast<double>(test.size()) : 0.0;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace nas::sgnas
