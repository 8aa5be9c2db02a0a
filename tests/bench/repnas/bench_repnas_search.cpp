// bench_repnas_search: the figures of issue 16 in one run.
//   bench_repnas_search [--seeds 3] [--train-limit 10000] [--test-images 2000] [--epochs R,S,F]
//                       [--batch 128] [--threads 2] [--latency-budget-ms 400] [--sets searched,repvgg,full,random]
//                       [--preset mini] [--arch-lr 0.01] [--a0-size 224] [--no-mkldnn] [--json FILE]
// 1. Accuracy: for every seed and branch set, trains the RepNAS network on Fashion-MNIST with
//    the same schedule (searched: R random + S search + F fixed epochs; the others R+S+F epochs
//    on their fixed set; "retrained": the seed's searched set trained from scratch like the
//    baselines, the paper's retrain.py), deploys it and measures both forms on the test images: accuracy,
//    deployed accuracy, max |logit difference|, branch count. Mean and standard deviation
//    over seeds per set; the searched set against each baseline seed by seed.
// 2. Latency: for the first seed's networks, the multi-branch form (eval mode, its active
//    branches) against the deployed form at batch 1 and batch 64, with 1 intra-op thread
//    (thread CPU time clock), median of the timed runs.
// 3. Latency at the paper's scale: the searched RepVGG-A0 branch set the paper's code publishes
//    (bestfleer/RepNAS arch.py, 44 branches), untrained, 3x224x224 input, batch 1, both forms
//    (--a0-size 0 skips it).
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

#include "../BenchSupport.h"
#include "RepnasSearch.h"
#include "common/Error.h"
#include "common/Json.h"
#include "data/DatasetLoader.h"
#include "eval/TorchTiming.h"
#include "train/MlInfo.h"

using namespace nas;
using namespace nas::repnas;

using bench::meanOf;
using bench::sdOf;

