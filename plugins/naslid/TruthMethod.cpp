#include "TruthMethod.h"

#include <chrono>
#include <set>

#include "TruthSample.h"
#include "common/Error.h"
#include "eval/QueryData.h"
#include "eval/QuerySources.h"
#include "search/Nb201ArchIds.h"
#include "search/Stats.h"
#include "store/Workspace.h"
#include "train/MlInfo.h"
#include "train/Nb201Run.h"

namespace nas::naslid {

void addStudyDataParams(ParamSchema& s) {
  using T = ParamType;
  s.add(withChoices(paramSpec("dataset", T::Choice, "fashion-mnist", "Dataset", "Images to train and score on"),
                    {"fashion-mnist", "cifar10", "synthetic"}));
  s.add(paramSpec("data_dir", T::Path, "", "Data folder", "Dataset folder (empty: Debian's Fashion-MNIST)"));
  s.add(withRange(paramSpec("train_limit", T::Int, 10000, "Training images", "Train on at most this many (0: all)"), 0,
                  1e9, "images"));
  s.add(withRange(paramSpec("val_images", T::Int, 1000, "Held-out images",
                            "Drawn from the training images, never trained on; every score is measured on them"),
                  1, 1e9, "images"));
  s.add(withRange(paramSpec("split_seed", T::Int, 0, "Split seed", "Which training images are held out"), 0, 2147483647));
  s.add(withRange(paramSpec("channels", T::Int, 8, "Channels C", "Width of the first stage (benchmark: 16)"), 1, 256));
  s.add(withRange(paramSpec("cells_per_stage", T::Int, 1, "Cells per stage N", "Benchmark: 5"), 1, 16));
}

const std::vector<std::string>& sharedDataParams() {
  static const std::vector<std::string> names{"dataset",    "data_dir",  "train_limit",    "val_images",
                                              "split_seed", "channels",  "cells_per_stage"};
  return names;
}

std::string TruthMethod::description() const {
  return "Trains a fixed, stratified sample of NAS-Bench-201 cells from scratch (short schedule) and keeps their "
         "held-out accuracies as evaluations of this job: the ground truth any ranking study (such as naslid) is "
         "compared with. Resumes by skipping the cells already evaluated.";
}

ParamSchema TruthMethod::schema() const {
  using T = ParamType;
  ParamSchema s;
  s.add(withRange(paramSpec("count", T::Int, 30, "Cells", "Size of the stratified sample (strata by parameter count)"),
                  2, 15625, "cells"));
  s.add(withRange(paramSpec("sample_seed", T::Int, 0, "Sample seed", "Which cell of each stratum"), 0, 2147483647));
  addStudyDataParams(s);
  s.add(withRange(paramSpec("epochs", T::Int, 1, "Epochs", "From-scratch training per cell"), 1, 10000, "epochs"));
  s.add(withRange(paramSpec("batch", T::Int, 64, "Batch size", "Training batch"), 2, 4096, "images"));
  s.add(withRange(paramSpec("lr", T::Float, 0.1, "Learning rate", "SGD Nesterov, cosine per step"), 1e-6, 10));
  s.add(withRange(paramSpec("seed", T::Int, 0, "Seed", "Initialisation and batch order (the same for every cell)"), 0,
                  2147483647));
  s.add(withRange(paramSpec("threads", T::Int, 2, "Threads", "LibTorch intra-op threads (0: all cores)"), 0, 1024));
  return s;
}

std::vector<std::string> TruthMethod::resultKeys() const {
  return {"cells", "trained_now", "mean_accuracy", "min_accuracy", "max_accuracy", "dataset", "seconds"};
}

Json TruthMethod::run(JobContext& ctx) const {
  const auto t0 = std::chrono::steady_clock::now();
  const Json p = schema().resolve(ctx.params());
  auto I = [&](const char* k) { return p.at(k).get<std::int64_t>(); };
  setTorchThreads(static_cast<int>(I("threads")));
  ScratchSourceConfig config;
  config.data.dataset = p.at("dataset").get<std::string>();
  config.data.dataDir = p.at("data_dir").get<std::string>();
  config.data.trainLimit = I("train_limit");
  config.data.valImages = I("val_images");
  config.data.splitSeed = static_cast<std::uint64_t>(I("split_seed"));
  config.channels = static_cast<int>(I("channels"));
  config.cellsPerStage = static_cast<int>(I("cells_per_stage"));
  config.epochs = I("epochs");
  config.batch = I("batch");
  config.lr = p.at("lr").get<double>();
  config.seed = static_cast<std::uint64_t>(I("seed"));
  validateConfig(config);
  Workspace& ws = ctx.workspace();
  ProgressSink& sink = ctx.sink();

  sink.progress(0.0, "loading " + config.data.dataset);
  auto source = makeScratchQuerySource(config, ctx.cancel());
  // Strata by the cost of the benchmark's reference network, so that the same count and seed
  // give the same cells at any C and N.
  const std::vector<Nb201Cell> cells = stratifiedSample(static_cast<int>(I("count")), static_cast<std::uint64_t>(I("sample_seed")), {});

  std::set<ArchId> done;
  for (const auto& e : ws.evaluationsOfJob(ctx.jobId()))
    if (e.metric == "val_accuracy") done.insert(e.archId);
  Nb201ArchIds ids(ws);
  std::vector<double> accuracies;
  int trainedNow = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    ctx.cancel().throwIfCancelled();
    sink.progress(static_cast<double>(i) / static_cast<double>(cells.size()),
                  "cell " + std::to_string(i + 1) + "/" + std::to_string(cells.size()));
    ArchId id = 0;
    ws.transaction([&] { id = ids(cells[i]); });
    if (done.count(id)) {
      for (const auto& e : ws.evaluationsOfJob(ctx.jobId()))
        if (e.archId == id && e.metric == "val_accuracy") accuracies.push_back(e.value);
      continue;
    }
    const double acc = source->query(cells[i]);
    ws.addEvaluation(EvaluationRecord::of(id, ctx.jobId(), "trained", config.data.dataset, "val_accuracy", acc));
    accuracies.push_back(acc);
    ++trainedNow;
    sink.metric("truth_accuracy", static_cast<std::int64_t>(i + 1), acc);
    sink.log("cell " + std::to_string(i + 1) + "/" + std::to_string(cells.size()) + " " + cells[i].toString() +
             ": val accuracy " + std::to_string(acc));
  }
  sink.progress(1.0, "done");
  return Json{{"cells", accuracies.size()},
              {"trained_now", trainedNow},
              {"mean_accuracy", mean(accuracies)},
              {"min_accuracy", *std::min_element(accuracies.begin(), accuracies.end())},
              {"max_accuracy", *std::max_element(accuracies.begin(), accuracies.end())},
              {"dataset", config.data.dataset},
              {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
}

}  // namespace nas::naslid
