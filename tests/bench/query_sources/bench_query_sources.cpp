// Figures for the query sources of searches without a table (issue 5, part 4), measured in
// one run on the same held-out split:
//   1. supernet training time of the given config at each thread count (and whether the
//      trained states agree across thread counts),
//   2. time per supernet query and the estimates, per BatchNorm treatment,
//   3. the same cells trained from scratch (time per cell, accuracy),
//   4. Kendall tau (and Spearman rho) between each treatment's estimates and the scratch
//      accuracies, over all cells and over the connected ones.
//
//   OMP_WAIT_POLICY=PASSIVE bench_query_sources [--data-dir DIR] [--threads 2,1]
//       [--cells 12] [--epochs 5] [--scratch-epochs 2] [--train-limit 10000] [--val 1000]
//
// Cells: `--cells` distinct cells drawn uniformly from the 15,625 with a fixed seed, so the
// set spreads over the space (some disconnected ones included, as a search would meet them).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>

#include "common/Error.h"
#include "data/Rng.h"
#include "eval/QuerySources.h"
#include "search/Stats.h"
#include "train/MlInfo.h"

using namespace nas;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::vector<int> parseInts(const std::string& text) {
  std::vector<int> v;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) v.push_back(std::stoi(item));
  return v;
}

std::vector<Nb201Cell> spreadCells(int n, std::uint64_t seed) {
  Rng rng(seed);
  std::set<int> seen;
  std::vector<Nb201Cell> cells;
  while (static_cast<int>(cells.size()) < n) {
    const int index = static_cast<int>(rng.below(kNb201NumCells));
    if (seen.insert(index).second) cells.push_back(Nb201Cell::fromIndex(index));
  }
  return cells;
}

std::vector<double> pick(const std::vector<double>& v, const std::vector<size_t>& idx) {
  std::vector<double> out;
  for (size_t i : idx) out.push_back(v[i]);
  return out;
}

int run(int argc, char** argv) {
  CLI::App app{"Supernet and from-scratch query sources on Fashion-MNIST"};
  SupernetSourceConfig super;
  ScratchSourceConfig scratch;
  std::string threadList = "2,1";
  int numCells = 12;
  std::uint64_t cellSeed = 7;
  app.add_option("--data-dir", super.data.dataDir, "Fashion-MNIST folder (default: Debian's)");
  app.add_option("--dataset", super.data.dataset, "fashion-mnist, cifar10 or synthetic");
  app.add_option("--threads", threadList, "thread counts for supernet training; the first one runs the rest");
  app.add_option("--cells", numCells, "cells to compare");
  app.add_option("--cell-seed", cellSeed, "seed of the cell draw");
  app.add_option("--epochs", super.epochs, "supernet epochs");
  app.add_option("--channels", super.channels, "C of both sources");
  app.add_option("--n", super.cellsPerStage, "N of both sources");
  app.add_option("--train-limit", super.data.trainLimit, "training images of both sources");
  app.add_option("--val", super.data.valImages, "held-out images");
  app.add_option("--bn-batches", super.bnBatches, "recalibration batches per query");
  app.add_option("--scratch-epochs", scratch.epochs, "epochs per cell trained from scratch");
  CLI11_PARSE(app, argc, argv);
  scratch.data = super.data;
  scratch.channels = super.channels;
  scratch.cellsPerStage = super.cellsPerStage;
  const std::vector<int> threads = parseInts(threadList);
  if (threads.empty()) throw Error(ErrorCode::InvalidArgument, "needs at least one count", "--threads");

  std::printf("config: %s, C=%d N=%d, %lld train / %lld held-out images, supernet %lld epochs batch %lld lr %g, "
              "BN recalibration %lld batches; scratch %lld epochs\n",
              super.data.dataset.c_str(), super.channels, super.cellsPerStage,
              static_cast<long long>(super.data.trainLimit), static_cast<long long>(super.data.valImages),
              static_cast<long long>(super.epochs), static_cast<long long>(super.batch), super.lr,
              static_cast<long long>(super.bnBatches), static_cast<long long>(scratch.epochs));

  // ---- 1. supernet training per thread count (the last count's state is kept)
  std::string state, firstState;
  for (size_t i = 0; i < threads.size(); ++i) {
    setTorchThreads(threads[i]);
    const auto t0 = Clock::now();
    std::string s = trainSupernet(super);
    std::printf("supernet training, %d thread(s): %.1f s\n", threads[i], secondsSince(t0));
    std::fflush(stdout);
    if (i == 0) firstState = s;
    else std::printf("  state equals the %d-thread one: %s\n", threads[0], s == firstState ? "yes" : "no");
  }
  state = firstState;  // the rest runs at the first thread count
  setTorchThreads(threads[0]);

  // ---- 2. supernet queries per BN treatment
  const std::vector<Nb201Cell> cells = spreadCells(numCells, cellSeed);
  const std::vector<SupernetBn> modes = {SupernetBn::Recalibrate, SupernetBn::BatchStats, SupernetBn::Shared};
  std::vector<std::vector<double>> estimates(modes.size());
  for (size_t m = 0; m < modes.size(); ++m) {
    SupernetSourceConfig c = super;
    c.bn = modes[m];
    auto source = makeSupernetQuerySource(c, state);
    source->query(cells[0]);  // warm-up (allocator, first-call costs)
    const auto t0 = Clock::now();
    for (const Nb201Cell& cell : cells) estimates[m].push_back(source->query(cell));
    std::printf("supernet query (%s): %.3f s per cell\n", supernetBnName(modes[m]),
                secondsSince(t0) / static_cast<double>(cells.size()));
    std::fflush(stdout);
  }

  // ---- 3. from scratch
  auto trained = makeScratchQuerySource(scratch);
  std::vector<double> truth, seconds;
  std::printf("\n%-92s %8s %8s %8s %8s %7s\n", "cell", "scratch", "recal", "batch", "shared", "s/cell");
  for (size_t i = 0; i < cells.size(); ++i) {
    const auto t0 = Clock::now();
    truth.push_back(trained->query(cells[i]));
    seconds.push_back(secondsSince(t0));
    std::printf("%-92s %8.4f %8.4f %8.4f %8.4f %7.1f\n", cells[i].toString().c_str(), truth[i], estimates[0][i],
                estimates[1][i], estimates[2][i], seconds[i]);
    std::fflush(stdout);
  }
  std::printf("from scratch: %.1f s per cell (mean)\n\n", mean(seconds));

  // ---- 4. rank agreement
  std::vector<size_t> all, connected;
  for (size_t i = 0; i < cells.size(); ++i) {
    all.push_back(i);
    if (cells[i].connected()) connected.push_back(i);
  }
  for (size_t m = 0; m < modes.size(); ++m)
    std::printf("BN %-12s Kendall tau %.3f (Spearman %.3f) over %zu cells; tau %.3f over the %zu connected\n",
                supernetBnName(modes[m]), kendallTau(estimates[m], truth), spearmanRho(estimates[m], truth),
                all.size(), kendallTau(pick(estimates[m], connected), pick(truth, connected)), connected.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_query_sources: %s\n", toError(e).what());
    return 1;
  }
}
