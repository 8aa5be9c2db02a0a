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
#include "train/DistGroup.h"
#include "train/DistributedJob.h"
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
  DeviceChoice device;
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
    device = deviceFromParams(p, &sink, "train");
    options.lr = p.at("lr").get<double>();
    options.momentum = p.at("momentum").get<double>();
    options.nesterov = p.at("nesterov").get<bool>();
    options.weightDecay = p.at("weight_decay").get<double>();
    options.labelSmoothing = p.at("label_smoothing").get<double>();
    options.epochs = epochs;
    options.batchSize = p.at("batch_size").get<std::int64_t>();
    augment = p.at("augment").get<bool>();
    options.seed = static_cast<std::uint64_t>(seed);
    options.device = device.device;
    options.precision = parsePrecision(p.at("precision").get<std::string>());
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
// In a data-parallel run only rank 0 (`writer`) evaluates, reports and checkpoints; the other
// ranks meet it in the next step's collectives.
void trainLoop(const TrainJob& job, const TrainData& data, Trainer& trainer, Progress& prog, ProgressSink& sink,
               const std::function<bool()>& cancelled, bool writer, const std::function<void()>& saveCheckpoint,
               DistGroup* group) {
  while (!trainer.done()) {
    // In a data-parallel run every rank stops here at the same step, one step after rank 0's
    // cancel (stopBeforeStep); the other ranks' Cancelled ends them quietly.
    if (stopBeforeStep(group, cancelled())) {
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
    if (!writer) continue;
    if (prog.windowBatches == kMetricEvery || trainer.position().epoch != epoch) {
      sink.metric("train_loss", step, prog.windowLoss / static_cast<double>(prog.windowBatches));
      sink.metric("train_accuracy", step,
                        static_cast<double>(prog.windowCorrect) / static_cast<double>(prog.windowCount));
      prog.windowLoss = 0;
      prog.windowCorrect = prog.windowCount = prog.windowBatches = 0;
    }
    const std::string stage = "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(job.epochs);
    sink.progress(static_cast<double>(step) / static_cast<double>(trainer.totalSteps()), stage);

    if (trainer.position().epoch != epoch) {  // the epoch just ended
      sink.progress(static_cast<double>(step) / static_cast<double>(trainer.totalSteps()), stage + " evaluating");
      sink.metric("lr", epoch + 1, r.lr);
      if (data.split.val.size() > 0) {
        prog.valAccuracy = trainer.evaluate(data.split.val).accuracy;
        sink.metric("val_accuracy", epoch + 1, prog.valAccuracy);
      }
      prog.testAccuracy = trainer.evaluate(data.test).accuracy;
      sink.metric("test_accuracy", epoch + 1, prog.testAccuracy);
      saveCheckpoint();
    } else if (trainer.position().batch % job.checkpointEvery == 0) {
      saveCheckpoint();
    }
  }
  if (!writer) return;
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
      evals.push_back(EvaluationRecord::of(arch, jobId, "trained", job.dataset, metric, value));
    };
    add("test_accuracy", prog.testAccuracy);
    if (prog.valAccuracy >= 0) add("val_accuracy", prog.valAccuracy);
    ws.addEvaluations(evals);
  });
}

