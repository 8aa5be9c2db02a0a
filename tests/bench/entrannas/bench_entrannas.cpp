// bench_entrannas: the figures of issue 14 in one run, every method on the same space, data,
// split, batch, epochs and seeds.
//   bench_entrannas [--seeds 3] [--nb201-seeds 5] [--train-limit 600] [--epochs 2] [--batch 32]
//                   [--channels 4] [--layers 5] [--arch-lr 0.01] [--threshold-init 0] [--eval-train 1000] [--eval-epochs 2]
//                   [--eval-channels 8] [--eval-layers 5] [--test-images 1000] [--threads 2]
//                   [--methods darts,entrannas,entrannas-top2] [--skip-eval] [--skip-nb201] [--json FILE]
// 1. DARTS cell on Fashion-MNIST (train_limit training images, half of them the validation split
//    of the bi-level updates): per method and seed the search's seconds per epoch and peak
//    resident memory (VmHWM reset at the start of each search; also the growth over the
//    resident size at its start), then the derived cells trained from scratch (eval_* sizes,
//    no cutout/drop path/auxiliary head at this scale) and scored on the test images, which the
//    search never saw. Ratios EnTranNAS / DARTS (paper: at most 1/2 for time and memory).
// 2. NAS-Bench-201 cell, same data: the derived cells of nb201_seeds seeds per method, looked up
//    in the benchmark's CIFAR-10 table (test accuracy), with their skip-connection counts.
// Prints a table and one JSON object (also written to --json FILE).
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "PeakMemory.h"
#include "ScratchTraining.h"
#include "SearchTrainer.h"
#include "../BenchSupport.h"
#include "common/Error.h"
#include "common/Json.h"
#include "data/DatasetLoader.h"
#include "data/Split.h"
#include "search/TabularBenchmark.h"
#include "train/MlInfo.h"

using namespace nas;
using namespace nas::entrannas;
using bench::meanOf;
using bench::sdOf;

