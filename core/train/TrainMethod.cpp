// TrainMethod::run: data, network, trainer, the resumable loop, and the workspace writes.
#include "train/TrainMethod.h"

#include <torch/torch.h>

#include <chrono>

#include "common/Error.h"
#include "common/Log.h"
#include "data/DatasetLoader.h"
#include "data/Split.h"
#include "nn/Nb201Network.h"
#include "train/Nb201Run.h"
#include "store/Workspace.h"
#include "train/MlInfo.h"
#include "train/Trainer.h"

namespace nas {
namespace {

constexpr int kMetricEvery = 20;  // batches per train_loss / train_accuracy point

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// What survives a restart besides the trainer's own state: the caller's counters and the
// last epoch's accuracies, kept as JSON in the checkpoint's `extra` string.
struct Progress {
  double trainSeconds = 0;    // time inside training steps only
  std::int64_t trainImages = 0;
  double seconds = 0;         // wall time of earlier runs of this job
  double valAccuracy = -1, testAccuracy = -1;
  bool resumed = false;
  // The train_loss / train_accuracy window so far: a checkpoint mid-window keeps it, so a
  // resumed run writes the same points as an uninterrupted one (issue 19's soak test).
  double windowLoss = 0;
  std::int64_t windowCorrect = 0, windowCount = 0, windowBatches = 0;

