// TrainMethod::run in phases: the parameters read once (TrainJob), the data, the network and
// trainer, the resumable loop, and the workspace writes.
#include "train/TrainMethod.h"

#include <torch/torch.h>

#include <chrono>
#include <functional>

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

// The job's parameters, read once. The trainer's options wait for the data (augmentation
// pads by the images' size).
struct TrainJob {
  Nb201Cell cell;
  std::string dataset, dataDir;
  std::int64_t epochs = 0, seed = 0, checkpointEvery = 0, trainLimit = 0;
  double valFraction = 0;
  int channels = 0, cells = 0, threads = 1;
  bool augment = false;
  torch::Device device = torch::kCPU;
  TrainerOptions options;

  TrainJob(const Json& p, ProgressSink& sink) : cell(Nb201Cell::parse(p.at("arch").get<std::string>())) {
    dataset = p.at("dataset").get<std::string>();
    dataDir = p.at("data_dir").get<std::string>();
    epochs = p.at("epochs").get<std::int64_t>();
    seed = p.at("seed").get<std::int64_t>();
    checkpointEvery = p.at("checkpoint_every").get<std::int64_t>();
    trainLimit = p.at("train_limit").get<std::int64_t>();
    valFraction = p.at("val_fraction").get<double>();
    channels = p.at("channels").get<int>();
    cells = p.at("cells").get<int>();
    threads = setTorchThreads(p.at("threads").get<int>());
    device = selectDevice(p.at("device").get<std::string>() == "cuda");
    if (p.at("device").get<std::string>() == "cuda" && device.is_cpu())
      sink.log("CUDA requested but not available: training on the CPU");
    options.lr = p.at("lr").get<double>();
    options.momentum = p.at("momentum").get<double>();
    options.nesterov = p.at("nesterov").get<bool>();
    options.weightDecay = p.at("weight_decay").get<double>();
    options.labelSmoothing = p.at("label_smoothing").get<double>();
    options.epochs = epochs;
    options.batchSize = p.at("batch_size").get<std::int64_t>();
    augment = p.at("augment").get<bool>();
    options.seed = static_cast<std::uint64_t>(seed);
    options.device = device;
  }
};

struct TrainData {
  ImageDataset all;  // the training images used (train_limit), before the validation split
  TrainValSplit split;
  ImageDataset test;
};

TrainData loadData(const TrainJob& job, ProgressSink& sink) {
  sink.progress(0.0, "loading " + job.dataset);
  TrainData d;
  d.all = loadImageDataset(job.dataset, job.dataDir, true).head(job.trainLimit);
  d.split = splitTrainVal(d.all, job.valFraction, static_cast<std::uint64_t>(job.seed));
  d.test = loadImageDataset(job.dataset, job.dataDir, false);
  return d;
}

// One batch at a time, so cancel and checkpoints land between batches: train_loss and
// train_accuracy every kMetricEvery batches (and at an epoch's end), lr and the accuracies
// per epoch, a checkpoint per epoch and every checkpoint_every batches.
void trainLoop(const TrainJob& job, const TrainData& data, Trainer& trainer, Progress& prog, JobContext& ctx,
               const std::function<void()>& saveCheckpoint) {
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

    prog.windowLoss += r.loss;
    prog.windowCorrect += r.correct;
    prog.windowCount += r.count;
    ++prog.windowBatches;
    const std::int64_t step = trainer.globalStep();  // batches done so far
    if (prog.windowBatches == kMetricEvery || trainer.position().epoch != epoch) {
      ctx.sink().metric("train_loss", step, prog.windowLoss / static_cast<double>(prog.windowBatches));
      ctx.sink().metric("train_accuracy", step,
                        static_cast<double>(prog.windowCorrect) / static_cast<double>(prog.windowCount));
      prog.windowLoss = 0;
      prog.windowCorrect = prog.windowCount = prog.windowBatches = 0;
    }
    const std::string stage = "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(job.epochs);
    ctx.sink().progress(static_cast<double>(step) / static_cast<double>(trainer.totalSteps()), stage);

    if (trainer.position().epoch != epoch) {  // the epoch just ended
      ctx.sink().progress(static_cast<double>(step) / static_cast<double>(trainer.totalSteps()), stage + " evaluating");
      ctx.sink().metric("lr", epoch + 1, r.lr);
      if (data.split.val.size() > 0) {
        prog.valAccuracy = trainer.evaluate(data.split.val).accuracy;
        ctx.sink().metric("val_accuracy", epoch + 1, prog.valAccuracy);
      }
      prog.testAccuracy = trainer.evaluate(data.test).accuracy;
      ctx.sink().metric("test_accuracy", epoch + 1, prog.testAccuracy);
      saveCheckpoint();
    } else if (trainer.position().batch % job.checkpointEvery == 0) {
      saveCheckpoint();
    }
  }
  if (prog.testAccuracy < 0) prog.testAccuracy = trainer.evaluate(data.test).accuracy;  // a checkpoint from before
  if (prog.valAccuracy < 0 && data.split.val.size() > 0) prog.valAccuracy = trainer.evaluate(data.split.val).accuracy;
}

