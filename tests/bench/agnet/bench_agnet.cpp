// bench_agnet: AG-Net against regularized evolution and random search on a NAS-Bench-201
// table, side by side in one run (same seeds, same table, same loop).
//
//   bench_agnet [--table CSV] [--metric test_accuracy] [--seeds 20] [--queries 100]
//               [--evo-queries 200] [--threads 1] [--limit 100] [--objective2 flops]
//               [--mo-seeds N] [--no-mo] [--pareto-only] [--param key=value ...] [--json FILE]
//
// Prints mean +- std of the best value at 16/32/64/queries, regret to the table's optimum,
// seconds per seed (AG-Net's shared pretraining reported on its own line), evolution at
// --evo-queries, then the constrained (--objective2 <= --limit) and Pareto searches of
// AG-Net, evolution and random at --queries.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "AgnetSearch.h"
#include "common/Error.h"
#include "search/Stats.h"
#include "search/TabularSearch.h"

using namespace nas;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string table = "/work/shared/data/nb201/cifar10.csv";
  std::string metric = "test_accuracy";
  int seeds = 20;
  int firstSeed = 0;
  int queries = 100;
  int evoQueries = 200;
  int threads = 1;
  std::string objective2 = "flops";
  double limit = 100;
  int moSeeds = -1;  // -1: same as seeds
  bool mo = true;
  bool limitedMo = true;  // --pareto-only: skip the constrained search
  bool single = true;
  Json agnetParams = Json::object();
  std::string jsonOut;
};

struct Run {
  std::string name;
  int queries = 0;
  std::vector<TabularSearchResult> results;
  std::vector<double> seconds;
  std::vector<double> cpuSeconds;    // process CPU time: the figure that holds on a busy machine
  std::vector<double> validity;      // AG-Net: valid fraction of samples per round
  std::vector<double> roundSeconds;  // AG-Net: retraining + sampling per round
};

double bestAt(const TabularSearchResult& r, int q) { return r.trace[std::min<int>(q, r.trace.size()) - 1].bestSoFar; }

int gFirstSeed = 0;

Run runStrategy(const std::string& name, const StrategyFactory& factory, const TabularBenchmark& table,
                const std::string& metric, int queries, int seeds, const SearchObjectives& o) {
  Run run;
  run.name = name;
  run.queries = queries;
  for (int s = 0; s < seeds; ++s) {
    auto strategy = factory();
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    run.results.push_back(runTabularSearch(table, metric, *strategy, queries, std::uint64_t(gFirstSeed + s), {}, o));
    run.seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    run.cpuSeconds.push_back(double(std::clock() - c0) / CLOCKS_PER_SEC);
    if (const auto* a = dynamic_cast<const agnet::AgnetStrategy*>(strategy.get()))
      for (const auto& round : a->rounds()) {
        run.validity.push_back(round.validity);
        run.roundSeconds.push_back(round.seconds);
      }
    std::fprintf(stderr, "  %s seed %d: best %.3f in %.2f s (cpu %.2f s)\n", name.c_str(), gFirstSeed + s,
                 run.results.back().bestValue, run.seconds.back(), run.cpuSeconds.back());
  }
  return run;
}

void printRow(const Run& run, const std::vector<int>& budgets, double optimum) {
  std::printf("%-22s", (run.name + " (" + std::to_string(run.queries) + ")").c_str());
  for (int b : budgets) {
    if (b > run.queries) {
      std::printf(" %15s", "-");
      continue;
    }
    std::vector<double> v;
    for (const auto& r : run.results) v.push_back(bestAt(r, b));
    std::printf(" %7.3f+-%5.3f", mean(v), stddev(v));
  }
  std::vector<double> finals;
  for (const auto& r : run.results) finals.push_back(r.bestValue);
  std::printf("  regret %6.3f  %6.2f s/seed wall (max %.2f), %6.2f s/seed cpu (max %.2f)\n", optimum - mean(finals),
              mean(run.seconds), *std::max_element(run.seconds.begin(), run.seconds.end()), mean(run.cpuSeconds),
              *std::max_element(run.cpuSeconds.begin(), run.cpuSeconds.end()));
}