namespace {

struct Args {
  int seeds = 3, nb201Seeds = 5, epochs = 2, channels = 4, layers = 5, evalEpochs = 2, evalChannels = 8,
      evalLayers = 5, threads = 2;
  std::int64_t trainLimit = 600, batch = 32, evalTrain = 1000, testImages = 1000;
  double archLr = 0.01, thresholdInit = 0.0;
  std::vector<std::string> methods{"darts", "entrannas", "entrannas-top2"};
  bool skipEval = false, skipNb201 = false;
  std::string json;
};

Args parseArgs(int argc, char** argv) {
  Args a;
  for (bench::Args arg(argc, argv, "bench_entrannas"); arg.next();) {
    if (arg.is("--seeds")) a.seeds = arg.intValue();
    else if (arg.is("--nb201-seeds")) a.nb201Seeds = arg.intValue();
    else if (arg.is("--train-limit")) a.trainLimit = arg.int64Value();
    else if (arg.is("--epochs")) a.epochs = arg.intValue();
    else if (arg.is("--batch")) a.batch = arg.int64Value();
    else if (arg.is("--channels")) a.channels = arg.intValue();
    else if (arg.is("--layers")) a.layers = arg.intValue();
    else if (arg.is("--arch-lr")) a.archLr = arg.doubleValue();
    else if (arg.is("--threshold-init")) a.thresholdInit = arg.doubleValue();
    else if (arg.is("--eval-train")) a.evalTrain = arg.int64Value();
    else if (arg.is("--eval-epochs")) a.evalEpochs = arg.intValue();
    else if (arg.is("--eval-channels")) a.evalChannels = arg.intValue();
    else if (arg.is("--eval-layers")) a.evalLayers = arg.intValue();
    else if (arg.is("--test-images")) a.testImages = arg.int64Value();
    else if (arg.is("--threads")) a.threads = arg.intValue();
    else if (arg.is("--methods")) a.methods = arg.listValue();
    else if (arg.is("--skip-eval")) a.skipEval = true;
    else if (arg.is("--skip-nb201")) a.skipNb201 = true;
    else if (arg.is("--json")) a.json = arg.value();
    else arg.unknown();
  }
  return a;
}

SearchOptions searchOptions(const std::string& method, SpaceKind space, const Args& a, int seed) {
  SearchOptions o;
  o.method = method == "darts" ? "darts" : "entrannas";
  o.derivation = method == "entrannas-top2" ? Derivation::Top2 : Derivation::Dst;
  o.space = space;
  o.channels = a.channels;
  o.layers = space == SpaceKind::Darts ? a.layers : 2;
  o.epochs = a.epochs;
  o.batchSize = a.batch;
  o.archLr = a.archLr;
  o.thresholdInit = a.thresholdInit;
  o.valImages = 0;
  o.seed = static_cast<std::uint64_t>(seed);
  return o;
}

struct SearchRun {
  double secondsPerEpoch = 0, cpuPerEpoch = 0, peakMb = 0, growthMb = 0, valAccuracy = 0;
  std::vector<ActiveOps> cells;
  std::string genotype;
};

SearchRun search(const SearchOptions& o, const TrainValSplit& data, const Normalization& norm, int inputChannels,
                 int classes) {
  SearchRun r;
  std::vector<double> seconds, cpu;
  const PeakResident memory;
  SearchTrainer t(o, inputChannels, classes);
  t.run(data.train, data.val, norm, nullptr, [&](const SearchEpoch& e) {
    seconds.push_back(e.seconds);
    cpu.push_back(e.cpuSeconds);
    r.valAccuracy = e.valAccuracy;
  });
  r.peakMb = memory.peakMb();
  r.growthMb = std::max(0.0, r.peakMb - memory.startMb());
  r.secondsPerEpoch = meanOf(seconds);
  r.cpuPerEpoch = meanOf(cpu);
  r.cells = t.derived();
  r.genotype = t.genotype();
  return r;
}

int inputsOf(const std::vector<ActiveOps>& cells) {
  int n = 0;
  for (const ActiveOps& c : cells) n += static_cast<int>(c.size());
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parseArgs(argc, argv);
    setTorchThreads(a.threads);
    const auto t0 = std::chrono::steady_clock::now();
    const ImageDataset train = loadImageDataset("fashion-mnist", "", true);
    const ImageDataset test = loadImageDataset("fashion-mnist", "", false).head(a.testImages);
    const Normalization norm = datasetNormalization("fashion-mnist", 1);
    const int inC = static_cast<int>(train.channels()), classes = static_cast<int>(train.classes);
    Json out{{"args",
              {{"seeds", a.seeds}, {"nb201_seeds", a.nb201Seeds}, {"train_limit", a.trainLimit}, {"epochs", a.epochs},
               {"batch", a.batch}, {"channels", a.channels}, {"layers", a.layers}, {"arch_lr", a.archLr}, {"threshold_init", a.thresholdInit},
               {"eval_train", a.evalTrain}, {"eval_epochs", a.evalEpochs}, {"eval_channels", a.evalChannels},
               {"eval_layers", a.evalLayers}, {"test_images", a.testImages}, {"threads", a.threads}}}};

    // ---- 1. DARTS cell
    std::map<std::string, std::vector<double>> sec, cpu, peak, growth, acc, inputs;
    Json runs = Json::array();
    for (int seed = 0; seed < a.seeds; ++seed) {
      // The same split for every method of a seed; the test images are never part of it.
      const TrainValSplit data = splitTrainVal(train.head(a.trainLimit), 0.5, static_cast<std::uint64_t>(seed));
      for (const std::string& m : a.methods) {
        const SearchRun r = search(searchOptions(m, SpaceKind::Darts, a, seed), data, norm, inC, classes);
        double testAcc = -1, evalSeconds = 0;
        std::int64_t evalParams = 0;
        if (!a.skipEval) {
          const auto e0 = std::chrono::steady_clock::now();
          ScratchOptions so;
          so.channels = a.evalChannels;
          so.layers = a.evalLayers;
          so.epochs = a.evalEpochs;
          so.batchSize = 64;
          so.cutout = 0;
          so.dropPath = 0;
          so.auxWeight = 0;
          so.seed = static_cast<std::uint64_t>(seed);
          ScratchTrainer st(so, r.cells, inC, classes);
          st.run(train.head(a.evalTrain), nullptr, norm, nullptr, nullptr);
          testAcc = st.testAccuracy(test, norm);
          evalParams = st.parameterCount();
          evalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
          acc[m].push_back(testAcc);
        }
        sec[m].push_back(r.secondsPerEpoch);
        cpu[m].push_back(r.cpuPerEpoch);
        peak[m].push_back(r.peakMb);
        growth[m].push_back(r.growthMb);
        inputs[m].push_back(inputsOf(r.cells));
        std::printf("darts space  seed %d  %-15s %7.2f s/epoch (cpu %7.2f s)  peak %7.1f MB (+%6.1f)  inputs %3d  test acc %.4f  (eval %lld params, %.0f s)\n",
                    seed, m.c_str(), r.secondsPerEpoch, r.cpuPerEpoch, r.peakMb, r.growthMb, inputsOf(r.cells), testAcc,
                    static_cast<long long>(evalParams), evalSeconds);
        std::fflush(stdout);
        runs.push_back({{"seed", seed}, {"method", m}, {"seconds_per_epoch", r.secondsPerEpoch},
                        {"cpu_seconds_per_epoch", r.cpuPerEpoch}, {"peak_memory_mb", r.peakMb}, {"search_memory_mb", r.growthMb},
                        {"val_accuracy", r.valAccuracy}, {"test_accuracy", testAcc}, {"eval_params", evalParams},
                        {"eval_seconds", evalSeconds}, {"genotype", r.genotype}});
      }
    }
    out["darts_space_runs"] = runs;
    Json summary = Json::object();
    std::printf("\n%-15s %16s %16s %16s %18s\n", "method", "s/epoch", "peak MB", "growth MB", "test acc");
    for (const std::string& m : a.methods) {
      std::printf("%-15s %8.2f ± %5.2f %8.1f ± %5.1f %8.1f ± %5.1f %9.4f ± %6.4f\n", m.c_str(), meanOf(sec[m]),
                  sdOf(sec[m]), meanOf(peak[m]), sdOf(peak[m]), meanOf(growth[m]), sdOf(growth[m]), meanOf(acc[m]),
                  sdOf(acc[m]));
      summary[m] = {{"seconds_per_epoch", meanOf(sec[m])}, {"cpu_seconds_per_epoch", meanOf(cpu[m])}, {"peak_memory_mb", meanOf(peak[m])},
                    {"search_memory_mb", meanOf(growth[m])}, {"test_accuracy_mean", meanOf(acc[m])},
                    {"test_accuracy_sd", sdOf(acc[m])}, {"cell_inputs_mean", meanOf(inputs[m])}};
      if (m != "darts" && sec.count("darts")) {
        const double ts = meanOf(sec[m]) / meanOf(sec["darts"]), tp = meanOf(peak[m]) / meanOf(peak["darts"]),
                     tg = meanOf(growth[m]) / std::max(1e-9, meanOf(growth["darts"]));
        const double tc = meanOf(cpu[m]) / std::max(1e-9, meanOf(cpu["darts"]));
        std::printf("  %s / darts: time %.2f, cpu time %.2f, peak memory %.2f, memory growth %.2f (goal <= 0.5 each)\n",
                    m.c_str(), ts, tc, tp, tg);
        summary[m]["cpu_time_ratio_to_darts"] = tc;
        summary[m]["time_ratio_to_darts"] = ts;
        summary[m]["peak_ratio_to_darts"] = tp;
        summary[m]["growth_ratio_to_darts"] = tg;
      }
    }
    out["darts_space_summary"] = summary;

    // ---- 2. NAS-Bench-201 cell
    if (!a.skipNb201) {
      const TabularBenchmark table = TabularBenchmark::load(NAS_NB201_TABLE, {"arch", "nb201"});
      const std::size_t metric = table.metricIndex("test_accuracy");
      Json nb = Json::object();
      std::printf("\nNAS-Bench-201 cell (CIFAR-10 test accuracy of the derived cell from the table)\n");
      for (const std::string& m : {std::string("darts"), std::string("entrannas")}) {
        std::vector<double> accs;
        Json cellsJson = Json::array();
        for (int seed = 0; seed < a.nb201Seeds; ++seed) {
          const TrainValSplit data = splitTrainVal(train.head(a.trainLimit), 0.5, static_cast<std::uint64_t>(seed));
          SearchOptions o = searchOptions(m, SpaceKind::Nb201, a, seed);
          o.channels = 8;
          const SearchRun r = search(o, data, norm, inC, classes);
          const Nb201Cell cell = toNb201Cell(r.cells[0]);
          const auto row = table.findCell(cell);
          const double v = row ? table.value(*row, metric) : std::nan("");
          int skips = 0;
          for (Nb201Op op : cell.ops()) skips += op == Nb201Op::SkipConnect;
          accs.push_back(v);
          std::printf("  %-10s seed %d  %-90s %6.2f  skips %d  %.2f s/epoch\n", m.c_str(), seed, cell.toString().c_str(),
                      v, skips, r.secondsPerEpoch);
          std::fflush(stdout);
          cellsJson.push_back({{"seed", seed}, {"cell", cell.toString()}, {"cifar10_test_accuracy", v},
                               {"skip_connects", skips}, {"seconds_per_epoch", r.secondsPerEpoch}});
        }
        std::printf("  %-10s mean %.2f ± %.2f\n", m.c_str(), meanOf(accs), sdOf(accs));
        nb[m] = {{"cells", cellsJson}, {"mean", meanOf(accs)}, {"sd", sdOf(accs)}};
      }
      out["nb201"] = nb;
    }
    out["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("\ntotal %.0f s\n%s\n", out["seconds"].get<double>(), out.dump().c_str());
    if (!a.json.empty()) std::ofstream(a.json) << out.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_entrannas: %s\n", e.what());
    return 1;
  }
}
