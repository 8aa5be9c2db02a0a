#pragma once
// The sgnas job's run in phases (SgnasMethod::run puts them together): its parameters read
// once (SgnasJob), the data and search setup (SgnasData), and SgnasRun, which holds the
// supernet and the checkpoint across the phases: the supernet trained (or taken from another
// job), the generator trained on it, and the evaluation with its workspace writes. A killed
// run resumes in the phase its checkpoint names.
#include <chrono>
#include <functional>
#include <string>

#include "SgnasCheckpoint.h"
#include "SgnasEvaluation.h"
#include "data/Split.h"
#include "jobs/Method.h"
#include "train/Device.h"

namespace nas {
class DistributedPhases;
class Workspace;
}

namespace nas::sgnas {

using Clock = std::chrono::steady_clock;

// The job's parameters (recipe applied), read once.
struct SgnasJob {
  Json params;  // resolved, with the recipe: the result's recipe_params come from here
  std::string dataset, preset, dataDir, constraints, latencyProfile, recipe;
  std::uint64_t seed = 0;
  int threads = 1;
  std::int64_t trainLimit = 0, evalImages = 0, supernetFromJob = 0, checkpointEvery = 0;
  int poolSize = 0, heldoutRandomTargets = 0;
  double valFraction = 0;
  int decodeSamples = 0;
  double decodeTolerance = 0;
  SupernetTrainOptions supernet;
  GeneratorTrainOptions generator;
  EvalOptions eval;

  SgnasJob(const ParamSchema& schema, const Json& given);  // sets the torch threads
};

// The images, the space they fit, and the search's cost tables, constraints and prior pool.
struct SgnasData {
  ImageDataset all;  // the training images used (train_limit), before the held-out split
  SgnasSpace space;
  TrainValSplit split;
  ImageDataset test;
  Normalization norm;
  GeneratorSetup setup;
};

// Loads the data (checking it fits the preset's space) and builds the search's cost tables,
// constraints and prior pool.
SgnasData loadData(const SgnasJob& job, Workspace& ws, ProgressSink& sink);

// What the evaluation phase measured, for the writes and the result.
struct Evaluation {
  EvalSummary summary;
  ConstraintSummary inSample, heldOut;
};

// One run of the job: the supernet and the checkpoint it carries across the phases.
class SgnasRun {
 public:
  // `started`: when run() began (the job's seconds count the data loading too).
SgnasRun(JobContext& ctx, const SgnasJob& job, const SgnasData& data, Clock::time_point started);


  int phase() const { return ck_.phase; }
  // A data-parallel job (--nproc, torchrun): the supernet phase is announced there and trained
  // over its group's ranks (SgnasDistributed.h). nullptr or no group: one process.
  void setDistributed(DistributedPhases* phases) { phases_ = phases; }
  void logStart(const CostRange& range) const;
  void takeSupernet(JobId from);  // phase 1 done by another job
  void trainSupernet();
  void trainGenerator();
  Evaluation evaluate();
  void writeEvaluations(const EvalSummary& summary);
  void writeEvalMetrics(const EvalSummary& summary);
  Json result(const Evaluation& e, const CostRange& range) const;

 private:
  void save(const std::string& trainerState);
  // Seconds of a phase, accumulated across resumes: call the returned stamp to record them.
  std::function<void()> phaseClock(int phase);

  JobContext& ctx_;
  const SgnasJob& job_;
  const SgnasData& data_;
  Workspace& ws_;
  ProgressSink& sink_;
  const Clock::time_point started_;
  SgnasSupernet net_{nullptr};
  SgnasCheckpoint ck_;
  DeviceChoice device_;  // the supernet phase's; the generator and evaluation run on the CPU
  DistributedPhases* phases_ = nullptr;
  int ranks_ = 1;  // ranks the supernet trained over in this run
  std::string supernetDevice_;
  double spread_ = 0;  // the ranks' largest supernet parameter difference (0: identical)  // where it trained in this run ("" when it did not)
  bool resumed_ = false;
  double earlierSeconds_ = 0;
};

}  // namespace nas::sgnas