int main(int argc, char** argv) {
  int seeds = 3, batch = 128, threads = 2;
  std::int64_t trainLimit = 10000, testImages = 2000;
  std::vector<int> epochs = {2, 4, 6};
  double latencyBudgetMs = 400;
  std::string preset = "mini", jsonPath;
  std::vector<std::string> sets = {"searched", "retrained", "repvgg", "full"};
  int a0Size = 224;
  double archLr = RepnasTrainOptions().archLr;
  try {
    for (bench::Args a(argc, argv, "bench_repnas_search"); a.next();) {
      if (a.is("--seeds")) seeds = a.intValue();
      else if (a.is("--train-limit")) trainLimit = a.int64Value();
      else if (a.is("--test-images")) testImages = a.int64Value();
      else if (a.is("--batch")) batch = a.intValue();
      else if (a.is("--threads")) threads = a.intValue();
      else if (a.is("--latency-budget-ms")) latencyBudgetMs = a.doubleValue();
      else if (a.is("--preset")) preset = a.value();
      else if (a.is("--a0-size")) a0Size = a.intValue();
      else if (a.is("--arch-lr")) archLr = a.doubleValue();
      else if (a.is("--no-mkldnn")) at::globalContext().setUserEnabledMkldnn(false);
      else if (a.is("--json")) jsonPath = a.value();
      else if (a.is("--sets")) sets = a.listValue();
      else if (a.is("--epochs")) {
        epochs.clear();
        for (const auto& e : a.listValue()) epochs.push_back(std::stoi(e));
        if (epochs.size() != 3) a.fail("takes R,S,F");
      } else {
        a.unknown();
      }
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  setTorchThreads(threads);
  const ImageDataset train = loadImageDataset("fashion-mnist", "", true).head(trainLimit);
  const ImageDataset test = loadImageDataset("fashion-mnist", "", false).head(testImages);
  const Normalization norm = datasetNormalization("fashion-mnist", 1);
  const RepnasSpace space = buildRepnasSpace(repnasPreset(preset), 1, 28, 10);

  Json runs = Json::array();
  std::map<std::string, std::vector<double>> acc, dacc;
  std::map<std::string, int> branches;
  Json latency = Json::object();
  double worstDiff = 0;
  for (int seed = 0; seed < seeds; ++seed) {
    std::string searchedArch;  // this seed's searched set, for "retrained"
    for (const auto& set : sets) {
      const auto r0 = std::chrono::steady_clock::now();
      RepnasTrainOptions o;
      o.branchSet = set;
      if (set == "retrained") {  // the searched set trained from scratch on the same schedule (retrain.py)
        if (searchedArch.empty()) {
          std::cerr << "--sets: retrained needs searched before it\n";
          return 2;
        }
        o.branchSet = "given";
        o.arch = searchedArch;
      }
      o.randomEpochs = epochs[0];
      o.searchEpochs = epochs[1];
      o.fixedEpochs = epochs[2];
      o.batchSize = batch;
      o.seed = static_cast<std::uint64_t>(seed);
      o.archLr = archLr;
      RepnasTrainer tr(space, o);
      tr.train(train, nullptr, norm, {}, {});
      const std::vector<BranchMask> active = tr.activeMasks();
      tr.net()->eval();
      RepnasDeployedNet d = tr.net()->deploy(active);
      const FormComparison c = compareForms(tr.net(), active, d, test, norm);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
      if (set == "searched") searchedArch = repnasArchToString(tr.arch());
      acc[set].push_back(c.accuracy);
      dacc[set].push_back(c.deployedAccuracy);
      branches[set] = branchTotal(tr.arch());
      worstDiff = std::max(worstDiff, c.maxAbsDiff);
      runs.push_back({{"seed", seed}, {"set", set}, {"arch", repnasArchToString(tr.arch())},
                      {"branch_count", branchTotal(tr.arch())}, {"test_accuracy", c.accuracy},
                      {"deployed_test_accuracy", c.deployedAccuracy}, {"max_abs_diff", c.maxAbsDiff},
                      {"seconds", secs}});
      std::printf("seed %d %-8s acc %.4f deployed %.4f |diff| %.2e branches %2d  %s  (%.0f s)\n", seed, set.c_str(),
                  c.accuracy, c.deployedAccuracy, c.maxAbsDiff, branchTotal(tr.arch()),
                  repnasArchToString(tr.arch()).c_str(), secs);
      std::fflush(stdout);
      if (seed == 0 && set != "retrained") {
        Json l;
        for (const int b : {1, 64}) {
          const double m = multiBranchLatencyMs(tr.net(), active, b, 1, latencyBudgetMs);
          const double dm = deployedLatencyMs(d, b, 1, latencyBudgetMs);
          l["batch" + std::to_string(b)] = {{"multi_branch_ms", m}, {"deployed_ms", dm}, {"speedup", m / dm}};
          std::printf("  latency batch %2d: multi-branch %.3f ms, deployed %.3f ms, speed-up %.2fx\n", b, m, dm, m / dm);
        }
        latency[set] = l;
        setTorchThreads(threads);
      }
    }
  }
  Json summary = Json::object();
  std::printf("\n%-9s %8s %14s %14s\n", "set", "branches", "accuracy", "deployed");
  for (const auto& set : sets) {
    summary[set] = {{"branch_count", branches[set]}, {"accuracy_mean", meanOf(acc[set])},
                    {"accuracy_sd", sdOf(acc[set])}, {"deployed_accuracy_mean", meanOf(dacc[set])}};
    std::printf("%-9s %8d %7.4f±%.4f %7.4f±%.4f\n", set.c_str(), branches[set], meanOf(acc[set]), sdOf(acc[set]),
                meanOf(dacc[set]), sdOf(dacc[set]));
  }
  // Searched (and retrained) against each baseline, seed by seed (same seed: same
  // initialisation and data order).
  for (const std::string cand : {"searched", "retrained"}) {
    if (!acc.count(cand)) continue;
    for (const auto& set : sets) {
      if (set == "searched" || set == "retrained" || !acc.count(set)) continue;
      std::vector<double> diff;
      int wins = 0;
      for (size_t i = 0; i < acc[set].size(); ++i) {
        diff.push_back(acc[cand][i] - acc[set][i]);
        wins += diff.back() > 0;
      }
      summary[cand + "_minus_" + set] = {{"mean", meanOf(diff)}, {"sd", sdOf(diff)}, {"wins", wins},
                                         {"seeds", static_cast<int>(diff.size())}};
      std::printf("%-9s - %-7s %+.4f ± %.4f (higher in %d of %zu seeds)\n", cand.c_str(), set.c_str(), meanOf(diff),
                  sdOf(diff), wins, diff.size());
    }
  }
  Json a0 = Json::object();
  if (a0Size > 0) {
    // The paper's searched A0 (arch.py; its columns 1x1, avg, 3x3, 1x1-3x3, 1x3, 3x1 as letters).
    const RepnasSpace s = buildRepnasSpace(repnasPreset("a0"), 3, a0Size, 1000);
    const RepnasArch arch =
        parseRepnasArch(s, "kc|kc|k|kc|c|c|kc|kc|kc|c|kc|kch|kc|kc|kc|kc|kc|kc|kc|c|kc|k1cahv");
    const std::vector<BranchMask> active = effectiveMasks(s, arch);
    torch::manual_seed(0);
    RepnasNet net(s, active);
    net->eval();
    RepnasDeployedNet d = net->deploy(active);
    const double m = multiBranchLatencyMs(net, active, 1, 1, latencyBudgetMs);
    const double dm = deployedLatencyMs(d, 1, 1, latencyBudgetMs);
    a0 = {{"arch", repnasArchToString(arch)}, {"branch_count", branchTotal(arch)}, {"input", a0Size},
          {"multi_branch_ms", m}, {"deployed_ms", dm}, {"speedup", m / dm}};
    std::printf("A0 (paper's searched branches, %d of %d), 3x%dx%d, batch 1: multi-branch %.1f ms, deployed %.1f ms, "
                "speed-up %.2fx\n",
                branchTotal(arch), 6 * s.numLayers(), a0Size, a0Size, m, dm, m / dm);
    setTorchThreads(threads);
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("max |logit diff| over all runs %.2e; %.0f s in all\n", worstDiff, total);
  const Json out{{"preset", preset},     {"layers", space.numLayers()}, {"seeds", seeds},
                 {"epochs", epochs},     {"train_images", train.size()}, {"test_images", test.size()},
                 {"batch", batch},       {"threads", threads},          {"arch_lr", archLr},          {"runs", runs},
                 {"summary", summary},   {"latency", latency},          {"max_abs_diff", worstDiff}, {"a0_latency", a0},
                 {"seconds", total},     {"libtorch", torchVersionString()}};
  std::cout << out.dump() << "\n";
  if (!jsonPath.empty()) std::ofstream(jsonPath) << out.dump(2) << "\n";
  return 0;
}
