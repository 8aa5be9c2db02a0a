#pragma once
// The "sgnas" job: the whole SGNAS pipeline in three resumable phases,
//   1. supernet: train the unified supernet with fair path sampling,
//   2. generator: train the constraint-conditioned generator on the frozen supernet,
//   3. evaluate: generate for a grid of FLOPs targets over the reachable range, estimate
//      accuracy with inherited weights, and compare with random architectures of equal FLOPs.
// One checkpoint holds the phase and that phase's state; it is saved every few steps and at
// every epoch end, so a killed job resumes where it stopped. Results: metric series
// (supernet_loss, generator_loss, hc_loss, kendall_tau, ...), artifacts "supernet"/"supernet"
// and "generator"/"best", architectures (space "sgnas") with evaluations from source
// "supernet", and one sample per evaluated architecture.
#include <algorithm>
#include <string>

#include "SgnasCost.h"
#include "common/Error.h"
#include "jobs/Method.h"
#include "searchspace/GraphFormJson.h"

namespace nas::sgnas {

struct GeneratorTrainOptions;
// The generator phase's options from the job's parameters (after applyRecipe), as run() uses
// them; public so the tests can check what each recipe trains with.
GeneratorTrainOptions generatorTrainOptions(const Json& params);

class SgnasMethod final : public Method {
 public:
  std::string name() const override { return "sgnas"; }
  std::string title() const override { return "SGNAS: search by generating"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  Json run(JobContext& ctx) const override;
  // A rank > 0 of a data-parallel job trains its share of the supernet (SgnasDistributed.h).
  bool followDataParallelPhase(const Json& message) const override;
  std::unique_ptr<LiveGenerator> openGenerator(Workspace& ws, JobId job) const override;
  std::optional<WorkAmount> work(const Json& p) const override { return sgnasWork(p); }
  // The chain stem -> layers -> head of a stored "sgnas" architecture, whose canonical string
  // starts with its preset ("fashion-mnist:3x5xxx|..."), so Search Results draws it (issue 21:
  // it showed "No architecture").
  std::optional<Json> describeArchitecture(const std::string& space, const std::string& canonical) const override {
    if (space != "sgnas") return std::nullopt;
    const auto colon = canonical.find(':');
    if (colon == std::string::npos)
      throw Error(ErrorCode::ParseError, "lacks its preset (\"preset:layers\")", "sgnas architecture '" + canonical + "'");
    const SgnasSpace s = spacePreset(canonical.substr(0, colon), 10);
    const SgnasArch a = parseArch(s, canonical);
    return Json{{"graph", graphFormToJson(archGraph(s, a))}, {"layers", archToJson(s, a).at("layers")}};
  }

  // The run-time model (jobs/RunTimeEstimate.h): image passes through a middle path of the
  // space (MFLOPs halfway between the smallest and largest), a training pass counted as three
  // forward passes. Supernet: epochs x paths per step over the training part, plus the
  // per-epoch probe of the smallest and largest path; generator: its steps' supernet passes;
  // evaluate: each target's generated and random architectures on the eval images plus
  // their BN calibration batches.
  static std::optional<WorkAmount> sgnasWork(const Json& p) {
    const std::string dataset = p.at("dataset").get<std::string>();
    const double available = dataset == "synthetic" ? 1024 : dataset == "cifar10" ? 50000 : 60000;
    const auto limit = p.at("train_limit").get<std::int64_t>();
    const double images = limit > 0 ? std::min<double>(static_cast<double>(limit), available) : available;
    const double val = images * p.at("val_fraction").get<double>(), train = images - val;
    const CostRange range = costRange(spacePreset(p.at("preset").get<std::string>(), 10));
    const double mflops = (range.min.flops + range.max.flops) / 2e6;
    auto I = [&](const char* k) { return static_cast<double>(p.at(k).get<std::int64_t>()); };
    const double epochs = p.at("supernet_from_job").get<std::int64_t>() > 0 ? 0 : I("supernet_epochs");
    const double supernet = epochs * (3 * train * I("paths_per_step") + 2 * std::min(1000.0, val));
    const double generator = I("generator_epochs") * I("generator_steps") * I("generator_batch") * 3;
    const double evaluate = I("eval_targets") * (1 + I("random_per_target")) *
                            (I("eval_images") + I("calibration_batches") * I("batch_size"));
    WorkAmount w;
    w.unit = "image-MFLOPs";
    w.units = mflops * (supernet + generator + evaluate);
    w.summary = std::to_string(static_cast<long long>(train)) + " images x " +
                std::to_string(static_cast<long long>(epochs)) + " supernet epochs x " +
                std::to_string(p.at("paths_per_step").get<std::int64_t>()) + " paths, " +
                std::to_string(p.at("generator_epochs").get<std::int64_t>()) + " generator epochs, " +
                std::to_string(p.at("eval_targets").get<std::int64_t>()) + " targets";
    // Measured: the demo's SGNAS job (4,000 images, batch 32, 2 threads) ran 158,000 units in
    // 86.5 s on the project's 2-core machine while other builds ran (load 3 to 5). Larger
    // batches run more images per second, so this overestimates them.
    w.referenceSecondsPerUnit = 86.5 / 158063;
    w.referenceMachine = "the demo's SGNAS job, batch 32, on 2 busy cores";
    return w;
  }
};

}  // namespace nas::sgnas
