// The sgnas job's phases (SgnasRun.h).
#include "SgnasRun.h"

#include <torch/torch.h>

#include "SgnasLatency.h"
#include "SgnasLiveGenerator.h"
#include "SgnasMethod.h"
#include "SgnasRecipe.h"
#include "common/Error.h"
#include "data/DatasetLoader.h"
#include "store/Workspace.h"
#include "train/DistGroup.h"
#include "train/DistributedJob.h"
#include "train/MlInfo.h"

namespace nas::sgnas {
namespace {

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

constexpr int kMetricEvery = 10;  // steps per loss point
const char* kPhaseNames[] = {"supernet", "generator", "evaluate"};
// Shares of the job's progress bar: supernet training dominates the time.
constexpr double kPhaseStart[] = {0.0, 0.6, 0.9}, kPhaseShare[] = {0.6, 0.3, 0.1};

[[noreturn]] void throwCancelled(const std::string& where) {
  throw Error(ErrorCode::Cancelled, "sgnas cancelled during " + where);
}

}  // namespace

SgnasJob::SgnasJob(const ParamSchema& schema, const Json& given)
    : params(applyRecipe(schema.resolve(given), schema.resolve(Json::object()))) {
  const Json& p = params;
  auto I = [&](const char* k) { return p.at(k).get<std::int64_t>(); };
  auto D = [&](const char* k) { return p.at(k).get<double>(); };
  auto S = [&](const char* k) { return p.at(k).get<std::string>(); };
  threads = setTorchThreads(static_cast<int>(I("threads")));
  seed = static_cast<std::uint64_t>(I("seed"));
  dataset = S("dataset");
  preset = S("preset");
  dataDir = S("data_dir");
  constraints = S("constraints");
  latencyProfile = S("latency_profile");
  recipe = S("recipe");
  trainLimit = I("train_limit");
  evalImages = I("eval_images");
  supernetFromJob = I("supernet_from_job");
  checkpointEvery = I("checkpoint_every");
  poolSize = static_cast<int>(I("pool_size"));
  heldoutRandomTargets = static_cast<int>(I("heldout_random_targets"));
  valFraction = D("val_fraction");
  decodeSamples = static_cast<int>(I("decode_samples"));
  decodeTolerance = D("decode_tolerance");

  supernet.epochs = I("supernet_epochs");
  supernet.batchSize = I("batch_size");
  supernet.pathsPerStep = static_cast<int>(I("paths_per_step"));
  supernet.minExpansion = static_cast<int>(I("min_expansion"));
  supernet.group0Always = p.at("supernet_group0_active").get<bool>();
  supernet.lr = D("lr");
  supernet.momentum = D("momentum");
  supernet.weightDecay = D("weight_decay");
  supernet.labelSmoothing = D("label_smoothing");
  supernet.seed = seed;

  generator = generatorTrainOptions(p);

  eval.targets = static_cast<int>(I("eval_targets"));
  eval.randomPerTarget = static_cast<int>(I("random_per_target"));
  eval.accuracy.calibrationBatches = static_cast<int>(I("calibration_batches"));
  eval.accuracy.seed = seed;
  eval.seed = seed;
}

SgnasData loadData(const SgnasJob& job, Workspace& ws, ProgressSink& sink) {
  sink.progress(0.0, "loading " + job.dataset);
  SgnasData d;
  d.all = loadImageDataset(job.dataset, job.dataDir, true).head(job.trainLimit);
  d.space = spacePreset(job.preset, static_cast<int>(d.all.classes));
  const SgnasSpace& space = d.space;
  if (d.all.channels() != space.inputChannels || d.all.height() != space.inputSize || d.all.width() != space.inputSize)
    throw Error(ErrorCode::InvalidArgument,
                "expects " + std::to_string(space.inputChannels) + "x" + std::to_string(space.inputSize) + "x" +
                    std::to_string(space.inputSize) + " images, dataset '" + job.dataset + "' has " +
                    std::to_string(d.all.channels()) + "x" + std::to_string(d.all.height()) + "x" +
                    std::to_string(d.all.width()),
                "preset '" + job.preset + "'");
  d.split = splitTrainVal(d.all, job.valFraction, job.seed);
  d.test = loadImageDataset(job.dataset, job.dataDir, false).head(job.evalImages);
  d.norm = datasetNormalization(job.dataset, d.all.channels());

  GeneratorSetup& setup = d.setup;
  setup.space = space;
  setup.table = buildCostTable(space);
  if (job.constraints.find("latency") != std::string::npos || !job.latencyProfile.empty())
    setup.table.latency = loadLatencyCostTable(ws, space, job.latencyProfile);
  setup.constraints = makeConstraints(space, setup.table, job.constraints);
  setup.pool = buildPriorPool(space, setup.table, job.poolSize, Rng::derive(job.seed, 0x9001));
  setup.config.layers = space.numLayers();
  setup.config.groups = space.groups;
  setup.config.constraints = static_cast<int>(setup.constraints.size());
  setup.config.decodeSamples = job.decodeSamples;
  setup.config.decodeTolerance = job.decodeTolerance;
  return d;
}

SgnasRun::SgnasRun(JobContext& ctx, const SgnasJob& job, const SgnasData& data, Clock::time_point started)
    : ctx_(ctx), job_(job), data_(data), ws_(ctx.workspace()), sink_(ctx.sink()), started_(started) {
  torch::manual_seed(job.seed);  // initialisation; replaced by the checkpoint's weights on resume
  net_ = SgnasSupernet(data.space);
  device_ = deviceFromParams(job.params, &sink_, "sgnas supernet");
  if (auto bytes = ctx.loadCheckpoint()) {
    ck_ = SgnasCheckpoint::load(*bytes);
    moduleFromBytes(*net_, ck_.supernet, "sgnas checkpoint supernet");
    resumed_ = true;
    sink_.log(std::string("resumed in phase ") + kPhaseNames[ck_.phase]);
  }
  if (!ck_.state.contains("phase_seconds"))
    ck_.state["phase_seconds"] = {{"supernet", 0.0}, {"generator", 0.0}, {"evaluate", 0.0}};
  earlierSeconds_ = jsonValue<double>(ck_.state, "seconds", 0.0);
}

void SgnasRun::save(const std::string& trainerState) {
  ck_.supernet = moduleToBytes(*net_);
  ck_.trainer = trainerState;
  ck_.state["seconds"] = earlierSeconds_ + secondsSince(started_);
  ctx_.saveCheckpoint(ck_.save());
}

std::function<void()> SgnasRun::phaseClock(int phase) {
  const double base = ck_.state["phase_seconds"][kPhaseNames[phase]].get<double>();
  const auto t0 = Clock::now();
  return [this, phase, base, t0] { ck_.state["phase_seconds"][kPhaseNames[phase]] = base + secondsSince(t0); };
}

void SgnasRun::logStart(const CostRange& range) const {
  const SgnasSpace& space = data_.space;
  sink_.log("sgnas: preset " + job_.preset + " (" + std::to_string(space.numLayers()) + " layers, G=" +
            std::to_string(space.groups) + "), FLOPs " + std::to_string(range.min.flops) + ".." +
            std::to_string(range.max.flops) + " MACs, params " + std::to_string(range.min.params) + ".." +
            std::to_string(range.max.params) + "; " + std::to_string(data_.split.train.size()) + " train / " +
            std::to_string(data_.split.val.size()) + " held out / " + std::to_string(data_.test.size()) +
            " eval images, " + std::to_string(job_.threads) + " threads");
}

void SgnasRun::takeSupernet(JobId from) {
  const auto bytes = ws_.artifact(from, "supernet", "supernet");
  if (!bytes) throw Error(ErrorCode::NotFound, "job has no trained supernet", "supernet_from_job " + std::to_string(from));
  SgnasSupernet other = loadSupernetArtifact(*bytes);
  if (other->space().toJson() != data_.space.toJson())
    throw Error(ErrorCode::InvalidArgument, "job " + std::to_string(from) + "'s supernet is for another space",
                "supernet_from_job");
  net_ = other;
  ws_.putArtifact(ctx_.jobId(), "supernet", "supernet", *bytes);
  sink_.log("supernet taken from job " + std::to_string(from));
  ck_.phase = kGeneratorPhase;
  save({});
}

void SgnasRun::trainSupernet() {
  SupernetTrainOptions so = job_.supernet;
  const std::shared_ptr<DistGroup> group = phases_ ? phases_->group() : nullptr;
  so.device = device_.forRanks(group != nullptr);
  if (group) {
    so.group = group;
    ranks_ = group->worldSize();
    phases_->announce(Json{{"phase", "supernet"}, {"params", ctx_.params()}}, /*last=*/true);
  }
  SupernetTrainer trainer(net_, data_.split.train, data_.norm, so);  // moves net_ to so.device
  std::string trainerState = ck_.trainer;
  if (group) trainerState = group->broadcastBytes(trainerState);  // every rank resumes from rank 0's
  if (!trainerState.empty()) trainer.restore(trainerState);
  supernetDevice_ = so.device.str();
  sink_.log("sgnas: supernet on " + so.device.str() +
            (group ? ", " + std::to_string(ranks_) + " data-parallel ranks (Gloo)" : std::string()));
  auto stamp = phaseClock(kSupernetPhase);
  const ImageDataset probe = data_.split.val.head(1000);
  AccuracyOptions probeOpts;
  probeOpts.calibrationBatches = 0;  // a cheap per-epoch signal, shared BN statistics
  // The loss window lives in the checkpoint: a run resumed mid-window writes the same points
  // as an uninterrupted one (issue 19's kill soak).
  double window = jsonValue<double>(ck_.state, "supernet_window_loss", 0.0);
  int n = static_cast<int>(jsonValue<std::int64_t>(ck_.state, "supernet_window_steps", 0));
  while (!trainer.done()) {
    // Every rank stops at the same step, one after rank 0's cancel (stopBeforeStep).
    if (stopBeforeStep(group.get(), ctx_.cancelled())) stamp(), save(trainer.state()), throwCancelled("supernet training");
    const std::int64_t epoch = trainer.position().epoch;
    const auto r = trainer.step();
    window += r.loss, ++n;
    const std::int64_t step = trainer.globalStep();
    const bool epochEnded = trainer.position().epoch != epoch;
    if (n == kMetricEvery || epochEnded) {
      sink_.metric("supernet_loss", step, window / n);
      sink_.metric("supernet_lr", step, r.lr);
      window = 0, n = 0;
    }
    ck_.state["supernet_window_loss"] = window;
    ck_.state["supernet_window_steps"] = n;
    const std::string stage = "supernet epoch " + std::to_string(epoch + 1) + "/" + std::to_string(so.epochs);
    sink_.progress(kPhaseShare[kSupernetPhase] * static_cast<double>(step) / static_cast<double>(trainer.totalSteps()),
                   stage);
    if (epochEnded) {
      const SgnasSpace& space = data_.space;
      const double accMax = pathAccuracy(net_, maximalArch(space), probe, data_.norm, data_.split.train, probeOpts);
      const double accMin = pathAccuracy(net_, minimalArch(space), probe, data_.norm, data_.split.train, probeOpts);
      sink_.metric("supernet_val_accuracy_max", epoch + 1, accMax);
      sink_.metric("supernet_val_accuracy_min", epoch + 1, accMin);
      ck_.state["supernet_accuracy_max"] = accMax;
      ck_.state["supernet_accuracy_min"] = accMin;
      sink_.log(stage + ": held-out accuracy " + std::to_string(accMin) + " (smallest) .. " + std::to_string(accMax) +
                " (largest)");
      stamp(), save(trainer.state());
    } else if (step % job_.checkpointEvery == 0) {
      stamp(), save(trainer.state());
    }
  }
  stamp();
  if (group) spread_ = parameterSpread(*group, net_->parameters());  // with followSgnasJob's call
  net_->to(torch::kCPU);  // the generator and the evaluation run on the CPU; artifacts load anywhere
  ws_.putArtifact(ctx_.jobId(), "supernet", "supernet", supernetArtifact(net_));
  ck_.phase = kGeneratorPhase;
  save({});
}

void SgnasRun::trainGenerator() {
  const GeneratorTrainOptions& go = job_.generator;
  torch::manual_seed(Rng::derive(job_.seed, 0x6e));  // generator initialisation
  GeneratorTrainer gt(net_, data_.setup, data_.split.val, data_.norm, go);
  if (!ck_.trainer.empty()) gt.restore(ck_.trainer);
  auto stamp = phaseClock(kGeneratorPhase);
  const Json w = ck_.state.value("generator_window", Json::array({0.0, 0.0, 0.0, 0}));  // as the supernet's
  double wLoss = w[0].get<double>(), wCe = w[1].get<double>(), wHc = w[2].get<double>();
  int n = w[3].get<int>();
  while (!gt.done()) {
    if (ctx_.cancelled()) stamp(), save(gt.state()), throwCancelled("generator training");
    const auto r = gt.step();
    wLoss += r.loss, wCe += r.ce, wHc += r.hc, ++n;
    const std::int64_t step = gt.globalStep();
    if (n == kMetricEvery || gt.epochFinished()) {
      sink_.metric("generator_loss", step, wLoss / n);
      sink_.metric("generator_ce", step, wCe / n);
      sink_.metric("generator_hc", step, wHc / n);
      wLoss = wCe = wHc = 0, n = 0;
    }
    ck_.state["generator_window"] = Json::array({wLoss, wCe, wHc, n});
    const std::string stage = "generator epoch " + std::to_string(gt.epoch() + 1) + "/" + std::to_string(go.epochs);
    sink_.progress(kPhaseStart[kGeneratorPhase] +
                       kPhaseShare[kGeneratorPhase] * static_cast<double>(step) / static_cast<double>(gt.totalSteps()),
                   stage);
    if (gt.epochFinished()) {
      const double tau = gt.tau();
      const auto e = gt.endEpoch();
      sink_.metric("hc_loss", gt.epoch(), e.score.hcLoss);
      sink_.metric("kendall_tau", gt.epoch(), e.score.kendallTau);
      sink_.metric("gumbel_tau", gt.epoch(), tau);
      if (go.selectionImages > 0) sink_.metric("selection_ce", gt.epoch(), e.score.ce);
      sink_.log(stage + ": selection hc loss " + std::to_string(e.score.hcLoss) +
                (go.selectionImages > 0 ? ", cross-entropy " + std::to_string(e.score.ce) : std::string()) +
                ", Kendall tau " + std::to_string(e.score.kendallTau) + (e.improved ? " (best so far)" : ""));
      stamp(), save(gt.state());
    } else if (step % job_.checkpointEvery == 0) {
      stamp(), save(gt.state());
    }
  }
  stamp();
  const Json extra{{"job", ctx_.jobId()}, {"best_hc_loss", gt.bestHcLoss()}, {"dataset", job_.dataset}};
  ws_.putArtifact(ctx_.jobId(), "generator", "best", generatorArtifact(data_.setup, gt.bestGenerator(), extra));
  ws_.putArtifact(ctx_.jobId(), "generator", "final",
                  generatorArtifact(data_.setup, moduleToBytes(*gt.generator()), extra));
  ck_.state["best_hc_loss"] = gt.bestHcLoss();
  ck_.phase = kEvaluatePhase;
  save({});
}

// Phase 3, redone as a whole on resume; it writes in one transaction at the end.
Evaluation SgnasRun::evaluate() {
  auto stamp = phaseClock(kEvaluatePhase);
  const auto bytes = ws_.artifact(ctx_.jobId(), "generator", "best");
  if (!bytes) throw Error(ErrorCode::NotFound, "generator artifact missing before evaluation", "sgnas");
  LoadedGenerator lg = loadGeneratorArtifact(*bytes);
  const EvalOptions& eo = job_.eval;
  for (auto& prm : net_->parameters()) prm.set_requires_grad(false);
  Evaluation ev;
  ev.summary = evaluateGenerator(lg.generator, lg.setup, net_, data_.test, data_.norm, data_.split.train, eo,
                                 [&](int i, int total) {
                                   if (ctx_.cancelled()) throwCancelled("evaluation");
                                   sink_.progress(kPhaseStart[kEvaluatePhase] + kPhaseShare[kEvaluatePhase] * i / total,
                                                  "evaluate " + std::to_string(i) + "/" + std::to_string(total));
                                 });
  writeEvaluations(ev.summary);
  writeEvalMetrics(ev.summary);
  // Constraint satisfaction on the targets model selection saw (in-sample: the evaluation grid
  // is the selection grid) and on targets it never saw (held out), reported apart.
  ev.inSample = constraintSatisfaction(ev.summary);
  size_t flopsIndex = 0;
  while (lg.setup.constraints[flopsIndex].name != "flops") ++flopsIndex;  // evaluateGenerator checked it exists
  ev.heldOut = constraintSatisfaction(
      lg.generator, lg.setup,
      heldOutTargets(lg.setup.constraints[flopsIndex], eo.targets, job_.heldoutRandomTargets, job_.seed));
  sink_.log("constraint within 5 %: " + std::to_string(ev.inSample.within5) + "/" +
            std::to_string(ev.inSample.targets.size()) + " selection targets (in-sample), " +
            std::to_string(ev.heldOut.within5) + "/" + std::to_string(ev.heldOut.targets.size()) +
            " held-out targets");
  stamp();
  return ev;
}

// The evaluated architectures, their evaluations and one sample each, in one transaction.
void SgnasRun::writeEvaluations(const EvalSummary& summary) {
  const JobId jobId = ctx_.jobId();
  const SgnasSpace& space = data_.space;
  const bool latency = static_cast<bool>(data_.setup.table.latency);
  ws_.transaction([&] {
    // A run killed after this commit and before the job finished wrote these rows already;
    // the evaluation is seeded, so this run's rows would be the same ones again (issue 19).
    if (!ws_.samples(jobId).empty()) return;
    std::vector<EvaluationRecord> evals;
    std::vector<SampleRecord> samples;
    auto add = [&](ArchId arch, const char* metric, double value) {
      evals.push_back(EvaluationRecord::of(arch, jobId, "supernet", job_.dataset, metric, value));
    };
    auto sample = [&](int round, ArchId arch, const Json& payload) {
      samples.push_back(SampleRecord::of(jobId, round, arch, payload.dump()));
    };
    int i = 0;
    for (const auto& r : summary.rows) {
      const ArchId g = ws_.upsertArchitecture("sgnas", archToString(space, r.generated.arch), r.generated.cost.flops,
                                              r.generated.cost.params);
      add(g, "supernet_val_accuracy", r.accuracy);
      add(g, "target_flops", r.target);
      if (latency) add(g, "latency_ms", r.generated.cost.latencyMs);  // for the Pareto views
      sample(i, g, {{"kind", "generated"}, {"target_flops", r.target}, {"error_pct", r.errorPct()}, {"accuracy", r.accuracy}});
      for (size_t k = 0; k < r.randoms.size(); ++k) {
        const ArchId a = ws_.upsertArchitecture("sgnas", archToString(space, r.randoms[k].arch),
                                                r.randoms[k].cost.flops, r.randoms[k].cost.params);
        add(a, "supernet_val_accuracy", r.randomAccuracy[k]);
        if (latency) add(a, "latency_ms", r.randoms[k].cost.latencyMs);
        sample(i, a, {{"kind", "random"}, {"target_flops", r.target}, {"accuracy", r.randomAccuracy[k]}});
      }
      ++i;
    }
    ws_.addEvaluations(evals);
    ws_.addSamples(samples);
  });
}

void SgnasRun::writeEvalMetrics(const EvalSummary& summary) {
  for (size_t i = 0; i < summary.rows.size(); ++i) {
    const auto step = static_cast<std::int64_t>(i);
    sink_.metric("eval_target_flops", step, summary.rows[i].target);
    sink_.metric("eval_flops", step, summary.rows[i].generated.cost.flops);
    sink_.metric("eval_accuracy", step, summary.rows[i].accuracy);
    if (!summary.rows[i].randomAccuracy.empty())
      sink_.metric("eval_random_accuracy", step, summary.rows[i].randomMean());
  }
}

Json SgnasRun::result(const Evaluation& e, const CostRange& range) const {
  Json result = e.summary.toJson(data_.space);
  result["in_sample"] = e.inSample.toJson();
  result["held_out"] = e.heldOut.toJson();
  result["recipe"] = job_.recipe;
  Json recipeParams = Json::object();
  for (const auto& entry : paperRecipe()) recipeParams[entry.key] = job_.params.at(entry.key);
  result["recipe_params"] = recipeParams;
  result["flops_range"] = {range.min.flops, range.max.flops};
  result["params_range"] = {range.min.params, range.max.params};
  result["constraints"] = job_.constraints;
  result["best_hc_loss"] = jsonValue<double>(ck_.state, "best_hc_loss", -1.0);
  result["supernet_accuracy_max"] = jsonValue<double>(ck_.state, "supernet_accuracy_max", -1.0);
  result["supernet_accuracy_min"] = jsonValue<double>(ck_.state, "supernet_accuracy_min", -1.0);
  result["phase_seconds"] = ck_.state.at("phase_seconds");
  result["seconds"] = earlierSeconds_ + secondsSince(started_);
  result["resumed"] = resumed_;
  result["threads"] = job_.threads;
  // Where the supernet trained in this run (a run resumed past it: the device asked for); the
  // generator and the evaluation ran on the CPU.
  result["device"] = supernetDevice_.empty() ? device_.name() : supernetDevice_;
  result["ranks"] = ranks_;
  result["rank_param_max_diff"] = spread_;
  result["preset"] = job_.preset;
  result["dataset"] = job_.dataset;
  return result;
}

}  // namespace nas::sgnas