Json runJson(const Run& run) {
  Json j{{"strategy", run.name},
         {"queries", run.queries},
         {"seconds_per_seed", run.seconds},
         {"cpu_seconds_per_seed", run.cpuSeconds}};
  Json best = Json::array(), hv = Json::array();
  for (const auto& r : run.results) {
    best.push_back(r.bestValue);
    hv.push_back(r.pareto.hypervolume);
  }
  j["best_per_seed"] = best;
  Json at = Json::object();
  for (int b : {16, 32, 64, 100, 200})
    if (b <= run.queries) {
      Json v = Json::array();
      for (const auto& r : run.results) v.push_back(bestAt(r, b));
      at[std::to_string(b)] = v;
    }
  j["best_at"] = at;
  j["hypervolume_per_seed"] = hv;
  return j;
}

void printMo(const Run& run) {
  std::vector<double> best, hv;
  int none = 0;
  for (const auto& r : run.results) {
    if (r.hasBest) best.push_back(r.bestValue);
    else ++none;
    hv.push_back(r.pareto.hypervolume);
  }
  std::printf("%-22s best %7.3f+-%5.3f  hypervolume %.4f+-%.4f  %6.2f s/seed%s\n",
              (run.name + " (" + std::to_string(run.queries) + ")").c_str(), best.empty() ? NAN : mean(best),
              best.size() > 1 ? stddev(best) : 0.0, mean(hv), stddev(hv), mean(run.seconds),
              none ? (" (" + std::to_string(none) + " seeds without a feasible cell)").c_str() : "");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw Error(ErrorCode::InvalidArgument, "option " + a + " needs a value");
        return argv[++i];
      };
      if (a == "--table") o.table = next();
      else if (a == "--metric") o.metric = next();
      else if (a == "--seeds") o.seeds = std::stoi(next());
      else if (a == "--first-seed") o.firstSeed = std::stoi(next());
      else if (a == "--no-single") o.single = false;
      else if (a == "--queries") o.queries = std::stoi(next());
      else if (a == "--evo-queries") o.evoQueries = std::stoi(next());
      else if (a == "--threads") o.threads = std::stoi(next());
      else if (a == "--objective2") o.objective2 = next();
      else if (a == "--limit") o.limit = std::stod(next());
      else if (a == "--mo-seeds") o.moSeeds = std::stoi(next());
      else if (a == "--no-mo") o.mo = false;
      else if (a == "--pareto-only") o.limitedMo = false;
      else if (a == "--json") o.jsonOut = next();
      else if (a == "--param") {
        const std::string kv = next();
        const auto eq = kv.find('=');
        if (eq == std::string::npos) throw Error(ErrorCode::InvalidArgument, "--param needs key=value, got " + kv);
        const Json v = Json::parse(kv.substr(eq + 1), nullptr, false);
        o.agnetParams[kv.substr(0, eq)] = v.is_discarded() ? Json(kv.substr(eq + 1)) : v;
      } else throw Error(ErrorCode::InvalidArgument, "unknown option " + a);
    }
    if (o.moSeeds < 0) o.moSeeds = o.seeds;
    gFirstSeed = o.firstSeed;
    torch::set_num_threads(o.threads);
    TabularBenchmark::Options to;
    to.space = "nb201";
    const TabularBenchmark table = TabularBenchmark::load(o.table, to);
    double optimum = -1e300;
    for (double v : table.column(o.metric)) optimum = std::max(optimum, v);

    const agnet::SearchConfig config = agnet::searchConfigFromParams(o.agnetParams);
    const auto t0 = Clock::now();
    const auto pre = agnet::sharedPretrained(config.pretrain);
    std::printf("AG-Net pretraining: %d samples, %.1f s, final reconstruction loss %.4f, validity %.3f, "
                "distinct valid %.3f (shared by all seeds)\n",
                config.pretrain.samples, std::chrono::duration<double>(Clock::now() - t0).count(), pre->finalLoss,
                pre->validity, pre->uniqueValid);
    const StrategyFactory agnetFactory = [config] { return std::make_unique<agnet::AgnetStrategy>(config); };
    const SearchObjectives single;

    std::printf("table %s (%s), optimum %.3f, seeds %d..%d, torch threads %d\n", o.table.c_str(), o.metric.c_str(),
                optimum, o.firstSeed, o.firstSeed + o.seeds - 1, o.threads);
    Json out{{"table", o.table}, {"metric", o.metric}, {"seeds", o.seeds}, {"first_seed", o.firstSeed},
             {"threads", o.threads}, {"pretrain_seconds", pre->seconds}, {"pretrain_validity", pre->validity}};
    if (o.single) {
    Run ag = runStrategy("agnet", agnetFactory, table, o.metric, o.queries, o.seeds, single);
    Run evo = runStrategy("evolution", queryStrategyFactory("evolution"), table, o.metric, o.evoQueries, o.seeds, single);
    Run rnd = runStrategy("random", queryStrategyFactory("random"), table, o.metric, o.evoQueries, o.seeds, single);
    std::printf("AG-Net rounds: %zu over all seeds, validity of samples %.3f (min %.3f), %.2f s per round\n",
                ag.validity.size(), mean(ag.validity), *std::min_element(ag.validity.begin(), ag.validity.end()),
                mean(ag.roundSeconds));

    std::vector<int> budgets{16, 32, 64, o.queries};
    if (o.evoQueries > o.queries) budgets.push_back(o.evoQueries);
    std::printf("\n%-22s", "strategy (queries)");
    for (int b : budgets) std::printf(" %15s", ("best@" + std::to_string(b)).c_str());
    std::printf("\n");
    printRow(ag, budgets, optimum);
    printRow(evo, budgets, optimum);
    printRow(rnd, budgets, optimum);

    out["single"] = Json::array({runJson(ag), runJson(evo), runJson(rnd)});
    }

    if (o.mo) {
      Json mo = Json::array();
      for (bool limited : {true, false}) {
        if (limited && !o.limitedMo) continue;
        SecondObjective second{o.objective2, limited ? std::optional<double>(o.limit) : std::nullopt};
        const SearchObjectives objectives = makeSearchObjectives(table, o.metric, second);
        std::printf("\n%s: %s %s\n", limited ? "constrained" : "Pareto", o.objective2.c_str(),
                    limited ? ("<= " + std::to_string(o.limit)).c_str() : "(minimised)");
        Run a = runStrategy("agnet", agnetFactory, table, o.metric, o.queries, o.moSeeds, objectives);
        Run e = runStrategy("evolution", queryStrategyFactory("evolution"), table, o.metric, o.queries, o.moSeeds,
                            objectives);
        Run r = runStrategy("random", queryStrategyFactory("random"), table, o.metric, o.queries, o.moSeeds, objectives);
        if (limited) {
          // The best the table allows under the limit.
          double bestFeasible = -1e300;
          for (int i = 0; i < kNb201NumCells; ++i) {
            const Nb201Cell c = Nb201Cell::fromIndex(i);
            if (objectives.feasible(c))
              if (auto row = table.findCell(c)) bestFeasible = std::max(bestFeasible, table.value(*row, table.metricIndex(o.metric)));
          }
          std::printf("best feasible in the table: %.3f\n", bestFeasible);
        }
        printMo(a);
        printMo(e);
        printMo(r);
        mo.push_back(Json{{"mode", limited ? "limit" : "pareto"}, {"objective2", o.objective2},
                          {"limit", limited ? Json(o.limit) : Json(nullptr)},
                          {"runs", Json::array({runJson(a), runJson(e), runJson(r)})}});
      }
      out["multi_objective"] = mo;
    }
    if (!o.jsonOut.empty()) std::ofstream(o.jsonOut) << out.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_agnet: %s\n", e.what());
    return 1;
  }
}
