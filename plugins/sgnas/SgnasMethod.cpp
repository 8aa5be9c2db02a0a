// SgnasMethod::run: data, the three phases, checkpoints and the workspace writes.
#include "SgnasMethod.h"

#include "SgnasLatency.h"

#include <torch/torch.h>

#include <chrono>
#include <sstream>

#include "SgnasEvaluation.h"
#include "SgnasLiveGenerator.h"
#include "SgnasRecipe.h"
#include "common/Error.h"
#include "data/DatasetLoader.h"
#include "data/Split.h"
#include "store/Workspace.h"
#include "train/MlInfo.h"

namespace nas::sgnas {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

constexpr std::int64_t kFormat = 1;
constexpr int kMetricEvery = 10;  // steps per loss point
enum Phase : int { kSupernet = 0, kGenerator = 1, kEvaluate = 2 };
const char* kPhaseNames[] = {"supernet", "generator", "evaluate"};
// Shares of the job's progress bar: supernet training dominates the time.
constexpr double kPhaseStart[] = {0.0, 0.6, 0.9}, kPhaseShare[] = {0.6, 0.3, 0.1};

// The job's one checkpoint: the phase, small JSON state, the supernet's weights and the
// current phase's trainer state (empty at a phase boundary).
struct Checkpoint {
  int phase = kSupernet;
  Json state = Json::object();
  std::string supernet, trainer;

  std::string save() const {
    torch::serialize::OutputArchive a;
    a.write("format", c10::IValue(kFormat));
    a.write("phase", c10::IValue(static_cast<std::int64_t>(phase)));
    a.write("state", c10::IValue(state.dump()));
    a.write("supernet", bytesToTensor(supernet));
    a.write("trainer", bytesToTensor(trainer));
    std::ostringstream out(std::ios::binary);
    a.save_to(out);
    return out.str();
  }
  static Checkpoint load(const std::string& bytes) {
    const char* ctx = "sgnas checkpoint";
    Checkpoint c;
    try {
      torch::serialize::InputArchive a;
      std::istringstream in(bytes, std::ios::binary);
      a.load_from(in);
      c10::IValue format, phase, state;
      if (!a.try_read("format", format) || !format.isInt() || format.toInt() != kFormat)
        throw Error(ErrorCode::CorruptData, "not a supported checkpoint format", ctx);
      if (!a.try_read("phase", phase) || !phase.isInt() || phase.toInt() < kSupernet || phase.toInt() > kEvaluate)
        throw Error(ErrorCode::CorruptData, "bad phase", ctx);
      if (!a.try_read("state", state) || !state.isString()) throw Error(ErrorCode::CorruptData, "lacks its state", ctx);
      c.phase = static_cast<int>(phase.toInt());
      c.state = parseJson(state.toStringRef(), ctx);
      torch::Tensor s, t;
      a.read("supernet", s);
      a.read("trainer", t);
      c.supernet = tensorToBytes(s);
      c.trainer = tensorToBytes(t);
    } catch (const c10::Error& e) {
      throw Error(ErrorCode::CorruptData, std::string("unreadable: ") + e.what_without_backtrace(), ctx);
    }
    return c;
  }
};

[[noreturn]] void throwCancelled(const std::string& where) {
  throw Error(ErrorCode::Cancelled, "sgnas cancelled during " + where);
}

}  // namespace

std::unique_ptr<LiveGenerator> SgnasMethod::openGenerator(Workspace& ws, JobId job) const {
  return SgnasLiveGenerator::open(ws, job);
}

GeneratorTrainOptions generatorTrainOptions(const Json& p) {
  auto I = [&](const char* k) { return p.at(k).get<std::int64_t>(); };
  auto D = [&](const char* k) { return p.at(k).get<double>(); };
  auto S = [&](const char* k) { return p.at(k).get<std::string>(); };
  GeneratorTrainOptions go;
  go.epochs = I("generator_epochs");
  go.stepsPerEpoch = I("generator_steps");
  go.batchSize = I("generator_batch");
  go.targetsPerStep = static_cast<int>(I("targets_per_step"));
  go.hcTargetsPerStep = static_cast<int>(I("hc_targets_per_step"));
  go.lr = D("generator_lr");
  go.tau0 = D("tau0");
  go.tauDecay = D("tau_decay");
  go.hc.relative = S("hc_error") == "relative";
  go.hc.alpha = D("alpha");
  go.hc.penalty = D("penalty");
  go.hc.tolerance = D("tolerance");
  go.straightThroughCost = p.at("straight_through").get<bool>();
  go.labelSmoothing = D("label_smoothing");
  go.selectionTargets = static_cast<int>(I("eval_targets"));
  go.selectionImages = static_cast<int>(I("selection_images"));
  go.selectionMaxError = D("selection_max_error");
  go.seed = static_cast<std::uint64_t>(I("seed"));
  return go;
}

