// bench_agnet: AG-Net against regularized evolution and random search on a NAS-Bench-201
// table, side by side in one run (same seeds, same table, same loop, same search column).
//
//   bench_agnet [--table CSV] [--signal-column COL] [--report-column test_accuracy]
//               [--seeds 20] [--first-seed 0] [--budgets 100,paper] [--pretrain shared|per-seed]
//               [--threads 1] [--param key=value ...] [--json FILE]
//               [--mo] [--queries 100] [--limit 100] [--objective2 flops] [--mo-seeds N] [--pareto-only]
//
// Protocol (issue 20): every strategy searches on --signal-column (default: the table's
// validation column, else the report column) and is judged by --report-column of its
// best-by-signal cell, as the paper does (search on validation, report test). Each seed runs
// once to the largest budget; a smaller budget is the same run's prefix (the loop never tells
// a strategy its budget), so "at 100" and "at 320" come from one run per seed.
// Prints per budget mean +- sd, a 95 % t interval, regret to the report column's optimum, and
// AG-Net's paired difference to each baseline (Wilcoxon signed-rank); the regret curve every
// 16 queries; seconds per seed (AG-Net's per-seed pretraining on its own). --json is
// rewritten after every AG-Net seed, so a run stopped early leaves the seeds it finished.
// --mo adds the constrained (--objective2 <= --limit) and Pareto searches at --queries.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "AgnetSearch.h"
#include "common/Error.h"
#include "search/Stats.h"
#include "search/TabularQuerySource.h"
#include "search/TabularSearch.h"

using namespace nas;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string table = "/work/shared/data/nb201/cifar10.csv";
  std::string signal;  // empty: the table's validation column, else the report column
  std::string report = "test_accuracy";
  int seeds = 20;
  int firstSeed = 0;
  std::string budgets = "100,paper";
  int queries = 100;  // --mo searches
  int threads = 1;
  std::string objective2 = "flops";
  double limit = 100;
  int moSeeds = -1;  // -1: same as seeds
  bool mo = false;
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
  std::vector<double> pretrainSeconds;  // AG-Net per-seed pretraining (wall, inside `seconds`)
  std::vector<double> pretrainValidity;  // AG-Net: valid fraction of samples after pretraining
};

// Two-sided 95 % Student t quantile for `df` degrees of freedom (1.96 beyond the table).
double t975(int df) {
  static const double t[] = {0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
                             2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
                             2.056, 2.052, 2.048, 2.045, 2.042};
  return df >= 1 && df <= 30 ? t[df] : 1.96;
}
double halfWidth(const std::vector<double>& v) {
  return v.size() < 2 ? 0.0 : t975(int(v.size()) - 1) * stddev(v) / std::sqrt(double(v.size()));
}

// The report column of the best-by-signal cell after `q` queries.
double reportAt(const TabularSearchResult& r, int q) { return r.trace[std::min<int>(q, r.trace.size()) - 1].reportOfBest; }

double bestAt(const TabularSearchResult& r, int q) { return r.trace[std::min<int>(q, r.trace.size()) - 1].bestSoFar; }

int gFirstSeed = 0;

// `source`: null for the --mo searches (the table and metric then), else the single-objective
// protocol's source (search column + report column). `afterSeed` runs after every seed.
Run runStrategy(const std::string& name, const StrategyFactory& factory, const TabularBenchmark& table,
                const std::string& metric, int queries, int seeds, const SearchObjectives& o,
                TabularQuerySource* source = nullptr, const std::function<void(const Run&)>& afterSeed = {}) {
  Run run;
  run.name = name;
  run.queries = queries;
  for (int s = 0; s < seeds; ++s) {
    auto strategy = factory();
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    const std::uint64_t seed = std::uint64_t(gFirstSeed + s);
    run.results.push_back(source ? runQuerySearch(*source, *strategy, queries, seed)
                                 : runTabularSearch(table, metric, *strategy, queries, seed, {}, o));
    run.seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    run.cpuSeconds.push_back(double(std::clock() - c0) / CLOCKS_PER_SEC);
    if (const auto* a = dynamic_cast<const agnet::AgnetStrategy*>(strategy.get())) {
      for (const auto& round : a->rounds()) {
        run.validity.push_back(round.validity);
        run.roundSeconds.push_back(round.seconds);
      }
      if (a->pretrained()) {
        run.pretrainSeconds.push_back(a->pretrained()->seconds);
        run.pretrainValidity.push_back(a->pretrained()->validity);
      }
    }
    std::fprintf(stderr, "  %s seed %d: best %.3f (reported %.3f) in %.2f s (cpu %.2f s)\n", name.c_str(),
                 gFirstSeed + s, run.results.back().bestValue, run.results.back().bestReport, run.seconds.back(),
                 run.cpuSeconds.back());
    if (afterSeed) afterSeed(run);
  }
  return run;
}

