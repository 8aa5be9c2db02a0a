#include "TruthMethod.h"

#include <chrono>
#include <map>
#include <memory>

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

void addStrataParams(ParamSchema& s, const std::string& strata, const std::string& table) {
  using T = ParamType;
  s.add(withChoices(paramSpec(strata, T::Choice, "accuracy", "Strata",
                              "accuracy: quantile strata of the NB201 table's accuracy over the connected cells, so the "
                              "sample spans bad to good cells; params: strata by the parameter count of the "
                              "benchmark's network (the first rule)"),
                    {"accuracy", "params"}));
  s.add(paramSpec(table, T::Path, "", "NB201 table", "The CSV that strata=accuracy and truth=nb201 read (empty: the shipped CIFAR-10 table)"));
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
  s.add(withRange(paramSpec("count", T::Int, 30, "Cells", "Size of the stratified sample"), 2, 15625, "cells"));
  addStrataParams(s, "strata", "table");
  s.add(withRange(paramSpec("sample_seed", T::Int, 0, "Sample seed", "Which cell of each stratum"), 0, 2147483647));
  addStudyDataParams(s);
  s.add(withRange(paramSpec("epochs", T::Int, 1, "Epochs", "From-scratch training per cell"), 1, 10000, "epochs"));
  s.add(withRange(paramSpec("batch", T::Int, 64, "Batch size", "Training batch"), 2, 4096, "images"));
  s.add(withRange(paramSpec("lr", T::Float, 0.1, "Learning rate", "SGD Nesterov, cosine per step"), 1e-6, 10));
  s.add(withRange(paramSpec("seed", T::Int, 0, "Seed", "Initialisation and batch order (the same for every cell)"), 0,
                  2147483647));
  s.add(withRange(paramSpec("seeds", T::Int, 1, "Training seeds",
                            "Each cell is trained with seeds seed .. seed+n-1; the truth is their mean accuracy, and "
                            "the Kendall tau between two seeds' accuracies (self_agreement_tau) says how reliable it is"),
                  1, 8));
  s.add(withRange(paramSpec("threads", T::Int, 2, "Threads", "LibTorch intra-op threads (0: all cores)"), 0, 1024));
  return s;
}

std::vector<std::string> TruthMethod::resultKeys() const {
  return {"cells", "trained_now", "mean_accuracy", "min_accuracy", "max_accuracy", "seeds", "self_agreement_tau",
          "dataset", "seconds"};
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

  const int seeds = static_cast<int>(I("seeds"));
  sink.progress(0.0, "loading " + config.data.dataset);
  // One source per training seed; with one seed the metric keeps its plain name.
  std::vector<std::unique_ptr<QuerySource>> sources;
  std::vector<std::string> seedMetrics;
  for (int k = 0; k < seeds; ++k) {
    ScratchSourceConfig c = config;
    c.seed = config.seed + static_cast<std::uint64_t>(k);
    sources.push_back(makeScratchQuerySource(c, ctx.cancel()));
    seedMetrics.push_back(seeds == 1 ? "val_accuracy" : "val_accuracy_seed" + std::to_string(c.seed));
  }
  // Strata by the NB201 table's accuracy or by the reference network's size: either way the
  // same count and seed give the same cells at any C and N.
  const std::vector<Nb201Cell> cells = truthSample(parseStrata(p.at("strata").get<std::string>()), static_cast<int>(I("count")),
                                                   static_cast<std::uint64_t>(I("sample_seed")), p.at("table").get<std::string>());

  std::map<std::pair<ArchId, std::string>, double> done;  // what an earlier run of this job measured
  for (const auto& e : ws.evaluationsOfJob(ctx.jobId())) done[{e.archId, e.metric}] = e.value;
  Nb201ArchIds ids(ws);
  std::vector<double> accuracies;
  std::vector<std::vector<double>> bySeed(static_cast<size_t>(seeds));
  int trainedNow = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    ArchId id = 0;
    ws.transaction([&] { id = ids(cells[i]); });
    double sum = 0;
    for (int k = 0; k < seeds; ++k) {
      ctx.cancel().throwIfCancelled();
      sink.progress(static_cast<double>(i * static_cast<size_t>(seeds) + static_cast<size_t>(k)) /
                        static_cast<double>(cells.size() * static_cast<size_t>(seeds)),
                    "cell " + std::to_string(i + 1) + "/" + std::to_string(cells.size()));
      const std::string& metric = seedMetrics[static_cast<size_t>(k)];
      double acc = 0;
      if (const auto it = done.find({id, metric}); it != done.end()) {
        acc = it->second;
      } else {
        acc = sources[static_cast<size_t>(k)]->query(cells[i]);
        ws.addEvaluation(EvaluationRecord::of(id, ctx.jobId(), "trained", config.data.dataset, metric, acc));
        ++trainedNow;
        sink.log("cell " + std::to_string(i + 1) + "/" + std::to_string(cells.size()) + " " + cells[i].toString() + ": " +
                 metric + " " + std::to_string(acc));
      }
      bySeed[static_cast<size_t>(k)].push_back(acc);
      sum += acc;
    }
    const double acc = sum / seeds;
    if (seeds > 1 && !done.count({id, "val_accuracy"}))
      ws.addEvaluation(EvaluationRecord::of(id, ctx.jobId(), "trained", config.data.dataset, "val_accuracy", acc));
    accuracies.push_back(acc);
    sink.metric("truth_accuracy", static_cast<std::int64_t>(i + 1), acc);
  }
  // Self-agreement: mean Kendall tau over pairs of seeds, the ceiling any predictor of one
  // seed's accuracies can reach against another's.
  Json agreement = nullptr;
  if (seeds > 1) {
    std::vector<double> taus;
    for (size_t a = 0; a < bySeed.size(); ++a)
      for (size_t b = a + 1; b < bySeed.size(); ++b) taus.push_back(kendallTau(bySeed[a], bySeed[b]));
    agreement = mean(taus);
    sink.log("self-agreement of the truth: Kendall tau " + std::to_string(mean(taus)) + " between training seeds");
  }
  sink.progress(1.0, "done");
  return Json{{"cells", accuracies.size()},
              {"trained_now", trainedNow},
              {"mean_accuracy", mean(accuracies)},
              {"min_accuracy", *std::min_element(accuracies.begin(), accuracies.end())},
              {"max_accuracy", *std::max_element(accuracies.begin(), accuracies.end())},
              {"seeds", seeds},
              {"self_agreement_tau", agreement},
              {"dataset", config.data.dataset},
              {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
}

}  // namespace nas::naslid