Json SgnasMethod::run(JobContext& ctx) const {
  const auto started = Clock::now();
  const ParamSchema schemaNow = schema();
  const Json p = applyRecipe(schemaNow.resolve(ctx.params()), schemaNow.resolve(Json::object()));
  auto I = [&](const char* k) { return p.at(k).get<std::int64_t>(); };
  auto D = [&](const char* k) { return p.at(k).get<double>(); };
  auto S = [&](const char* k) { return p.at(k).get<std::string>(); };
  const int threads = setTorchThreads(static_cast<int>(I("threads")));
  const auto seed = static_cast<std::uint64_t>(I("seed"));
  const std::string dataset = S("dataset"), preset = S("preset");
  Workspace& ws = ctx.workspace();
  ProgressSink& sink = ctx.sink();

  // ---- data and space
  sink.progress(0.0, "loading " + dataset);
  const ImageDataset all = loadImageDataset(dataset, S("data_dir"), true).head(I("train_limit"));
  SgnasSpace space = spacePreset(preset, static_cast<int>(all.classes));
  if (all.channels() != space.inputChannels || all.height() != space.inputSize || all.width() != space.inputSize)
    throw Error(ErrorCode::InvalidArgument,
                "expects " + std::to_string(space.inputChannels) + "x" + std::to_string(space.inputSize) + "x" +
                    std::to_string(space.inputSize) + " images, dataset '" + dataset + "' has " +
                    std::to_string(all.channels()) + "x" + std::to_string(all.height()) + "x" + std::to_string(all.width()),
                "preset '" + preset + "'");
  const TrainValSplit split = splitTrainVal(all, D("val_fraction"), seed);
  const ImageDataset test = loadImageDataset(dataset, S("data_dir"), false).head(I("eval_images"));
  const Normalization norm = datasetNormalization(dataset, all.channels());

  GeneratorSetup setup;
  setup.space = space;
  setup.table = buildCostTable(space);
  if (S("constraints").find("latency") != std::string::npos || !S("latency_profile").empty())
    setup.table.latency = loadLatencyCostTable(ws, space, S("latency_profile"));
  setup.constraints = makeConstraints(space, setup.table, S("constraints"));
  setup.pool = buildPriorPool(space, setup.table, static_cast<int>(I("pool_size")), Rng::derive(seed, 0x9001));
  setup.config.layers = space.numLayers();
  setup.config.groups = space.groups;
  setup.config.constraints = static_cast<int>(setup.constraints.size());
  setup.config.decodeSamples = static_cast<int>(I("decode_samples"));
  setup.config.decodeTolerance = D("decode_tolerance");

  torch::manual_seed(seed);  // initialisation; replaced by the checkpoint's weights on resume
  SgnasSupernet net(space);
  Checkpoint ck;
  bool resumed = false;
  if (auto bytes = ctx.loadCheckpoint()) {
    ck = Checkpoint::load(*bytes);
    moduleFromBytes(*net, ck.supernet, "sgnas checkpoint supernet");
    resumed = true;
    sink.log(std::string("resumed in phase ") + kPhaseNames[ck.phase]);
  }
  if (!ck.state.contains("phase_seconds")) ck.state["phase_seconds"] = {{"supernet", 0.0}, {"generator", 0.0}, {"evaluate", 0.0}};
  const double earlierSeconds = jsonValue<double>(ck.state, "seconds", 0.0);
  auto save = [&](const std::string& trainerState) {
    ck.supernet = moduleToBytes(*net);
    ck.trainer = trainerState;
    ck.state["seconds"] = earlierSeconds + secondsSince(started);
    ctx.saveCheckpoint(ck.save());
  };
  // Seconds of the current phase, accumulated across resumes.
  auto phaseClock = [&](int phase) {
    const double base = ck.state["phase_seconds"][kPhaseNames[phase]].get<double>();
    const auto t0 = Clock::now();
    return [&ck, phase, base, t0] { ck.state["phase_seconds"][kPhaseNames[phase]] = base + secondsSince(t0); };
  };
  const CostRange range = costRange(space);
  sink.log("sgnas: preset " + preset + " (" + std::to_string(space.numLayers()) + " layers, G=" +
           std::to_string(space.groups) + "), FLOPs " + std::to_string(range.min.flops) + ".." +
           std::to_string(range.max.flops) + " MACs, params " + std::to_string(range.min.params) + ".." +
           std::to_string(range.max.params) + "; " + std::to_string(split.train.size()) + " train / " +
           std::to_string(split.val.size()) + " held out / " + std::to_string(test.size()) + " eval images, " +
           std::to_string(threads) + " threads");

  // ---- phase 1: supernet (or another job's)
  if (ck.phase == kSupernet && I("supernet_from_job") > 0) {
    const JobId from = I("supernet_from_job");
    const auto bytes = ws.artifact(from, "supernet", "supernet");
    if (!bytes) throw Error(ErrorCode::NotFound, "job has no trained supernet", "supernet_from_job " + std::to_string(from));
    SgnasSupernet other = loadSupernetArtifact(*bytes);
    if (other->space().toJson() != space.toJson())
      throw Error(ErrorCode::InvalidArgument, "job " + std::to_string(from) + "'s supernet is for another space",
                  "supernet_from_job");
    net = other;
    ws.putArtifact(ctx.jobId(), "supernet", "supernet", *bytes);
    sink.log("supernet taken from job " + std::to_string(from));
    ck.phase = kGenerator;
    save({});
  }
  if (ck.phase == kSupernet) {
    SupernetTrainOptions so;
    so.epochs = I("supernet_epochs");
    so.batchSize = I("batch_size");
    so.pathsPerStep = static_cast<int>(I("paths_per_step"));
    so.minExpansion = static_cast<int>(I("min_expansion"));
    so.group0Always = p.at("supernet_group0_active").get<bool>();
    so.lr = D("lr");
    so.momentum = D("momentum");
    so.weightDecay = D("weight_decay");
    so.labelSmoothing = D("label_smoothing");
    so.seed = seed;
    SupernetTrainer trainer(net, split.train, norm, so);
    if (!ck.trainer.empty()) trainer.restore(ck.trainer);
    auto stamp = phaseClock(kSupernet);
    const ImageDataset probe = split.val.head(1000);
    AccuracyOptions probeOpts;
    probeOpts.calibrationBatches = 0;  // a cheap per-epoch signal, shared BN statistics
    // The loss window lives in the checkpoint: a run resumed mid-window writes the same points
    // as an uninterrupted one (issue 19's kill soak).
    double window = jsonValue<double>(ck.state, "supernet_window_loss", 0.0);
    int n = static_cast<int>(jsonValue<std::int64_t>(ck.state, "supernet_window_steps", 0));
    while (!trainer.done()) {
      if (ctx.cancelled()) stamp(), save(trainer.state()), throwCancelled("supernet training");
      const std::int64_t epoch = trainer.position().epoch;
      const auto r = trainer.step();
      window += r.loss, ++n;
      const std::int64_t step = trainer.globalStep();
      const bool epochEnded = trainer.position().epoch != epoch;
      if (n == kMetricEvery || epochEnded) {
        sink.metric("supernet_loss", step, window / n);
        sink.metric("supernet_lr", step, r.lr);
        window = 0, n = 0;
      }
      ck.state["supernet_window_loss"] = window;
      ck.state["supernet_window_steps"] = n;
      const std::string stage = "supernet epoch " + std::to_string(epoch + 1) + "/" + std::to_string(so.epochs);
      sink.progress(kPhaseShare[kSupernet] * static_cast<double>(step) / static_cast<double>(trainer.totalSteps()), stage);
      if (epochEnded) {
        const double accMax = pathAccuracy(net, maximalArch(space), probe, norm, split.train, probeOpts);
        const double accMin = pathAccuracy(net, minimalArch(space), probe, norm, split.train, probeOpts);
        sink.metric("supernet_val_accuracy_max", epoch + 1, accMax);
        sink.metric("supernet_val_accuracy_min", epoch + 1, accMin);
        ck.state["supernet_accuracy_max"] = accMax;
        ck.state["supernet_accuracy_min"] = accMin;
        sink.log(stage + ": held-out accuracy " + std::to_string(accMin) + " (smallest) .. " + std::to_string(accMax) +
                 " (largest)");
        stamp(), save(trainer.state());
      } else if (step % I("checkpoint_every") == 0) {
        stamp(), save(trainer.state());
      }
    }
    stamp();
    ws.putArtifact(ctx.jobId(), "supernet", "supernet", supernetArtifact(net));
    ck.phase = kGenerator;
    save({});
  }

  // ---- phase 2: generator
  if (ck.phase == kGenerator) {
    const GeneratorTrainOptions go = generatorTrainOptions(p);
    torch::manual_seed(Rng::derive(seed, 0x6e));  // generator initialisation
    GeneratorTrainer gt(net, setup, split.val, norm, go);
    if (!ck.trainer.empty()) gt.restore(ck.trainer);
    auto stamp = phaseClock(kGenerator);
    const Json w = ck.state.value("generator_window", Json::array({0.0, 0.0, 0.0, 0}));  // as the supernet's
    double wLoss = w[0].get<double>(), wCe = w[1].get<double>(), wHc = w[2].get<double>();
    int n = w[3].get<int>();
    while (!gt.done()) {
      if (ctx.cancelled()) stamp(), save(gt.state()), throwCancelled("generator training");
      const auto r = gt.step();
      wLoss += r.loss, wCe += r.ce, wHc += r.hc, ++n;
      const std::int64_t step = gt.globalStep();
      if (n == kMetricEvery || gt.epochFinished()) {
        sink.metric("generator_loss", step, wLoss / n);
        sink.metric("generator_ce", step, wCe / n);
        sink.metric("generator_hc", step, wHc / n);
        wLoss = wCe = wHc = 0, n = 0;
      }
      ck.state["generator_window"] = Json::array({wLoss, wCe, wHc, n});
      const std::string stage = "generator epoch " + std::to_string(gt.epoch() + 1) + "/" + std::to_string(go.epochs);
      sink.progress(kPhaseStart[kGenerator] +
                        kPhaseShare[kGenerator] * static_cast<double>(step) / static_cast<double>(gt.totalSteps()),
                    stage);
      if (gt.epochFinished()) {
        const double tau = gt.tau();
        const auto e = gt.endEpoch();
        sink.metric("hc_loss", gt.epoch(), e.score.hcLoss);
        sink.metric("kendall_tau", gt.epoch(), e.score.kendallTau);
        sink.metric("gumbel_tau", gt.epoch(), tau);
        if (go.selectionImages > 0) sink.metric("selection_ce", gt.epoch(), e.score.ce);
        sink.log(stage + ": selection hc loss " + std::to_string(e.score.hcLoss) +
                 (go.selectionImages > 0 ? ", cross-entropy " + std::to_string(e.score.ce) : std::string()) +
                 ", Kendall tau " + std::to_string(e.score.kendallTau) + (e.improved ? " (best so far)" : ""));
        stamp(), save(gt.state());
      } else if (step % I("checkpoint_every") == 0) {
        stamp(), save(gt.state());
      }
    }
    stamp();
    const Json extra{{"job", ctx.jobId()}, {"best_hc_loss", gt.bestHcLoss()}, {"dataset", dataset}};
    ws.putArtifact(ctx.jobId(), "generator", "best", generatorArtifact(setup, gt.bestGenerator(), extra));
    ws.putArtifact(ctx.jobId(), "generator", "final", generatorArtifact(setup, moduleToBytes(*gt.generator()), extra));
    ck.state["best_hc_loss"] = gt.bestHcLoss();
    ck.phase = kEvaluate;
    save({});
  }

  // ---- phase 3: evaluate (redone as a whole on resume; it writes in one transaction at the end)
  auto stamp = phaseClock(kEvaluate);
  const auto bytes = ws.artifact(ctx.jobId(), "generator", "best");
  if (!bytes) throw Error(ErrorCode::NotFound, "generator artifact missing before evaluation", "sgnas");
  LoadedGenerator lg = loadGeneratorArtifact(*bytes);
  EvalOptions eo;
  eo.targets = static_cast<int>(I("eval_targets"));
  eo.randomPerTarget = static_cast<int>(I("random_per_target"));
  eo.accuracy.calibrationBatches = static_cast<int>(I("calibration_batches"));
  eo.accuracy.seed = seed;
  eo.seed = seed;
  for (auto& prm : net->parameters()) prm.set_requires_grad(false);
  const EvalSummary summary = evaluateGenerator(
      lg.generator, lg.setup, net, test, norm, split.train, eo, [&](int i, int total) {
        if (ctx.cancelled()) throwCancelled("evaluation");
        sink.progress(kPhaseStart[kEvaluate] + kPhaseShare[kEvaluate] * i / total,
                      "evaluate " + std::to_string(i) + "/" + std::to_string(total));
      });
  ws.transaction([&] {
    // A run killed after this commit and before the job finished wrote these rows already;
    // the evaluation is seeded, so this run's rows would be the same ones again (issue 19).
    if (!ws.samples(ctx.jobId()).empty()) return;
    std::vector<EvaluationRecord> evals;
    std::vector<SampleRecord> samples;
    auto add = [&](ArchId arch, const char* metric, double value) {
      EvaluationRecord e;
      e.archId = arch;
      e.jobId = ctx.jobId();
      e.source = "supernet";
      e.dataset = dataset;
      e.metric = metric;
      e.value = value;
      evals.push_back(e);
    };
    auto sample = [&](int round, ArchId arch, Json payload) {
      SampleRecord s;
      s.jobId = ctx.jobId();
      s.round = round;
      s.archId = arch;
      s.payloadJson = payload.dump();
      samples.push_back(s);
    };
    int i = 0;
    for (const auto& r : summary.rows) {
      const ArchId g = ws.upsertArchitecture("sgnas", archToString(space, r.generated.arch), r.generated.cost.flops,
                                             r.generated.cost.params);
      add(g, "supernet_val_accuracy", r.accuracy);
      add(g, "target_flops", r.target);
      if (setup.table.latency) add(g, "latency_ms", r.generated.cost.latencyMs);  // for the Pareto views
      sample(i, g, {{"kind", "generated"}, {"target_flops", r.target}, {"error_pct", r.errorPct()}, {"accuracy", r.accuracy}});
      for (size_t k = 0; k < r.randoms.size(); ++k) {
        const ArchId a = ws.upsertArchitecture("sgnas", archToString(space, r.randoms[k].arch), r.randoms[k].cost.flops,
                                               r.randoms[k].cost.params);
        add(a, "supernet_val_accuracy", r.randomAccuracy[k]);
        if (setup.table.latency) add(a, "latency_ms", r.randoms[k].cost.latencyMs);
        sample(i, a, {{"kind", "random"}, {"target_flops", r.target}, {"accuracy", r.randomAccuracy[k]}});
      }
      ++i;
    }
    ws.addEvaluations(evals);
    ws.addSamples(samples);
  });
  for (size_t i = 0; i < summary.rows.size(); ++i) {
    const auto step = static_cast<std::int64_t>(i);
    sink.metric("eval_target_flops", step, summary.rows[i].target);
    sink.metric("eval_flops", step, summary.rows[i].generated.cost.flops);
    sink.metric("eval_accuracy", step, summary.rows[i].accuracy);
    if (!summary.rows[i].randomAccuracy.empty()) sink.metric("eval_random_accuracy", step, summary.rows[i].randomMean());
  }
  // Constraint satisfaction on the targets model selection saw (in-sample: the evaluation grid
  // is the selection grid) and on targets it never saw (held out), reported apart.
  const ConstraintSummary inSample = constraintSatisfaction(summary);
  size_t flopsIndex = 0;
  while (lg.setup.constraints[flopsIndex].name != "flops") ++flopsIndex;  // evaluateGenerator checked it exists
  const ConstraintSummary heldOut = constraintSatisfaction(
      lg.generator, lg.setup,
      heldOutTargets(lg.setup.constraints[flopsIndex], eo.targets, static_cast<int>(I("heldout_random_targets")), seed));
  sink.log("constraint within 5 %: " + std::to_string(inSample.within5) + "/" + std::to_string(inSample.targets.size()) +
           " selection targets (in-sample), " + std::to_string(heldOut.within5) + "/" +
           std::to_string(heldOut.targets.size()) + " held-out targets");
  stamp();
  sink.progress(1.0, "done");

  Json result = summary.toJson(space);
  result["in_sample"] = inSample.toJson();
  result["held_out"] = heldOut.toJson();
  result["recipe"] = S("recipe");
  Json recipeParams = Json::object();
  for (const auto& e : paperRecipe()) recipeParams[e.key] = p.at(e.key);
  result["recipe_params"] = recipeParams;
  result["flops_range"] = {range.min.flops, range.max.flops};
  result["params_range"] = {range.min.params, range.max.params};
  result["constraints"] = S("constraints");
  result["best_hc_loss"] = jsonValue<double>(ck.state, "best_hc_loss", -1.0);
  result["supernet_accuracy_max"] = jsonValue<double>(ck.state, "supernet_accuracy_max", -1.0);
  result["supernet_accuracy_min"] = jsonValue<double>(ck.state, "supernet_accuracy_min", -1.0);
  result["phase_seconds"] = ck.state["phase_seconds"];
  result["seconds"] = earlierSeconds + secondsSince(started);
  result["resumed"] = resumed;
  result["threads"] = threads;
  result["preset"] = preset;
  result["dataset"] = dataset;
  return result;
}

}  // namespace nas::sgnas
