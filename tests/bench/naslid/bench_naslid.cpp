// bench_naslid: the figures of issue 15 in one run, on one supernet configuration, one data
// split and one ground-truth sample.
//   bench_naslid [--seeds 3] [--truth-cells 24] [--truth-epochs 1] [--train-limit 4000]
//                [--val-images 500] [--channels 8] [--warmup 2] [--levels 2] [--level-epochs 1]
//                [--repeats 4] [--probe-batch 128] [--k 20] [--edge-sense paper] [--threads 2]
//                [--truth-seeds 1] [--truth-cache FILE] [--strata accuracy|params] [--table CSV]
//                [--scores EARLIER.json] [--json FILE]
// 1. Ground truth: a stratified sample of NB201 cells (TruthSample.h; --strata accuracy:
//    quantile strata of the NB201 CIFAR-10 table's accuracy over the connected cells, so the
//    sample spans bad to good cells; params: strata by parameter count) trained from scratch on Fashion-MNIST
//    (core's "trained" query source: the same initialisation seed and batch order for every
//    cell), scored on held-out training images. --truth-cache keeps it between runs (seed s > 0
//    in FILE.seed<s>). With --truth-seeds n > 1 every cell is trained n times (seeds 0..n-1):
//    the Kendall tau between two seeds' accuracies is the truth's own reliability, the ceiling
//    any predictor can reach against one seed, and the truth used is the mean over seeds.
//    Printed too: tau of the truth with the table's CIFAR-10 accuracy (how far the two
//    datasets agree on these cells) and of every ranking with the number of skip connections
//    (weight sharing's known bias).
// 2. Per seed: one root supernet (uniform single-path training for --warmup epochs), then every
//    criterion from that same root: none (one-shot, trained the same epochs per level), lid,
//    gradient, random. Each cell is scored by the leaf holding it on the same held-out images.
//    Kendall tau, Spearman rho and top-5 precision per criterion and seed; mean and sample
//    standard deviation over seeds. Each criterion's seed-to-seed agreement (mean Kendall tau
//    between two seeds' scores) tells a noisy predictor from a consistently wrong one.
//    --seeds 0: the ground truth alone. --scores EARLIER.json: no supernets; the scores of an
//    earlier run on the same cells are compared with this run's truth (a costlier truth
//    schedule judges the same rankings). With 4 or more truth seeds the split-half tau (mean of
//    the first half of the seeds against the mean of the second half) is the reliability of a
//    truth averaged over half as many seeds as the one used.
// 3. Memory and time of the probes that choose the splits: lid (forward passes, no gradients)
//    against gradient (a backward pass per candidate), the peak resident memory above the
//    probe's starting point (PeakMemory.h) and the seconds spent in probes. Both probes run once
//    before anything is measured, so neither is charged for paging in LibTorch's kernels.
// 4. The same two probes on one edge at the benchmark's depth and width (C=16, N=5), untrained.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "PeakMemory.h"
#include "SplitStudy.h"
#include "TruthSample.h"
#include "common/Error.h"
#include "common/Json.h"
#include "common/Paths.h"
#include "common/OpenMpWait.h"
#include "data/Augment.h"
#include "eval/QuerySources.h"
#include "search/Stats.h"
#include "search/TabularBenchmark.h"
#include "train/MlInfo.h"
#include "train/Nb201Run.h"

using namespace nas;
using namespace nas::naslid;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Args {
  int seeds = 3, truthCells = 24, truthSeeds = 1, levels = 2, repeats = 4, k = 20, threads = 2, channels = 8;
  std::int64_t truthEpochs = 1, trainLimit = 4000, valImages = 500, warmup = 2, levelEpochs = 1, probeBatch = 128;
  std::string sense = "paper", truthCache, json, strata = "accuracy", table, scores;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw Error(ErrorCode::InvalidArgument, "needs a value", k);
      return argv[++i];
    };
    if (k == "--seeds") a.seeds = std::stoi(next());
    else if (k == "--truth-cells") a.truthCells = std::stoi(next());
    else if (k == "--truth-epochs") a.truthEpochs = std::stoll(next());
    else if (k == "--train-limit") a.trainLimit = std::stoll(next());
    else if (k == "--val-images") a.valImages = std::stoll(next());
    else if (k == "--channels") a.channels = std::stoi(next());
    else if (k == "--warmup") a.warmup = std::stoll(next());
    else if (k == "--levels") a.levels = std::stoi(next());
    else if (k == "--level-epochs") a.levelEpochs = std::stoll(next());
    else if (k == "--repeats") a.repeats = std::stoi(next());
    else if (k == "--probe-batch") a.probeBatch = std::stoll(next());
    else if (k == "--k") a.k = std::stoi(next());
    else if (k == "--edge-sense") a.sense = next();
    else if (k == "--threads") a.threads = std::stoi(next());
    else if (k == "--truth-seeds") a.truthSeeds = std::stoi(next());
    else if (k == "--truth-cache") a.truthCache = next();
    else if (k == "--json") a.json = next();
    else if (k == "--strata") a.strata = next();
    else if (k == "--table") a.table = next();
    else if (k == "--scores") a.scores = next();
    else throw Error(ErrorCode::InvalidArgument, "unknown option", k);
  }
  return a;
}