  std::string dump() const {
    return Json{{"train_seconds", trainSeconds},  {"train_images", trainImages},    {"seconds", seconds},
                {"val_accuracy", valAccuracy},    {"test_accuracy", testAccuracy},  {"window_loss", windowLoss},
                {"window_correct", windowCorrect}, {"window_count", windowCount}, {"window_batches", windowBatches}}
        .dump();
  }
  void load(const std::string& text) {
    const Json j = parseJson(text, "train checkpoint");
    trainSeconds = jsonValue<double>(j, "train_seconds", 0);
    trainImages = jsonValue<std::int64_t>(j, "train_images", 0);
    seconds = jsonValue<double>(j, "seconds", 0);
    valAccuracy = jsonValue<double>(j, "val_accuracy", -1);
    testAccuracy = jsonValue<double>(j, "test_accuracy", -1);
    windowLoss = jsonValue<double>(j, "window_loss", 0);
    windowCorrect = jsonValue<std::int64_t>(j, "window_correct", 0);
    windowCount = jsonValue<std::int64_t>(j, "window_count", 0);
    windowBatches = jsonValue<std::int64_t>(j, "window_batches", 0);
  }
};

}  // namespace

Json TrainMethod::run(JobContext& ctx) const {
  const auto started = Clock::now();
  const Json p = schema().resolve(ctx.params());
  const Nb201Cell cell = Nb201Cell::parse(p.at("arch").get<std::string>());
  const std::string datasetName = p.at("dataset").get<std::string>();
  const std::string dataDir = p.at("data_dir").get<std::string>();
  const auto epochs = p.at("epochs").get<std::int64_t>();
  const auto seed = p.at("seed").get<std::int64_t>();
  const auto checkpointEvery = p.at("checkpoint_every").get<std::int64_t>();
  const int threads = setTorchThreads(p.at("threads").get<int>());
  const torch::Device device = selectDevice(p.at("device").get<std::string>() == "cuda");
  if (p.at("device").get<std::string>() == "cuda" && device.is_cpu())
    ctx.sink().log("CUDA requested but not available: training on the CPU");

  // ---- data
  ctx.sink().progress(0.0, "loading " + datasetName);
  ImageDataset all = loadImageDataset(datasetName, dataDir, true).head(p.at("train_limit").get<std::int64_t>());
  const TrainValSplit split = splitTrainVal(all, p.at("val_fraction").get<double>(), static_cast<std::uint64_t>(seed));
  const ImageDataset test = loadImageDataset(datasetName, dataDir, false);

  // ---- network
  const Nb201MacroConfig macro = nb201MacroFor(all, p.at("channels").get<int>(), p.at("cells").get<int>());
  const CostCounts cost = nb201Cost(cell, macro);

  TrainerOptions o;
  o.lr = p.at("lr").get<double>();
  o.momentum = p.at("momentum").get<double>();
  o.nesterov = p.at("nesterov").get<bool>();
  o.weightDecay = p.at("weight_decay").get<double>();
  o.labelSmoothing = p.at("label_smoothing").get<double>();
  o.epochs = epochs;
  o.batchSize = p.at("batch_size").get<std::int64_t>();
  if (p.at("augment").get<bool>()) o.augment = {defaultCropPadding(all.height()), true};
  o.seed = static_cast<std::uint64_t>(seed);
  o.device = device;
  // Seeds the initialisation (overwritten on resume) and builds the network and its trainer.
  Nb201Run run = makeNb201Run(cell, macro, static_cast<std::uint64_t>(seed), split.train, o);
  Trainer& trainer = *run.trainer;
  const std::int64_t params = countParameters(*run.net);
  if (params != cost.params)
    log::warn("train: built network has " + std::to_string(params) + " parameters, nb201Cost says " +
              std::to_string(cost.params));

  Progress prog;
  if (auto bytes = ctx.loadCheckpoint()) {
    prog.load(trainer.restore(*bytes));
    prog.resumed = true;
    ctx.sink().log("resumed at epoch " + std::to_string(trainer.position().epoch + 1) + ", batch " +
                   std::to_string(trainer.position().batch));
  }
  auto saveCheckpoint = [&] {
    Progress now = prog;
    now.seconds = prog.seconds + secondsSince(started);
    ctx.saveCheckpoint(trainer.checkpoint(now.dump()));
  };
  ctx.sink().log("train: " + cell.toString() + " on " + datasetName + " (" + std::to_string(split.train.size()) +
                 " train / " + std::to_string(split.val.size()) + " val / " + std::to_string(test.size()) +
                 " test), " + std::to_string(params) + " params, " + std::to_string(threads) + " threads, " +
                 device.str());

  // ---- the loop: one batch at a time, so cancel and checkpoints land between batches
  double& windowLoss = prog.windowLoss;
  std::int64_t &windowCorrect = prog.windowCorrect, &windowCount = prog.windowCount, &windowBatches = prog.windowBatches;
  while (!trainer.done()) {
    if (ctx.cancelled()) {
      saveCheckpoint();  // resume continues from exactly this batch
      throw Error(ErrorCode::Cancelled, "training cancelled at epoch " + std::to_string(trainer.position().epoch + 1) +
                                            ", batch " + std::to_string(trainer.position().batch));
    }
    const std::int64_t epoch = trainer.position().epoch;
    const auto t0 = Clock::now();
    const StepResult r = trainer.step();
    prog.trainSeconds += secondsSince(t0);
    prog.trainImages += r.count;

    windowLoss += r.loss;
    windowCorrect += r.correct;
    windowCount += r.count;
    ++windowBatches;
    const std::int64_t step = trainer.globalStep();  // batches done so far
    if (windowBatches == kMetricEvery || trainer.position().epoch != epoch) {
      ctx.sink().metric("train_loss", step, windowLoss / static_cast<double>(windowBatches));
      ctx.sink().metric("train_accuracy", step, static_cast<double>(windowCorrect) / static_cast<double>(windowCount));
      windowLoss = 0;
      windowCorrect = windowCount = windowBatches = 0;
    }
    const std::string stage = "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs);
    ctx.sink().progress(static_cast<double>(step) / static_cast<double>(trainer.totalSteps()), stage);

    if (trainer.position().epoch != epoch) {  // the epoch just ended
      ctx.sink().progress(static_cast<double>(step) / static_cast<double>(trainer.totalSteps()), stage + " evaluating");
      ctx.sink().metric("lr", epoch + 1, r.lr);
      if (split.val.size() > 0) {
        prog.valAccuracy = trainer.evaluate(split.val).accuracy;
        ctx.sink().metric("val_accuracy", epoch + 1, prog.valAccuracy);
      }
      prog.testAccuracy = trainer.evaluate(test).accuracy;
      ctx.sink().metric("test_accuracy", epoch + 1, prog.testAccuracy);
      saveCheckpoint();
    } else if (trainer.position().batch % checkpointEvery == 0) {
      saveCheckpoint();
    }
  }
  if (prog.testAccuracy < 0) prog.testAccuracy = trainer.evaluate(test).accuracy;  // a checkpoint from before
  if (prog.valAccuracy < 0 && split.val.size() > 0) prog.valAccuracy = trainer.evaluate(split.val).accuracy;

  // ---- results into the workspace, in one transaction
  Workspace& ws = ctx.workspace();
  ws.transaction([&] {
    // An architecture row carries the space's reference cost (the benchmark's network: C=16,
    // N=5, 3x32x32, 10 classes), whoever writes it first; this run's own network cost is in
    // the result (params, flops).
    const CostCounts reference = nb201Cost(cell);
    const ArchId arch = ws.upsertArchitecture("nb201", cell.toString(), reference.flops, reference.params);
    std::vector<EvaluationRecord> evals;
    auto add = [&](const char* metric, double value) {
      EvaluationRecord e;
      e.archId = arch;
      e.jobId = ctx.jobId();
      e.source = "trained";
      e.dataset = datasetName;
      e.metric = metric;
      e.value = value;
      evals.push_back(e);
    };
    add("test_accuracy", prog.testAccuracy);
    if (prog.valAccuracy >= 0) add("val_accuracy", prog.valAccuracy);
    ws.addEvaluations(evals);
  });
  ctx.sink().progress(1.0, "done");

  Json result;
  result["test_accuracy"] = prog.testAccuracy;
  result["val_accuracy"] = prog.valAccuracy >= 0 ? Json(prog.valAccuracy) : Json(nullptr);
  result["train_images_per_s"] =
      prog.trainSeconds > 0 ? static_cast<double>(prog.trainImages) / prog.trainSeconds : 0.0;
  result["params"] = params;
  result["flops"] = cost.flops;
  result["epochs"] = epochs;
  result["arch"] = cell.toString();
  result["seconds"] = prog.seconds + secondsSince(started);
  result["dataset"] = datasetName;
  result["train_images"] = prog.trainImages;
  result["resumed"] = prog.resumed;
  return result;
}

}  // namespace nas
