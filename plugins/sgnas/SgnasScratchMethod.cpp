// SgnasScratchMethod: the plan (generated + random per target and seed), training, summary.
#include "SgnasScratchMethod.h"

#include <torch/torch.h>

#include <map>

#include "SgnasEvaluation.h"
#include "SgnasRetrain.h"
#include "SgnasSampling.h"
#include "SgnasScratch.h"
#include "common/Error.h"
#include "jobs/DeviceParam.h"
#include "train/Device.h"
#include "data/DatasetLoader.h"
#include "store/Workspace.h"
#include "train/MlInfo.h"

namespace nas::sgnas {
namespace {

const char* kCtx = "sgnas-scratch";

struct Planned {
  int target, seed;
  double targetFlops;
  std::string kind, arch;
};

Json planToJson(const std::vector<Planned>& plan) {
  Json a = Json::array();
  for (const auto& p : plan)
    a.push_back({{"target", p.target}, {"seed", p.seed}, {"target_flops", p.targetFlops}, {"kind", p.kind}, {"arch", p.arch}});
  return a;
}

std::vector<Planned> planFromJson(const Json& a) {
  std::vector<Planned> plan;
  try {
    for (const auto& j : a)
      plan.push_back({j.at("target").get<int>(), j.at("seed").get<int>(), j.at("target_flops").get<double>(),
                      j.at("kind").get<std::string>(), j.at("arch").get<std::string>()});
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CorruptData, std::string("malformed plan: ") + e.what(), "sgnas-scratch checkpoint");
  }
  return plan;
}

}  // namespace

std::string SgnasScratchMethod::description() const {
  return "From-scratch evidence for an SGNAS generator: per FLOPs target, the generated architecture and, per seed, a "
         "random architecture of equal FLOPs (within 1 %) are trained from scratch with the same seed; reports the "
         "paired difference over targets with a 95 % t interval, the Wilcoxon and sign-test p-values, and Kendall tau "
         "between the supernet's estimate and the from-scratch accuracy.";
}

ParamSchema SgnasScratchMethod::schema() const {
  using T = ParamType;
  ParamSchema s;
  s.add(withRange(paramSpec("from_job", T::Int, 0, "SGNAS job", "The finished sgnas job whose generator and supernet to use"),
                  1, 9.2e18));
  s.add(withRange(paramSpec("targets", T::Int, 8, "Targets", "FLOPs targets, bin midpoints over the reachable range"), 2, 200));
  s.add(withRange(paramSpec("seeds", T::Int, 3, "Seeds", "Training seeds per target (each with its own random architecture)"),
                  1, 100));
  s.add(withRange(paramSpec("epochs", T::Int, 3, "Epochs", "Training epochs per architecture"), 1, 1000, "epochs"));
  s.add(withRange(paramSpec("batch_size", T::Int, 128, "Batch size", "Training batch"), 2, 4096, "images"));
  s.add(withRange(paramSpec("lr", T::Float, 0.1, "Learning rate", "SGD rate, cosine-annealed per step"), 1e-6, 10));
  s.add(withRange(paramSpec("train_limit", T::Int, 5000, "Training images", "First this many training images (0: all)"), 0,
                  1e9, "images"));
  s.add(withRange(paramSpec("test_images", T::Int, 2000, "Test images", "Test images measured per architecture"), 10, 1e9,
                  "images"));
  s.add(withRange(paramSpec("estimate_images", T::Int, 1000, "Estimate images",
                            "Test images of the supernet's inherited-weight estimate of each architecture"),
                  10, 1e9, "images"));
  s.add(withRange(paramSpec("threads", T::Int, 1, "Threads", "LibTorch intra-op threads (0: all cores)"), 0, 1024));
  s.add(deviceParamSpec("Each path trains and is tested there."));
  s.add(withRange(paramSpec("seed", T::Int, 0, "Seed", "Base of the training seeds and the random architectures"), 0,
                  2147483647));
  return s;
}