std::string fmt(double m, double s) {
  char b[64];
  std::snprintf(b, sizeof b, "%+.3f +- %.3f", m, s);
  return b;
}

// Mean Kendall tau over all pairs of the given rankings (NaN-free: needs two or more).
double pairwiseTau(const std::vector<std::vector<double>>& v) {
  std::vector<double> taus;
  for (size_t i = 0; i < v.size(); ++i)
    for (size_t j = i + 1; j < v.size(); ++j) taus.push_back(kendallTau(v[i], v[j]));
  return taus.empty() ? 0.0 : mean(taus);
}

// Ground-truth accuracies of `cells` for config.seed, from the cache when it holds this exact
// configuration (seed 0 keeps the key and file of earlier runs).
std::vector<double> groundTruth(const Args& a, const ScratchSourceConfig& config, const std::vector<Nb201Cell>& cells) {
  std::string key = "cells=" + std::to_string(a.truthCells) + " epochs=" + std::to_string(a.truthEpochs) +
                    " train=" + std::to_string(a.trainLimit) + " val=" + std::to_string(a.valImages) +
                    " C=" + std::to_string(a.channels);
  if (a.strata != "params") key += " strata=" + a.strata;  // params keeps the key of earlier runs
  std::string cache = a.truthCache;
  if (config.seed != 0 && !cache.empty()) {
    key += " seed=" + std::to_string(config.seed);
    cache += ".seed" + std::to_string(config.seed);
  }
  if (!cache.empty()) {
    std::ifstream in(cache);
    std::string line;
    if (in && std::getline(in, line) && line == key) {
      std::vector<double> v;
      double x;
      while (in >> x) v.push_back(x);
      if (v.size() == cells.size()) {
        std::printf("ground truth (seed %llu): %zu cells from %s\n", static_cast<unsigned long long>(config.seed),
                    v.size(), cache.c_str());
        return v;
      }
    }
  }
  const auto t = Clock::now();
  auto source = makeScratchQuerySource(config);
  std::vector<double> v;
  for (const auto& c : cells) {
    v.push_back(source->query(c));
    std::printf("  truth %2zu/%zu %.4f %s\n", v.size(), cells.size(), v.back(), c.toString().c_str());
    std::fflush(stdout);
  }
  std::printf("ground truth (seed %llu): %zu cells trained from scratch in %.0f s\n",
              static_cast<unsigned long long>(config.seed), v.size(), since(t));
  if (!cache.empty()) {
    std::ofstream out(cache);
    out << key << "\n";
    for (double x : v) out << x << "\n";
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) try {
  preferPassiveOpenMpWait(argv);  // spinning OpenMP threads stall a shared 2-core machine; may re-execute
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const Args a = parse(argc, argv);
  preferMmapForLargeAllocations();
  setTorchThreads(a.threads);
  const auto t0 = Clock::now();

  ScratchSourceConfig truthConfig;
  truthConfig.data.trainLimit = a.trainLimit;
  truthConfig.data.valImages = a.valImages;
  truthConfig.channels = a.channels;
  truthConfig.epochs = a.truthEpochs;
  const QueryData data = loadQueryData(truthConfig.data);
  const Nb201MacroConfig macro = nb201MacroFor(data.train, a.channels, 1);
  std::printf("bench_naslid: Fashion-MNIST, %lld training / %lld held-out images, C=%d N=1, %d threads\n",
              static_cast<long long>(data.train.size()), static_cast<long long>(data.val.size()), a.channels, a.threads);
  const std::vector<Nb201Cell> cells = truthSample(parseStrata(a.strata), a.truthCells, 0, a.table);
  TabularBenchmark::Options tableOptions;
  tableOptions.space = "nb201";
  const TabularBenchmark table =
      TabularBenchmark::load(a.table.empty() ? resourcePath("data/nb201/cifar10.csv") : a.table, tableOptions);
  std::vector<double> tableAccuracy, skips;
  for (const auto& c : cells) {
    tableAccuracy.push_back(table.value(table.findCell(c).value(), table.metricIndex("test_accuracy")));
    skips.push_back(static_cast<double>(std::count(c.ops().begin(), c.ops().end(), Nb201Op::SkipConnect)));
  }
  std::vector<std::vector<double>> truthBySeed;
  for (int s = 0; s < a.truthSeeds; ++s) {
    truthConfig.seed = static_cast<std::uint64_t>(s);
    truthBySeed.push_back(groundTruth(a, truthConfig, cells));
  }
  std::vector<double> truth(cells.size(), 0.0);
  for (const auto& v : truthBySeed)
    for (size_t i = 0; i < v.size(); ++i) truth[i] += v[i] / static_cast<double>(truthBySeed.size());
  const double truthReliability = pairwiseTau(truthBySeed);
  const auto [truthMin, truthMax] = std::minmax_element(truth.begin(), truth.end());
  std::printf("ground truth (%s strata): accuracies %.3f-%.3f; tau with NB201 CIFAR-10 %+.3f, with #skip %+.3f\n",
              a.strata.c_str(), *truthMin, *truthMax, kendallTau(truth, tableAccuracy), kendallTau(truth, skips));
  if (a.truthSeeds > 1)
    std::printf("ground truth reliability: Kendall tau between seeds %.3f, Spearman %.3f (mean over pairs of %d seeds); "
                "truth = mean\n",
                truthReliability, [&] {
                  std::vector<double> r;
                  for (size_t i = 0; i < truthBySeed.size(); ++i)
                    for (size_t j = i + 1; j < truthBySeed.size(); ++j) r.push_back(spearmanRho(truthBySeed[i], truthBySeed[j]));
                  return mean(r);
                }(), a.truthSeeds);
  double splitHalfTau = 0;
  if (a.truthSeeds >= 4) {
    const size_t h = truthBySeed.size() / 2;
    std::vector<double> first(cells.size(), 0.0), second(cells.size(), 0.0);
    for (size_t s = 0; s < 2 * h; ++s)
      for (size_t i = 0; i < cells.size(); ++i) (s < h ? first : second)[i] += truthBySeed[s][i] / static_cast<double>(h);
    splitHalfTau = kendallTau(first, second);
    std::printf("ground truth reliability of a %zu-seed mean: Kendall tau %.3f, Spearman %.3f (seeds 0-%zu vs %zu-%zu)\n", h,
                splitHalfTau, spearmanRho(first, second), h - 1, h, 2 * h - 1);
  }

  const bool freshStudy = a.seeds > 0 && a.scores.empty();
  if (freshStudy) {
    // Both probes once, unmeasured: the first use of a kernel pages in its code and the thread
    // pools' stacks, which would otherwise be charged to whichever criterion runs first.
    NaslidNet net(macro);
    const torch::Tensor x = normalizeBatch(data.train.images.slice(0, 0, a.probeBatch), data.norm);
    const std::vector<LabelledBatch> warm{{x, data.train.labels.slice(0, 0, a.probeBatch)}};
    lidSimilarity(*net, OpMask::all(), 0, warm, LidOptions{a.k, 1e-6}, 0);
    gradientSimilarity(*net, OpMask::all(), 0, warm, 0);
  }
  const std::vector<Criterion> criteria{Criterion::None, Criterion::Lid, Criterion::Gradient, Criterion::Random};
  std::map<std::string, std::vector<double>> tau, rho, topk, mem, secs, train;
  std::map<std::string, std::vector<std::vector<double>>> scoresBySeed;
  Json perSeed = Json::array();
  for (int seed = 0; freshStudy && seed < a.seeds; ++seed) {
    SplitOptions o;
    o.sense = parseEdgeSense(a.sense);
    o.levels = a.levels;
    o.levelEpochs = a.levelEpochs;
    o.repeats = a.repeats;
    o.probeBatch = a.probeBatch;
    o.lid.k = a.k;
    o.seed = static_cast<std::uint64_t>(seed);
    auto t = Clock::now();
    const std::string root = trainRoot(macro, data, o.train, a.warmup, o.seed);
    std::printf("seed %d: root supernet %lld epochs in %.0f s\n", seed, static_cast<long long>(a.warmup), since(t));
    Json seedJson{{"seed", seed}};
    for (Criterion c : criteria) {
      o.criterion = c;
      t = Clock::now();
      const SplitReport r = runSplitting(macro, data, root, o);
      const std::vector<double> scores = scoreCells(r.tree, macro, data, cells, 4, o.train);
      const std::string name = criterionName(c);
      scoresBySeed[name].push_back(scores);
      tau[name].push_back(kendallTau(scores, truth));
      rho[name].push_back(spearmanRho(scores, truth));
      topk[name].push_back(topKPrecision(scores, truth, 5));
      mem[name].push_back(r.peakMemoryMb);
      secs[name].push_back(r.splitSeconds);
      train[name].push_back(r.trainSeconds);
      std::printf("  %-8s tau %+.3f  rho %+.3f  top5 %.2f  leaves %zu  probes %.1f s, peak %.1f MB, training %.0f s (%.0f s total)\n",
                  name.c_str(), tau[name].back(), rho[name].back(), topk[name].back(), r.tree.leaves().size(),
                  r.splitSeconds, r.peakMemoryMb, r.trainSeconds, since(t));
      std::fflush(stdout);
      seedJson[name] = {{"kendall_tau", tau[name].back()}, {"spearman", rho[name].back()},
                        {"top5_precision", topk[name].back()}, {"split_seconds", r.splitSeconds},
                        {"peak_memory_mb", r.peakMemoryMb}, {"split_tree", r.tree.toJson()}};
    }
    perSeed.push_back(seedJson);
  }

  if (!a.scores.empty()) {
    // An earlier run's rankings of the same cells, judged by this run's truth.
    std::ifstream in(a.scores);
    if (!in) throw Error(ErrorCode::NotFound, "cannot read", a.scores);
    std::stringstream text;
    text << in.rdbuf();
    const Json earlier = parseJson(text.str(), a.scores);
    for (size_t i = 0; i < cells.size(); ++i)
      if (earlier.at("cells").size() != cells.size() || earlier.at("cells")[i].get<std::string>() != cells[i].toString())
        throw Error(ErrorCode::InvalidArgument, "scores other cells than this run's sample", a.scores);
    for (Criterion c : criteria) {
      const std::string name = criterionName(c);
      for (const auto& j : earlier.at("summary").at(name).at("scores")) {
        const auto scores = j.get<std::vector<double>>();
        scoresBySeed[name].push_back(scores);
        tau[name].push_back(kendallTau(scores, truth));
        rho[name].push_back(spearmanRho(scores, truth));
        topk[name].push_back(topKPrecision(scores, truth, 5));
      }
    }
    std::printf("scores of %zu seeds from %s\n", scoresBySeed["none"].size(), a.scores.c_str());
  }
  if (scoresBySeed.empty()) {
    std::printf("no study (--seeds 0): ground truth only, total %.0f s\n", since(t0));
    if (!a.json.empty())
      std::ofstream(a.json) << Json{{"truth", truth}, {"truth_by_seed", truthBySeed},
                                    {"truth_reliability_tau", truthReliability}, {"split_half_tau", splitHalfTau},
                                    {"strata", a.strata}, {"table_accuracy", tableAccuracy}}
                                   .dump(2)
                            << "\n";
    return 0;
  }
  std::printf("\nKendall tau / Spearman rho / top-5 precision vs from-scratch accuracy (%d cells), mean +- sd over %zu seeds\n",
              a.truthCells, scoresBySeed["none"].size());
  Json summary = Json::object();
  for (Criterion c : criteria) {
    const std::string n = criterionName(c);
    const double agreement = pairwiseTau(scoresBySeed[n]);
    std::vector<double> tauSkip, tauTable;
    for (const auto& sc : scoresBySeed[n]) {
      tauSkip.push_back(kendallTau(sc, skips));
      tauTable.push_back(kendallTau(sc, tableAccuracy));
    }
    std::printf("  %-8s tau %s   rho %s   top5 %s   seed-to-seed tau %+.3f   tau with #skip %+.3f   tau with NB201 "
                "CIFAR-10 %s\n",
                n.c_str(), fmt(mean(tau[n]), stddev(tau[n])).c_str(), fmt(mean(rho[n]), stddev(rho[n])).c_str(),
                fmt(mean(topk[n]), stddev(topk[n])).c_str(), agreement, mean(tauSkip),
                fmt(mean(tauTable), stddev(tauTable)).c_str());
    summary[n] = {{"kendall_tau_mean", mean(tau[n])}, {"kendall_tau_sd", stddev(tau[n])}, {"kendall_tau", tau[n]},
                  {"spearman_mean", mean(rho[n])}, {"top5_mean", mean(topk[n])},
                  {"seed_to_seed_tau", agreement}, {"skip_tau", mean(tauSkip)}, {"table_tau", tauTable}, {"scores", scoresBySeed[n]}};
  }
  if (!freshStudy) {
    if (!a.json.empty())
      std::ofstream(a.json) << Json{{"summary", summary}, {"truth", truth}, {"truth_by_seed", truthBySeed},
                                    {"truth_reliability_tau", truthReliability}, {"split_half_tau", splitHalfTau},
                                    {"strata", a.strata}, {"table_accuracy", tableAccuracy}, {"scores_from", a.scores}}
                                   .dump(2)
                            << "\n";
    std::printf("total %.0f s\n", since(t0));
    return 0;
  }
  const double lidMem = mean(mem["lid"]), gradMem = mean(mem["gradient"]);
  std::printf("\nSplit probes (per run: %d levels, %d batches of %lld images per edge score)\n", a.levels, a.repeats,
              static_cast<long long>(a.probeBatch));
  std::printf("  lid       peak %.1f MB, %.1f s\n", lidMem, mean(secs["lid"]));
  std::printf("  gradient  peak %.1f MB, %.1f s\n", gradMem, mean(secs["gradient"]));
  std::printf("  lid / gradient: memory %.0f %%, time %.0f %% (goal: memory <= 25 %%)\n",
              gradMem > 0 ? 100.0 * lidMem / gradMem : 0.0,
              mean(secs["gradient"]) > 0 ? 100.0 * mean(secs["lid"]) / mean(secs["gradient"]) : 0.0);

  // 4. The probes alone at the benchmark's depth (N=5: 17 blocks) and width (C=16), untrained
  //    weights (a probe's memory does not depend on their values): one edge, one batch each.
  Json depth = Json::array();
  for (const auto& [C, N] : std::vector<std::pair<int, int>>{{a.channels, 1}, {16, 5}}) {
    const Nb201MacroConfig m = nb201MacroFor(data.train, C, N);
    torch::manual_seed(0);
    NaslidNet net(m);
    const torch::Tensor x = normalizeBatch(data.train.images.slice(0, 0, a.probeBatch), data.norm);
    const std::vector<LabelledBatch> one{{x, data.train.labels.slice(0, 0, a.probeBatch)}};
    double peak[2], secsOf[2];
    for (int g = 0; g < 2; ++g) {
      const auto t = Clock::now();
      PeakMemoryProbe probe;
      if (g == 0) lidSimilarity(*net, OpMask::all(), 3, one, LidOptions{a.k, 1e-6}, 0);
      else gradientSimilarity(*net, OpMask::all(), 3, one, 0);
      peak[g] = probe.peakMb();
      secsOf[g] = since(t);
    }
    std::printf("  one edge, one batch, C=%d N=%d: lid %.1f MB %.1f s, gradient %.1f MB %.1f s, memory ratio %.0f %%\n",
                C, N, peak[0], secsOf[0], peak[1], secsOf[1], peak[1] > 0 ? 100.0 * peak[0] / peak[1] : 0.0);
    depth.push_back({{"channels", C}, {"cells_per_stage", N}, {"lid_mb", peak[0]}, {"gradient_mb", peak[1]},
                     {"lid_seconds", secsOf[0]}, {"gradient_seconds", secsOf[1]}});
  }
  std::printf("total %.0f s\n", since(t0));
  const Json out{{"summary", summary},
                 {"memory_mb", {{"lid", lidMem}, {"gradient", gradMem}}},
                 {"probe_seconds", {{"lid", mean(secs["lid"])}, {"gradient", mean(secs["gradient"])}}},
                 {"truth", truth},
                 {"truth_by_seed", truthBySeed},
                 {"truth_reliability_tau", truthReliability},
                 {"split_half_tau", splitHalfTau},
                 {"strata", a.strata},
                 {"table_accuracy", tableAccuracy},
                 {"cells", [&] {
                    Json j = Json::array();
                    for (const auto& c : cells) j.push_back(c.toString());
                    return j;
                  }()},
                 {"per_seed", perSeed},
                 {"probe_at_depth", depth},
                 {"seconds", since(t0)}};
  if (!a.json.empty()) std::ofstream(a.json) << out.dump(2) << "\n";
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_naslid: %s\n", e.what());
  return 1;
}
