// trainSupernet: the NAS-Bench-201 supernet trained with uniform single-path sampling (SPOS,
// Guo et al. 2020) through the ordinary Trainer, so it checkpoints and resumes bit for bit.
#include <torch/torch.h>

#include <chrono>

#include "common/Error.h"
#include "common/ProgressSink.h"
#include "data/Rng.h"
#include "eval/QueryData.h"
#include "nn/Nb201Supernet.h"
#include "train/DistGroup.h"
#include "train/Nb201Run.h"
#include "train/Trainer.h"

namespace nas {
namespace {

constexpr std::uint64_t kPathStream = 0x5B05;  // the sampled paths, apart from batches and init
constexpr int kMetricEvery = 20;               // steps per train-loss point

// The path of global step `step`: every op uniform on every edge. A function of (seed, step)
// rather than a generator's state, so a resumed run samples the same paths. One path per
// step, as in SPOS: at a fixed compute budget it gives the most optimizer steps, and every BN
// of the path sees the full batch, which is what the query's recalibration assumes. (Several
// paths per step on slices of the batch would lower the gradient's variance across paths but
// halve or quarter each BN's batch.)
Nb201Cell sampledPath(std::uint64_t seed, std::int64_t step) {
  Rng rng(Rng::derive(Rng::derive(seed, kPathStream), static_cast<std::uint64_t>(step)));
  std::array<Nb201Op, kNb201NumEdges> ops{};
  for (auto& op : ops) op = static_cast<Nb201Op>(rng.below(kNb201NumOps));
  return Nb201Cell(ops);
}

}  // namespace

std::string trainSupernet(const SupernetSourceConfig& config, const SupernetTrainHooks& hooks,
                          const std::string& resumeFrom) {
  validateConfig(config);
  NullProgressSink nullSink;
  ProgressSink& sink = hooks.sink ? *hooks.sink : nullSink;
  sink.progress(0.0, "supernet: loading " + config.data.dataset);
  const QueryData data = loadQueryData(config.data);
  if (hooks.forwardChunks < 1 || hooks.forwardChunks > config.batch)
    throw Error(ErrorCode::InvalidArgument, "must be in 1..batch, got " + std::to_string(hooks.forwardChunks),
                "forward chunks");
  if (data.train.size() < config.batch)
    throw Error(ErrorCode::InvalidArgument,
                "is larger than the " + std::to_string(data.train.size()) + " training images left", "batch");

  torch::manual_seed(config.seed);  // initialisation; a restore overwrites it
  Nb201Supernet net(nb201MacroFor(data.train, config.channels, config.cellsPerStage));
  auto path = std::make_shared<Nb201Cell>();  // the path the next step trains
  TrainerOptions o;
  o.lr = config.lr;
  o.epochs = config.epochs;
  o.batchSize = config.batch;
  o.seed = config.seed;
  o.normalization = data.norm;
  o.group = hooks.group;
  o.device = chooseDevice(config.device, &sink, "supernet").forRanks(o.group != nullptr);
  const int chunks = hooks.forwardChunks;
  Trainer::Forward forward = [net, path](const torch::Tensor& x) mutable { return net->forward(x, *path); };
  if (chunks > 1)  // what `chunks` ranks compute: each contiguous share with its own BN statistics
    forward = [net, path, chunks](const torch::Tensor& x) mutable {
      const std::int64_t n = x.size(0);
      std::vector<torch::Tensor> logits;
      for (std::int64_t r = 0; r < chunks; ++r) {
        const std::int64_t begin = r * n / chunks, end = (r + 1) * n / chunks;
        logits.push_back(net->forward(x.narrow(0, begin, end - begin), *path));
      }
      return torch::cat(logits);
    };
  Trainer trainer(net.ptr(), forward, data.train, o);

  // Every rank resumes from rank 0's checkpoint.
  std::string resumeBytes = resumeFrom;
  if (hooks.group) resumeBytes = hooks.group->broadcastBytes(resumeBytes);
  if (!resumeBytes.empty()) {
    const std::string extra = trainer.restore(resumeBytes);
    checkSupernetStateInfo(parseJson(extra, "supernet checkpoint"), config, true, ErrorCode::CorruptData);
    sink.log("supernet: resumed at epoch " + std::to_string(trainer.position().epoch + 1) + ", batch " +
             std::to_string(trainer.position().batch));
  }
  auto checkpoint = [&] { return trainer.checkpoint(supernetStateInfo(config, trainer.done()).dump()); };
  sink.log("supernet: C=" + std::to_string(config.channels) + ", N=" + std::to_string(config.cellsPerStage) + ", " +
           std::to_string(data.train.size()) + " training images (" + std::to_string(data.val.size()) +
           " held out), " + std::to_string(trainer.totalSteps()) + " steps of one sampled path, " +
           o.device.str() + (o.group ? ", " + std::to_string(o.group->worldSize()) + " data-parallel ranks" : ""));

  double windowLoss = 0;
  std::int64_t windowCorrect = 0, windowCount = 0, windowSteps = 0;
  while (!trainer.done()) {
    // Data-parallel: every rank stops at the same step, one after rank 0's cancel (stopBeforeStep).
    if (stopBeforeStep(hooks.group.get(), hooks.cancel.cancelled())) {
      if (hooks.checkpoint) hooks.checkpoint(checkpoint());  // a resume continues from this step
      throw Error(ErrorCode::Cancelled, "supernet training cancelled at epoch " +
                                            std::to_string(trainer.position().epoch + 1) + ", batch " +
                                            std::to_string(trainer.position().batch));
    }
    const std::int64_t epoch = trainer.position().epoch;
    *path = sampledPath(config.seed, trainer.globalStep());
    // Only the sampled path is trained: gradients of the other ops are undefined (not zero),
    // so SGD leaves them alone instead of applying weight decay and stale momentum to them.
    // This also makes a resumed run bit-exact: a fresh model has no gradients, and with
    // Trainer's zero_grad (which keeps defined gradients as zeros) an op first used before
    // the checkpoint would otherwise be updated in the uninterrupted run but not after resume.
    for (auto& p : net->parameters()) p.mutable_grad().reset();
    const StepResult r = trainer.step();
    windowLoss += r.loss;
    windowCorrect += r.correct;
    windowCount += r.count;
    const std::int64_t step = trainer.globalStep();
    const bool epochEnded = trainer.position().epoch != epoch;
    if (++windowSteps == kMetricEvery || epochEnded) {
      sink.metric("supernet_train_loss", step, windowLoss / static_cast<double>(windowSteps));
      sink.metric("supernet_train_accuracy", step, static_cast<double>(windowCorrect) / static_cast<double>(windowCount));
      windowLoss = 0;
      windowCorrect = windowCount = windowSteps = 0;
    }
    sink.progress(static_cast<double>(step) / static_cast<double>(trainer.totalSteps()),
                  "supernet epoch " + std::to_string(epoch + 1) + "/" + std::to_string(config.epochs));
    if (hooks.checkpoint && !trainer.done() && (epochEnded || step % std::max<std::int64_t>(1, hooks.checkpointEvery) == 0))
      hooks.checkpoint(checkpoint());
  }
  return checkpoint();
}

}  // namespace nas