std::vector<std::string> SgnasScratchMethod::resultKeys() const {
  return {"pairs", "difference_mean", "difference_ci95", "wilcoxon_p", "kendall_tau_supernet_vs_scratch", "seconds", "device"};
}

Json SgnasScratchMethod::run(JobContext& ctx) const {
  const Json p = schema().resolve(ctx.params());
  auto I = [&](const char* k) { return p.at(k).get<std::int64_t>(); };
  const int threads = setTorchThreads(static_cast<int>(I("threads")));
  Workspace& ws = ctx.workspace();
  ProgressSink& sink = ctx.sink();
  const JobId from = I("from_job");
  const JobRecord source = ws.job(from);
  if (source.method != "sgnas")
    throw Error(ErrorCode::InvalidArgument,
                "job " + std::to_string(from) + " is a '" + source.method + "' job, not an sgnas job", kCtx);
  const Json sourceParams = parseJson(source.specJson, "job " + std::to_string(from)).value("params", Json::object());
  const std::string dataset = jsonValue<std::string>(sourceParams, "dataset", "fashion-mnist");
  const std::string dataDir = jsonValue<std::string>(sourceParams, "data_dir", "");
  const auto supernetBytes = ws.artifact(from, "supernet", "supernet");
  const auto generatorBytes = ws.artifact(from, "generator", "best");
  if (!supernetBytes || !generatorBytes)
    throw Error(ErrorCode::NotFound, "job " + std::to_string(from) + " has no trained supernet and generator (not finished?)",
                kCtx);
  SgnasSupernet net = loadSupernetArtifact(*supernetBytes);
  for (auto& prm : net->parameters()) prm.set_requires_grad(false);
  LoadedGenerator lg = loadGeneratorArtifact(*generatorBytes);
  const GeneratorSetup& setup = lg.setup;
  const SgnasSpace& space = setup.space;
  size_t flopsIndex = 0;
  while (flopsIndex < setup.constraints.size() && setup.constraints[flopsIndex].name != "flops") ++flopsIndex;
  if (flopsIndex == setup.constraints.size())
    throw Error(ErrorCode::Unsupported, "job " + std::to_string(from) + "'s generator is not conditioned on FLOPs", kCtx);

  Json rowsJson = Json::array();
  std::vector<Planned> plan;
  if (auto bytes = ctx.loadCheckpoint()) {
    const Json ck = parseJson(*bytes, "sgnas-scratch checkpoint");
    plan = planFromJson(ck.value("plan", Json::array()));
    rowsJson = ck.value("rows", Json::array());
    sink.log("resumed after " + std::to_string(rowsJson.size()) + " of " + std::to_string(plan.size()) + " architectures");
  }
  if (plan.empty()) {  // seed-major, so early rows already form whole pairs over all targets
    const auto base = static_cast<std::uint64_t>(I("seed"));
    const std::vector<double> grid = targetGrid(setup.constraints[flopsIndex], static_cast<int>(I("targets")));
    std::vector<Generated> generated;
    for (double t : grid) {
      Targets req(setup.constraints.size());
      req[flopsIndex] = t;
      generated.push_back(generateArch(lg.generator, setup, req));
    }
    const auto flopsOf = [&](const SgnasArch& a) { return exactCost(setup.table, a).flops; };
    for (int s = 0; s < static_cast<int>(I("seeds")); ++s)
      for (size_t i = 0; i < grid.size(); ++i) {
        const double f = generated[i].cost.flops;
        Rng rng(Rng::derive(base, 0x5c4a7c00ULL + 1000003ULL * i + static_cast<std::uint64_t>(s)));
        const SgnasArch r = randomArchNear(space, f, 0.01 * f, flopsOf, rng);
        plan.push_back({static_cast<int>(i), s, grid[i], "generated", archToString(space, generated[i].arch)});
        plan.push_back({static_cast<int>(i), s, grid[i], "random", archToString(space, r)});
      }
  }

  sink.progress(0.0, "loading " + dataset);
  const ImageDataset train = loadImageDataset(dataset, dataDir, true).head(I("train_limit"));
  const ImageDataset test = loadImageDataset(dataset, dataDir, false).head(I("test_images"));
  const ImageDataset estimateSet = test.head(I("estimate_images"));
  const Normalization norm = datasetNormalization(dataset, train.channels());
  sink.log("sgnas-scratch: " + std::to_string(plan.size()) + " trainings from job " + std::to_string(from) + ", " +
           std::to_string(train.size()) + " train / " + std::to_string(test.size()) + " test images, " +
           std::to_string(threads) + " threads");

  RetrainOptions ro;
  ro.epochs = I("epochs");
  ro.batchSize = I("batch_size");
  ro.lr = p.at("lr").get<double>();
  ro.device = deviceFromParams(p, &ctx.sink(), name()).device;
  AccuracyOptions ao;
  ao.seed = static_cast<std::uint64_t>(I("seed"));
  std::map<std::string, double> estimates;  // a generated architecture recurs once per seed
  for (const auto& r : rowsJson) estimates[r.at("arch").get<std::string>()] = r.at("supernet_accuracy").get<double>();
  for (size_t i = rowsJson.size(); i < plan.size(); ++i) {
    const Planned& c = plan[i];
    const SgnasArch arch = parseArch(space, c.arch);
    if (!estimates.count(c.arch)) estimates[c.arch] = pathAccuracy(net, arch, estimateSet, norm, train, ao);
    ro.seed = static_cast<std::uint64_t>(I("seed")) * 1000 + static_cast<std::uint64_t>(c.seed);
    const std::string stage = "train " + std::to_string(i + 1) + "/" + std::to_string(plan.size()) + " (" + c.kind +
                              ", target " + std::to_string(c.target + 1) + ", seed " + std::to_string(c.seed) + ")";
    const RetrainResult r = trainFromScratch(space, arch, train, test, norm, ro, [&](std::int64_t step, std::int64_t total, double) {
      sink.progress((static_cast<double>(i) + static_cast<double>(step) / static_cast<double>(total)) / plan.size(), stage);
      return !ctx.cancelled();
    });
    const Cost cost = exactCost(setup.table, arch);
    ScratchRow row;
    row.target = c.target;
    row.targetFlops = c.targetFlops;
    row.seed = c.seed;
    row.kind = c.kind;
    row.arch = c.arch;
    row.flops = cost.flops;
    row.params = cost.params;
    row.supernetAccuracy = estimates[c.arch];
    row.testAccuracy = r.testAccuracy;
    row.seconds = r.seconds;
    ws.transaction([&] {
      const ArchId id = ws.upsertArchitecture("sgnas", c.arch, cost.flops, cost.params);
      ws.addEvaluation(EvaluationRecord::of(id, ctx.jobId(), "scratch", dataset, "test_accuracy", r.testAccuracy));
      ws.addSamples({SampleRecord::of(ctx.jobId(), static_cast<int>(i), id, row.toJson().dump())});
    });
    sink.metric(c.kind == "generated" ? "scratch_generated" : "scratch_random", static_cast<std::int64_t>(i / 2),
                r.testAccuracy);
    rowsJson.push_back(row.toJson());
    ctx.saveCheckpoint(Json{{"plan", planToJson(plan)}, {"rows", rowsJson}}.dump());
  }
  sink.progress(1.0, "done");

  std::vector<ScratchRow> rows;
  double seconds = 0;
  for (const auto& j : rowsJson) rows.push_back(ScratchRow::fromJson(j)), seconds += rows.back().seconds;
  Json result = summarizeScratch(rows);
  result["rows"] = rowsJson;
  result["seconds"] = seconds;
  result["threads"] = threads;
  result["device"] = ro.device.str();
  result["from_job"] = from;
  result["epochs"] = I("epochs");
  result["train_images"] = train.size();
  result["test_images"] = test.size();
  return result;
}

}  // namespace nas::sgnas
