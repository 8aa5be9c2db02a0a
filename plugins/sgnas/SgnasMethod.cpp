// SgnasMethod::run: the phases of SgnasRun.h in order, each skipped when a resumed run's
// checkpoint is past it.
#include "SgnasMethod.h"

#include <torch/torch.h>

#include "SgnasDistributed.h"
#include "SgnasLiveGenerator.h"
#include "SgnasRun.h"
#include "common/Error.h"
#include "train/DistGroup.h"
#include "train/DistributedJob.h"

namespace nas::sgnas {

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
  // In a data-parallel run the other ranks train their shares of the supernet and then end
  // (also told so when this rank fails first: the destructor).
  DistributedPhases phases(processDistGroup(), name());
  const SgnasJob job(schema(), ctx.params());
  const SgnasData data = loadData(job, ctx.workspace(), ctx.sink());
  SgnasRun run(ctx, job, data, started);
  run.setDistributed(&phases);
  const CostRange range = costRange(data.space);
  run.logStart(range);

  if (run.phase() == kSupernetPhase && job.supernetFromJob > 0) run.takeSupernet(job.supernetFromJob);
  if (run.phase() == kSupernetPhase) run.trainSupernet();
  phases.finish();  // a resumed run past the supernet: the other ranks have nothing to do
  if (run.phase() == kGeneratorPhase) run.trainGenerator();
  const Evaluation evaluation = run.evaluate();
  ctx.sink().progress(1.0, "done");
  return run.result(evaluation, range);
}

bool SgnasMethod::followDataParallelPhase(const Json& message) const {
  followSgnasJob(message, processDistGroup());
  return true;
}

}  // namespace nas::sgnas