// The job on one rank. `ctx` is the job's context on rank 0 (or in a one-process run) and
// nullptr on the other ranks, which read nothing from and write nothing to the workspace.
Json runTraining(const Json& resolved, JobContext* ctx, ProgressSink& sink, const std::function<bool()>& cancelled,
                 const std::shared_ptr<DistGroup>& group) {
  const auto started = Clock::now();
  const bool writer = ctx != nullptr;
  const TrainJob job(resolved, sink);
  const TrainData data = loadData(job, sink);

  // ---- network and trainer
  const Nb201MacroConfig macro = nb201MacroFor(data.all, job.channels, job.cells);
  const CostCounts cost = nb201Cost(job.cell, macro);
  TrainerOptions o = job.options;
  if (job.augment) o.augment = {defaultCropPadding(data.all.height()), true};
  o.group = group;
  o.device = job.device.forRanks(group != nullptr);
  // Seeds the initialisation (overwritten on resume) and builds the network and its trainer.
  Nb201Run run = makeNb201Run(job.cell, macro, static_cast<std::uint64_t>(job.seed), data.split.train, o);
  Trainer& trainer = *run.trainer;
  const std::int64_t params = countParameters(*run.net);
  if (params != cost.params)
    log::warn("train: built network has " + std::to_string(params) + " parameters, nb201Cost says " +
              std::to_string(cost.params));

  Progress prog;
  // Every rank resumes from rank 0's checkpoint: rank 0 reads it and sends the bytes.
  std::string bytes;
  if (writer)
    if (auto stored = ctx->loadCheckpoint()) bytes = *stored;
  if (group) bytes = group->broadcastBytes(bytes);
  if (!bytes.empty()) {
    prog.load(trainer.restore(bytes));
    prog.resumed = true;
    sink.log("resumed at epoch " + std::to_string(trainer.position().epoch + 1) + ", batch " +
             std::to_string(trainer.position().batch));
  }
  auto saveCheckpoint = [&] {
    if (!writer) return;
    Progress now = prog;
    now.seconds = prog.seconds + secondsSince(started);
    ctx->saveCheckpoint(trainer.checkpoint(now.dump()));
  };
  const int ranks = group ? group->worldSize() : 1;
  sink.log("train: " + job.cell.toString() + " on " + job.dataset + " (" + std::to_string(data.split.train.size()) +
           " train / " + std::to_string(data.split.val.size()) + " val / " + std::to_string(data.test.size()) +
           " test), " + std::to_string(params) + " params, " + std::to_string(job.threads) + " threads, " +
           o.device.str() + (o.precision == Precision::Bf16 ? ", bf16 autocast" : "") +
           (ranks > 1 ? ", " + std::to_string(ranks) + " data-parallel ranks (Gloo)" : ""));

  trainLoop(job, data, trainer, prog, sink, cancelled, writer, saveCheckpoint, group.get());
  const double spread = group ? parameterSpread(*group, run.net->parameters()) : 0.0;
  if (!writer) return Json::object();
  recordEvaluations(ctx->workspace(), ctx->jobId(), job, prog);
  sink.progress(1.0, "done");

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
  result["ranks"] = ranks;
  result["rank_param_max_diff"] = spread;
  result["precision"] = precisionName(o.precision);
  result["device"] = o.device.str();  // where it trained ("cpu", "cuda:0"), so the workspace says so
  return result;
}

}  // namespace

Json TrainMethod::run(JobContext& ctx) const {
  const Json resolved = schema().resolve(ctx.params());
  std::shared_ptr<DistGroup> group = processDistGroup();
  // The other ranks wait for the job's parameters (followDistributedJob below).
  if (group) group->broadcastBytes(Json{{"method", name()}, {"params", resolved}}.dump());
  return runTraining(resolved, &ctx, ctx.sink(), [&ctx] { return ctx.cancelled(); }, group);
}

std::optional<std::string> followDistributedJob(const std::function<const MethodRegistry&()>& methods) {
  const std::shared_ptr<DistGroup> group = processDistGroup();
  if (!group || group->rank() == 0) return std::nullopt;
  const Json spec = parseJson(group->broadcastBytes({}), "rank 0's job");
  const std::string method = jsonValue<std::string>(spec, "method", "");
  try {
    if (method != "train") {
      // A method with data-parallel phases (train/DistributedJob.h: sgnas, agnet's supernet).
      const Method* m = methods().find(method);
      if (m && followDistributedPhases(spec, group, *m)) return method;
      throw Error(ErrorCode::Unsupported, "method '" + method + "' does not train data-parallel", "WORLD_SIZE");
    }
    NullProgressSink sink;
    runTraining(spec.at("params"), nullptr, sink, [] { return false; }, group);
  } catch (const Error& e) {
    // Rank 0's job was cancelled: every rank stopped at the same step (stopBeforeStep); rank 0
    // records the outcome, this rank just ends.
    if (e.code() != ErrorCode::Cancelled || !group->stopRequested()) throw;
    log::info("rank " + std::to_string(group->rank()) + ": rank 0 stopped the job (" + e.message() + ")");
  }
  return method;
}

}  // namespace nas