// The architecture and its accuracies, in one transaction. An architecture row carries the
// space's reference cost (the benchmark's network: C=16, N=5, 3x32x32, 10 classes), whoever
// writes it first; this run's own network cost is in the result (params, flops).
void recordEvaluations(Workspace& ws, JobId jobId, const TrainJob& job, const Progress& prog) {
  ws.transaction([&] {
    const CostCounts reference = nb201Cost(job.cell);
    const ArchId arch = ws.upsertArchitecture("nb201", job.cell.toString(), reference.flops, reference.params);
    std::vector<EvaluationRecord> evals;
    auto add = [&](const char* metric, double value) {
      EvaluationRecord e;
      e.archId = arch;
      e.jobId = jobId;
      e.source = "trained";
      e.dataset = job.dataset;
      e.metric = metric;
      e.value = value;
      evals.push_back(e);
    };
    add("test_accuracy", prog.testAccuracy);
    if (prog.valAccuracy >= 0) add("val_accuracy", prog.valAccuracy);
    ws.addEvaluations(evals);
  });
}

}  // namespace

Json TrainMethod::run(JobContext& ctx) const {
  const auto started = Clock::now();
  const TrainJob job(schema().resolve(ctx.params()), ctx.sink());
  const TrainData data = loadData(job, ctx.sink());

  // ---- network and trainer
  const Nb201MacroConfig macro = nb201MacroFor(data.all, job.channels, job.cells);
  const CostCounts cost = nb201Cost(job.cell, macro);
  TrainerOptions o = job.options;
  if (job.augment) o.augment = {defaultCropPadding(data.all.height()), true};
  // Seeds the initialisation (overwritten on resume) and builds the network and its trainer.
  Nb201Run run = makeNb201Run(job.cell, macro, static_cast<std::uint64_t>(job.seed), data.split.train, o);
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
  ctx.sink().log("train: " + job.cell.toString() + " on " + job.dataset + " (" +
                 std::to_string(data.split.train.size()) + " train / " + std::to_string(data.split.val.size()) +
                 " val / " + std::to_string(data.test.size()) + " test), " + std::to_string(params) + " params, " +
                 std::to_string(job.threads) + " threads, " + job.device.str());

  trainLoop(job, data, trainer, prog, ctx, saveCheckpoint);
  recordEvaluations(ctx.workspace(), ctx.jobId(), job, prog);
  ctx.sink().progress(1.0, "done");

  Json result;
  result["test_accuracy"] = prog.testAccuracy;
  result["val_accuracy"] = prog.valAccuracy >= 0 ? Json(prog.valAccuracy) : Json(nullptr);
  result["train_images_per_s"] =
      prog.trainSeconds > 0 ? static_cast<double>(prog.trainImages) / prog.trainSeconds : 0.0;
  result["params"] = params;
  result["flops"] = cost.flops;
  result["epochs"] = job.epochs;
  result["arch"] = job.cell.toString();
  result["seconds"] = prog.seconds + secondsSince(started);
  result["dataset"] = job.dataset;
  result["train_images"] = prog.trainImages;
  result["resumed"] = prog.resumed;
  return result;
}

}  // namespace nas
