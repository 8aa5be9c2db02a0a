// The jobs' run(): data, the search (resumable per epoch), samples for the live views, the
// optional evaluation from scratch, the benchmark look-up and the workspace writes.
#include "EntranMethods.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "CellSpace.h"
#include "DartsExport.h"
#include "PeakMemory.h"
#include "ScratchTraining.h"
#include "SearchTrainer.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "data/DatasetLoader.h"
#include "data/Split.h"
#include "search/TabularBenchmark.h"
#include "searchspace/GraphFormJson.h"
#include "store/Workspace.h"
#include "train/Device.h"
#include "train/MlInfo.h"

namespace nas::entrannas {

namespace {

constexpr int kMetricEvery = 10;  // steps per loss point

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Core's device rule (train/Device.h): a cuda request without CUDA runs on the CPU, said in the log.
torch::Device resolveDevice(const Json& p, JobContext& ctx, const std::string& who) {
  return deviceFromParams(p, &ctx.sink(), who).device;
}

// The per-epoch heat grids (one per cell type) the generic HeatGrid view draws.
Json heatGrids(const CellSpec& spec, const std::vector<std::vector<double>>& weights, Derivation d) {
  Json grids = Json::array();
  for (int t = 0; t < spec.cellTypes; ++t) {
    Json rows = Json::array(), values = Json::array();
    for (int e = 0; e < spec.numEdges(); ++e) {
      rows.push_back(spec.edgeLabel(e));
      values.push_back(std::vector<double>(weights[static_cast<size_t>(t)].begin() + e * spec.numOps(),
                                           weights[static_cast<size_t>(t)].begin() + (e + 1) * spec.numOps()));
    }
    const std::string type = spec.cellTypeName(t);
    const std::string title = spec.kind == SpaceKind::Nb201 ? "Cell" : (t == 0 ? "Normal cell" : "Reduction cell");
    grids.push_back({{"name", type},
                     {"title", title + ": edge weights"},
                     {"rows", rows},
                     {"columns", spec.opNames},
                     {"values", values},
                     {"min", 0},
                     {"max", 1},
                     {"value", d == Derivation::Dst ? "DST weight" : "softmax weight"}});
  }
  return grids;
}

// The derived cells' drawings; each kept edge carries its Engine weight (GraphEdge::weight, which
// the cell view draws as the edge's width) and shows it in its label ("sep3x3 0.42"), so a
// generic cell view shows how strongly the search holds it.
Json cellGraphs(SpaceKind kind, const std::vector<ActiveOps>& cells, const std::vector<std::vector<double>>& weights) {
  const CellSpec& spec = cellSpec(kind);
  auto weighted = [&](GraphForm g, int type) {
    for (GraphEdge& e : g.edges) {
      if (e.op == "concat" || !e.active) continue;
      const auto op = std::find(spec.opNames.begin(), spec.opNames.end(), e.op);
      int edge = -1;
      for (int i = 0; i < spec.numEdges(); ++i)
        if (spec.edges[static_cast<size_t>(i)] == std::make_pair(e.from, e.to)) edge = i;
      if (op == spec.opNames.end() || edge < 0) continue;
      const double w = weights.at(static_cast<size_t>(type))
                           .at(static_cast<size_t>(edge * spec.numOps() + (op - spec.opNames.begin())));
      e.weight = std::clamp(w, 0.0, 1.0);
      char buf[32];
      std::snprintf(buf, sizeof buf, " %.2f", w);
      e.label += buf;
    }
    return graphFormToJson(g);
  };
  if (kind == SpaceKind::Nb201) return {{"cell", weighted(toNb201Cell(cells.at(0)).graph(), 0)}};
  return {{"normal", weighted(toDartsCell(cells.at(0)).graph(false), 0)},
          {"reduce", weighted(toDartsCell(cells.at(1)).graph(true), 1)}};
}

struct Costs {
  double flops = 0, params = 0;
};

// Costs of the evaluation network (darts: the eval_* size on the dataset's images; nb201: the
// benchmark's own network, C=16, N=5, 3x32x32, 10 classes, as its table is).
Costs costsOf(SpaceKind kind, const std::vector<ActiveOps>& cells, int channels, int layers, const ImageDataset& ds) {
  if (kind == SpaceKind::Nb201) {
    const CostCounts c = nb201Cost(toNb201Cell(cells.at(0)));
    return {c.flops, static_cast<double>(c.params)};
  }
  DartsGenotype g;
  g.normal = toDartsCell(cells.at(0));
  g.reduce = toDartsCell(cells.at(1));
  DartsNetworkConfig m;
  m.channels = channels;
  m.layers = std::max(3, layers);
  m.inputChannels = static_cast<int>(ds.channels());
  m.inputHeight = static_cast<int>(ds.height());
  m.inputWidth = static_cast<int>(ds.width());
  m.classes = static_cast<int>(ds.classes);
  if (m.inputHeight % 4 || m.inputWidth % 4 || m.channels % 2) return {};
  const DartsCostCounts c = dartsCost(g, m);
  return {c.flops, static_cast<double>(c.params)};
}

ScratchOptions scratchOptions(const Json& p, SpaceKind kind, torch::Device device) {
  ScratchOptions o;
  o.space = kind;
  o.channels = p.at("eval_channels").get<int>();
  o.layers = p.at("eval_layers").get<int>();
  o.epochs = p.at("eval_epochs").get<int>();
  o.batchSize = p.at("eval_batch_size").get<std::int64_t>();
  o.lr = p.at("eval_lr").get<double>();
  o.cutout = p.at("cutout").get<int>();
  o.dropPath = p.at("drop_path").get<double>();
  o.auxWeight = kind == SpaceKind::Darts ? p.at("auxiliary_weight").get<double>() : 0.0;
  o.seed = p.at("seed").get<std::uint64_t>();
  o.device = device;
  return o;
}

// Trains `cells` from scratch, reporting through the sink; returns the test accuracy. In the
// DARTS space the trained network is stored as the job's evaluation artifact, which the
// exporter (DartsExport.h) takes its weights from.
double trainFromScratch(JobContext& ctx, const ScratchOptions& o, const std::vector<ActiveOps>& cells,
                        const std::string& dataset, const ImageDataset& train, const ImageDataset& test,
                        const Normalization& norm, double progressFrom, bool checkpoint, std::int64_t* params) {
  ProgressSink& sink = ctx.sink();
  ScratchTrainer trainer(o, cells, static_cast<int>(train.channels()), static_cast<int>(train.classes));
  if (checkpoint)
    if (auto bytes = ctx.loadCheckpoint()) {
      trainer.loadState(*bytes);
      sink.log("resumed after epoch " + std::to_string(trainer.epoch()));
    }
  if (params) *params = trainer.parameterCount();
  trainer.run(
      train, &test, norm,
      [&](std::int64_t step, std::int64_t total, double loss) {
        if (step % kMetricEvery == 0 || step == total) sink.metric("eval_train_loss", step, loss);
        sink.progress(progressFrom + (1 - progressFrom) * 0.98 * static_cast<double>(step) / static_cast<double>(total),
                      "training from scratch: step " + std::to_string(step) + "/" + std::to_string(total));
        return !ctx.cancelled();
      },
      [&](const ScratchEpoch& r) {
        sink.metric("eval_test_accuracy", r.epoch + 1, r.testAccuracy);
        sink.log("from scratch, epoch " + std::to_string(r.epoch + 1) + ": loss " + std::to_string(r.trainLoss) +
                 ", test accuracy " + std::to_string(r.testAccuracy));
        if (checkpoint) ctx.saveCheckpoint(trainer.saveState());
      });
  const double accuracy = trainer.testAccuracy(test, norm);
  if (o.space == SpaceKind::Darts)
    ctx.workspace().putArtifact(ctx.jobId(), kEvaluationArtifactKind, kEvaluationArtifactName,
                                evaluationArtifact(trainer.net(), cells, train.height(), train.width(), dataset, o.seed,
                                                   trainer.epoch()));
  return accuracy;
}

}  // namespace

Json CellSearchMethod::run(JobContext& ctx) const {
  const auto t0 = std::chrono::steady_clock::now();
  const Json p = schema().resolve(ctx.params());
  auto I = [&](const char* k) { return p.at(k).get<std::int64_t>(); };
  auto D = [&](const char* k) { return p.at(k).get<double>(); };
  auto S = [&](const char* k) { return p.at(k).get<std::string>(); };
  const int threads = setTorchThreads(static_cast<int>(I("threads")));
  const torch::Device device = resolveDevice(p, ctx, name());
  Workspace& ws = ctx.workspace();
  ProgressSink& sink = ctx.sink();
  const SpaceKind kind = spaceFromName(S("space"));
  const CellSpec& spec = cellSpec(kind);

  const std::string dataset = S("dataset");
  sink.progress(0.0, "loading " + dataset);
  const ImageDataset all = loadImageDataset(dataset, S("data_dir"), true).head(I("train_limit"));
  const ImageDataset test = loadImageDataset(dataset, S("data_dir"), false).head(I("test_images"));
  const Normalization norm = datasetNormalization(dataset, all.channels());
  // The architecture is selected on part of the training images; the test images only score the
  // final result.
  const TrainValSplit split = splitTrainVal(all, D("val_fraction"), static_cast<std::uint64_t>(I("seed")));

  SearchOptions o;
  o.method = name_;
  o.space = kind;
  if (name_ == "entrannas") {
    o.derivation = derivationFromName(S("derivation"));
    o.placement = S("engine_placement");
    o.featureSharing = p.at("feature_sharing").get<bool>();
    o.thresholdInit = D("threshold_init");
  }
  if (name_ == "darts") o.order = static_cast<int>(I("order"));
  o.channels = static_cast<int>(I("channels"));
  o.layers = static_cast<int>(I("layers")) > 0 ? static_cast<int>(I("layers")) : (kind == SpaceKind::Darts ? 5 : 1);
  o.epochs = static_cast<int>(I("epochs"));
  o.batchSize = I("batch_size");
  o.lr = D("lr");
  o.lrMin = D("lr_min");
  o.momentum = D("momentum");
  o.weightDecay = D("weight_decay");
  o.gradClip = D("grad_clip");
  o.archLr = D("arch_lr");
  o.archWeightDecay = D("arch_weight_decay");
  o.valImages = static_cast<int>(I("val_images"));
  o.seed = static_cast<std::uint64_t>(I("seed"));
  o.device = device;
  const int evalEpochs = static_cast<int>(I("eval_epochs"));
  std::optional<TabularBenchmark> table;
  if (kind == SpaceKind::Nb201) {  // fail early on a bad table, before the search
    std::string path = S("benchmark_table");
    if (path.empty()) path = resourcePath("data/nb201/cifar10.csv");
    table = TabularBenchmark::load(path, {"arch", "nb201"});
    table->metricIndex("test_accuracy");
  }

  SearchTrainer trainer(o, static_cast<int>(all.channels()), static_cast<int>(all.classes));
  const SearchOptions& used = trainer.options();
  bool resumed = false;
  if (auto bytes = ctx.loadCheckpoint()) {
    trainer.loadState(*bytes);
    resumed = true;
    sink.log("resumed after epoch " + std::to_string(trainer.epoch()));
  }
  int engineCells = 0;
  for (bool e : trainer.engines()) engineCells += e;
  sink.log(name_ + (used.order == 2 ? " (second order)" : "") + ": space " + spec.name + ", " +
           std::to_string(trainer.net()->numCells()) + " cells (" +
           std::to_string(engineCells) + " Engine), derivation " + derivationName(used.derivation) +
           (used.featureSharing ? ", feature sharing" : "") + ", " + std::to_string(split.train.size()) + " train / " +
           std::to_string(split.val.size()) + " validation images, " + std::to_string(threads) + " threads, " +
           device.str());

  const double searchShare = evalEpochs > 0 ? 0.6 : 0.97;
  std::vector<double> epochSeconds;
  const PeakResident memory;
  const auto searchStart = std::chrono::steady_clock::now();
  double valAccuracy = 0;
  trainer.run(
      split.train, split.val, norm,
      [&](std::int64_t step, std::int64_t total, double loss) {
        if (step % kMetricEvery == 0 || step == total) sink.metric("train_loss", step, loss);
        sink.progress(searchShare * static_cast<double>(step) / static_cast<double>(total),
                      "search step " + std::to_string(step) + "/" + std::to_string(total));
        return !ctx.cancelled();
      },
      [&](const SearchEpoch& r) {
        epochSeconds.push_back(r.seconds);
        valAccuracy = r.valAccuracy;
        sink.metric("val_accuracy", r.epoch + 1, r.valAccuracy);
        sink.metric("epoch_train_loss", r.epoch + 1, r.trainLoss);
        sink.metric("seconds_per_epoch", r.epoch + 1, r.seconds);
        Json payload{{"kind", "cell_search"},
                     {"method", name_},
                     {"space", spec.name},
                     {"epoch", r.epoch + 1},
                     {"label", "epoch " + std::to_string(r.epoch + 1)},
                     {"genotype", r.genotype},
                     {"grids", heatGrids(spec, r.weights, used.derivation)},
                     {"graphs", cellGraphs(kind, r.derived, r.weights)},
                     {"val_accuracy", r.valAccuracy},
                     {"train_loss", r.trainLoss}};
        ws.addSamples({SampleRecord::of(ctx.jobId(), r.epoch + 1, std::nullopt, payload.dump())});
        sink.log("epoch " + std::to_string(r.epoch + 1) + ": loss " + std::to_string(r.trainLoss) +
                 ", validation accuracy " + std::to_string(r.valAccuracy) + ", " + std::to_string(r.seconds) +
                 " s, " + r.genotype);
        ctx.saveCheckpoint(trainer.saveState());
      });
  const double searchSeconds = secondsSince(searchStart);
  const double peakMb = memory.peakMb();

  const std::vector<ActiveOps> cells = trainer.derived();
  const std::string genotype = genotypeText(kind, cells);
  const Costs costs = costsOf(kind, cells, static_cast<int>(I("eval_channels")), static_cast<int>(I("eval_layers")), all);
  double mean = 0;
  for (double s : epochSeconds) mean += s;
  Json result{{"genotype", genotype},
              {"method", name_},
              {"space", spec.name},
              {"derivation", derivationName(used.derivation)},
              {"engine_placement", used.placement},
              {"feature_sharing", used.featureSharing},
              {"engine_cells", engineCells},
              {"order", used.order},
              {"cells", trainer.net()->numCells()},
              {"search_seconds", searchSeconds},
              {"seconds_per_epoch", epochSeconds.empty() ? 0.0 : mean / static_cast<double>(epochSeconds.size())},
              {"peak_memory_mb", peakMb},
              {"search_memory_mb", std::max(0.0, peakMb - memory.startMb())},
              {"val_accuracy", valAccuracy},
              {"flops", costs.flops},
              {"params", costs.params},
              {"device", device.str()},
              {"resumed", resumed}};
  if (epochSeconds.empty()) result["seconds_per_epoch"] = nullptr;  // every epoch ran before a resume

  std::optional<double> benchmarkAccuracy;
  if (table) {
    if (auto row = table->findCell(toNb201Cell(cells[0])))
      benchmarkAccuracy = table->value(*row, table->metricIndex("test_accuracy"));
    result["benchmark_test_accuracy"] = benchmarkAccuracy ? Json(*benchmarkAccuracy) : Json(nullptr);
  }
  std::optional<double> testAccuracy;
  if (evalEpochs > 0) {
    sink.progress(searchShare, "training the derived cells from scratch");
    const ScratchOptions so = scratchOptions(p, kind, device);
    const auto e0 = std::chrono::steady_clock::now();
    std::int64_t params = 0;
    // The checkpoint holds the finished search; the evaluation is not resumed mid-way.
    testAccuracy = trainFromScratch(ctx, so, cells, dataset, all, test, norm, searchShare, false, &params);
    result["test_accuracy"] = *testAccuracy;
    result["eval_params"] = params;
    result["eval_seconds"] = secondsSince(e0);
  }

  ws.transaction([&] {
    const ArchId id = ws.upsertArchitecture(spec.name, genotype, costs.flops, costs.params);
    const auto eval = [&](const std::string& metric, double value, const std::string& onData) {
      ws.addEvaluation(EvaluationRecord::of(id, ctx.jobId(), name_, onData, metric, value));
    };
    if (testAccuracy) eval("test_accuracy", *testAccuracy, dataset);
    if (benchmarkAccuracy) eval("benchmark_test_accuracy", *benchmarkAccuracy, "cifar10");
  });
  result["seconds"] = secondsSince(t0);
  sink.progress(1.0, "done");
  return result;
}

Json DartsEvalMethod::run(JobContext& ctx) const {
  const auto t0 = std::chrono::steady_clock::now();
  const Json p = schema().resolve(ctx.params());
  const int threads = setTorchThreads(p.at("threads").get<int>());
  const torch::Device device = resolveDevice(p, ctx, name());
  const SpaceKind kind = spaceFromName(p.at("space").get<std::string>());
  std::string text = p.at("genotype").get<std::string>();
  if (text.empty())
    text = kind == SpaceKind::Darts ? dartsV2Genotype().toString()
                                    : std::string("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|"
                                                  "nor_conv_3x3~1|nor_conv_3x3~2|");
  std::vector<ActiveOps> cells;
  try {
    cells = parseGenotypeText(kind, text);
  } catch (const Error& e) {
    throw Error(e.code(), e.message(), "parameter 'genotype'");
  }
  const std::string dataset = p.at("dataset").get<std::string>();
  ctx.sink().progress(0.0, "loading " + dataset);
  const ImageDataset train =
      loadImageDataset(dataset, p.at("data_dir").get<std::string>(), true).head(p.at("train_limit").get<std::int64_t>());
  const ImageDataset test =
      loadImageDataset(dataset, p.at("data_dir").get<std::string>(), false).head(p.at("test_images").get<std::int64_t>());
  const Normalization norm = datasetNormalization(dataset, train.channels());
  ctx.sink().log("darts-eval: " + text + ", " + std::to_string(train.size()) + " train / " +
                 std::to_string(test.size()) + " test images, " + std::to_string(threads) + " threads, " + device.str());
  const ScratchOptions o = scratchOptions(p, kind, device);
  std::int64_t params = 0;
  const double accuracy = trainFromScratch(ctx, o, cells, dataset, train, test, norm, 0.02, true, &params);
  const std::string canonical = genotypeText(kind, cells);
  const Costs costs = kind == SpaceKind::Darts ? costsOf(kind, cells, o.channels, o.layers, train) : Costs{};
  Workspace& ws = ctx.workspace();
  ws.transaction([&] {
    const ArchId id = ws.upsertArchitecture(cellSpec(kind).name, canonical, costs.flops, costs.params);
    ws.addEvaluation(EvaluationRecord::of(id, ctx.jobId(), "darts-eval", dataset, "test_accuracy", accuracy));
  });
  ctx.sink().progress(1.0, "done");
  return Json{{"genotype", canonical},
              {"test_accuracy", accuracy},
              {"params", params},
              {"flops", costs.flops},
              {"epochs", o.epochs},
              {"device", device.str()},
              {"seconds", secondsSince(t0)}};
}

}  // namespace nas::entrannas