// The protocol's figures of one strategy at one budget: the report column of the
// best-by-signal cell, over the seeds the run has.
std::vector<double> reportsAt(const Run& run, int budget) {
  std::vector<double> v;
  for (const auto& r : run.results) v.push_back(reportAt(r, budget));
  return v;
}

Json protocolJson(const Run& run, const std::vector<int>& budgets, double optimum) {
  Json j{{"strategy", run.name},
         {"queries", run.queries},
         {"seeds_done", run.results.size()},
         {"seconds_per_seed", run.seconds},
         {"cpu_seconds_per_seed", run.cpuSeconds},
         {"pretrain_seconds_per_seed", run.pretrainSeconds},
         {"pretrain_validity_per_seed", run.pretrainValidity}};
  Json at = Json::object();
  for (int b : budgets) {
    const std::vector<double> v = reportsAt(run, b);
    if (v.empty()) continue;
    at[std::to_string(b)] = Json{{"report_per_seed", v}, {"mean", mean(v)}, {"sd", v.size() > 1 ? stddev(v) : 0.0},
                                 {"ci95_half_width", halfWidth(v)}, {"regret", optimum - mean(v)}};
  }
  j["at"] = at;
  // Mean regret (report column) after every 16th query and the last.
  Json curve = Json::array();
  std::vector<int> points;
  for (int q = 16; q <= run.queries; q += 16) points.push_back(q);
  if (points.empty() || points.back() != run.queries) points.push_back(run.queries);
  if (!run.results.empty())
    for (int q : points) curve.push_back(Json{{"query", q}, {"regret", optimum - mean(reportsAt(run, q))}});
  j["regret_curve"] = curve;
  return j;
}

// AG-Net minus a baseline on the same seeds (only the seeds both have).
void printPaired(const Run& ag, const Run& base, int budget) {
  const std::size_t n = std::min(ag.results.size(), base.results.size());
  std::vector<double> d;
  int wins = 0, ties = 0;
  for (std::size_t i = 0; i < n; ++i) {
    d.push_back(reportAt(ag.results[i], budget) - reportAt(base.results[i], budget));
    wins += d.back() > 0;
    ties += d.back() == 0;
  }
  if (d.empty()) return;
  std::printf("  agnet - %-10s @%-4d %+7.3f  95%% CI [%+.3f, %+.3f]  better %d, tied %d of %zu seeds, Wilcoxon p %.4f\n",
              base.name.c_str(), budget, mean(d), mean(d) - halfWidth(d), mean(d) + halfWidth(d), wins, ties, n,
              wilcoxonSignedRankP(d));
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


// "100,paper" -> {100, the paper's budget}, ascending.
std::vector<int> parseBudgets(const std::string& text, int paper) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const int b = item == "paper" ? paper : std::stoi(item);
    if (b < 1) throw Error(ErrorCode::InvalidArgument, "--budgets: a budget must be at least 1, got " + item);
    out.push_back(b);
  }
  if (out.empty()) throw Error(ErrorCode::InvalidArgument, "--budgets needs at least one budget");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
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
      else if (a == "--signal-column") o.signal = next();
      else if (a == "--report-column") o.report = next();
      else if (a == "--seeds") o.seeds = std::stoi(next());
      else if (a == "--first-seed") o.firstSeed = std::stoi(next());
      else if (a == "--budgets") o.budgets = next();
      else if (a == "--pretrain") o.agnetParams["pretrain"] = next();
      else if (a == "--no-single") o.single = false;
      else if (a == "--queries") o.queries = std::stoi(next());
      else if (a == "--threads") o.threads = std::stoi(next());
      else if (a == "--objective2") o.objective2 = next();
      else if (a == "--limit") o.limit = std::stod(next());
      else if (a == "--mo-seeds") o.moSeeds = std::stoi(next());
      else if (a == "--mo") o.mo = true;
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
    // The protocol's columns; errors name a missing one.
    if (o.signal.empty()) o.signal = tableValidationColumn(table);
    if (o.signal.empty()) o.signal = o.report;
    TabularQuerySource source(table, o.signal, o.report);
    double optimum = -1e300;
    for (double v : table.column(o.report)) optimum = std::max(optimum, v);

    const agnet::SearchConfig config = agnet::searchConfigFromParams(o.agnetParams);
    const int paper = agnet::paperQueryBudget(config);
    const std::vector<int> budgets = parseBudgets(o.budgets, paper);
    const int maxBudget = budgets.back();
    const bool perSeed = config.pretrainMode == agnet::PretrainMode::PerSeed;
    Json out{{"table", o.table}, {"signal_column", o.signal}, {"report_column", o.report},
             {"report_optimum", optimum}, {"seeds", o.seeds}, {"first_seed", o.firstSeed},
             {"threads", o.threads}, {"budgets", budgets}, {"paper_budget", paper},
             {"pretrain", agnet::pretrainModeName(config.pretrainMode)},
             {"pretrain_samples", config.pretrain.samples}, {"agnet_params", o.agnetParams}};
    if (!perSeed) {
      const auto t0 = Clock::now();
      const auto pre = agnet::sharedPretrained(config.pretrain);
      std::printf("AG-Net pretraining: %d samples, %.1f s, final reconstruction loss %.4f, validity %.3f, "
                  "distinct valid %.3f (shared by all seeds)\n",
                  config.pretrain.samples, std::chrono::duration<double>(Clock::now() - t0).count(), pre->finalLoss,
                  pre->validity, pre->uniqueValid);
      out["pretrain_seconds"] = pre->seconds;
      out["pretrain_validity"] = pre->validity;
    }
    const StrategyFactory agnetFactory = [config] { return std::make_unique<agnet::AgnetStrategy>(config); };
    const SearchObjectives single;
    auto writeJson = [&] {
      if (!o.jsonOut.empty()) std::ofstream(o.jsonOut) << out.dump(2) << "\n";
    };

    std::printf("table %s: search on %s, report %s (optimum %.3f)%s; seeds %d..%d; budgets", o.table.c_str(),
                o.signal.c_str(), o.report.c_str(), optimum,
                o.signal == o.report ? " [the table has no separate search column]" : "", o.firstSeed,
                o.firstSeed + o.seeds - 1);
    for (int b : budgets) std::printf(" %d", b);
    std::printf(" (paper %d); pretraining %s, %d samples; torch threads %d\n", paper,
                agnet::pretrainModeName(config.pretrainMode), config.pretrain.samples, o.threads);
    std::fflush(stdout);
    if (o.single) {
      // The baselines first (milliseconds), then AG-Net seed by seed, the JSON rewritten after each.
      Run evo = runStrategy("evolution", queryStrategyFactory("evolution"), table, o.signal, maxBudget, o.seeds, single,
                            &source);
      Run rnd = runStrategy("random", queryStrategyFactory("random"), table, o.signal, maxBudget, o.seeds, single,
                            &source);
      Json baselines = Json::object();
      baselines["evolution"] = protocolJson(evo, budgets, optimum);
      baselines["random"] = protocolJson(rnd, budgets, optimum);
      Run ag = runStrategy("agnet", agnetFactory, table, o.signal, maxBudget, o.seeds, single, &source,
                           [&](const Run& r) {
                             out["single"]["agnet"] = protocolJson(r, budgets, optimum);
                             out["single"]["evolution"] = baselines["evolution"];
                             out["single"]["random"] = baselines["random"];
                             writeJson();
                           });
      std::printf("AG-Net rounds: %zu over all seeds, validity of samples %.3f (min %.3f), %.2f s per round\n",
                  ag.validity.size(), mean(ag.validity), *std::min_element(ag.validity.begin(), ag.validity.end()),
                  mean(ag.roundSeconds));
      if (perSeed && !ag.pretrainSeconds.empty())
        std::printf("AG-Net pretraining per seed: %.1f s mean (wall, inside the seconds per seed), validity %.3f "
                    "(min %.3f)\n",
                    mean(ag.pretrainSeconds), mean(ag.pretrainValidity),
                    *std::min_element(ag.pretrainValidity.begin(), ag.pretrainValidity.end()));
      for (int b : budgets) {
        std::printf("\n%s of the best-by-%s cell after %d queries (%zu seeds):\n", o.report.c_str(), o.signal.c_str(),
                    b, ag.results.size());
        for (const Run* r : {&ag, &evo, &rnd}) {
          const std::vector<double> v = reportsAt(*r, b);
          std::printf("  %-10s %7.3f +- %5.3f  95%% CI [%.3f, %.3f]  regret %.3f\n", r->name.c_str(), mean(v),
                      stddev(v), mean(v) - halfWidth(v), mean(v) + halfWidth(v), optimum - mean(v));
        }
        printPaired(ag, evo, b);
        printPaired(ag, rnd, b);
      }
      std::printf("\nmean regret (%s) every 16 queries:\n  query ", o.report.c_str());
      for (int q = 16; q <= maxBudget; q += 16) std::printf(" %6d", q);
      for (const Run* r : {&ag, &evo, &rnd}) {
        std::printf("\n  %-6s", r->name.c_str());
        for (int q = 16; q <= maxBudget; q += 16) std::printf(" %6.3f", optimum - mean(reportsAt(*r, q)));
      }
      std::printf("\n\n%-10s %8s %8s (per seed, mean; AG-Net includes its pretraining)\n", "", "wall s", "cpu s");
      for (const Run* r : {&ag, &evo, &rnd})
        std::printf("%-10s %8.2f %8.2f\n", r->name.c_str(), mean(r->seconds), mean(r->cpuSeconds));
      out["single"]["agnet"] = protocolJson(ag, budgets, optimum);
      writeJson();
    }

    if (o.mo) {
      const std::string metric = o.signal;
      Json mo = Json::array();
      for (bool limited : {true, false}) {
        if (limited && !o.limitedMo) continue;
        SecondObjective second{o.objective2, limited ? std::optional<double>(o.limit) : std::nullopt};
        const SearchObjectives objectives = makeSearchObjectives(table, metric, second);
        std::printf("\n%s: %s %s\n", limited ? "constrained" : "Pareto", o.objective2.c_str(),
                    limited ? ("<= " + std::to_string(o.limit)).c_str() : "(minimised)");
        Run a = runStrategy("agnet", agnetFactory, table, metric, o.queries, o.moSeeds, objectives);
        Run e = runStrategy("evolution", queryStrategyFactory("evolution"), table, metric, o.queries, o.moSeeds,
                            objectives);
        Run r = runStrategy("random", queryStrategyFactory("random"), table, metric, o.queries, o.moSeeds, objectives);
        if (limited) {
          // The best the table allows under the limit.
          double bestFeasible = -1e300;
          for (int i = 0; i < kNb201NumCells; ++i) {
            const Nb201Cell c = Nb201Cell::fromIndex(i);
            if (objectives.feasible(c))
              if (auto row = table.findCell(c)) bestFeasible = std::max(bestFeasible, table.value(*row, table.metricIndex(metric)));
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
    writeJson();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_agnet: %s\n", e.what());
    return 1;
  }
}
