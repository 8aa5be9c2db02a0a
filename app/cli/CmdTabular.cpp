// `tabular search`: a query-based search on a benchmark table over many seeds, in memory
// (no workspace); `run tabular-search` is the same as a job that records everything.
#include <iomanip>
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Paths.h"
#include "search/TabularSearch.h"

namespace nas::cli {

namespace {
struct TabularOptions {
  std::string table;
  std::string metric = "test_accuracy";
  std::string strategy = "evolution";
  int queries = 100;
  int seeds = 20;
  std::uint64_t seed = 0;
  bool json = false;
};
}  // namespace

void addTabularCommand(CLI::App& app, CliState& state) {
  auto* tabular = app.add_subcommand("tabular", "Searches on a tabular benchmark (a CSV of architectures and metrics)");
  tabular->require_subcommand(1);
  auto* search = tabular->add_subcommand("search", "Run a query-based search over several seeds");
  auto o = std::make_shared<TabularOptions>();
  search->add_option("--table", o->table, "benchmark CSV (default: the shipped NAS-Bench-201 CIFAR-10 table)");
  search->add_option("--metric", o->metric, "column to maximise");
  search->add_option("--strategy", o->strategy, "search strategy")->check(CLI::IsMember(queryStrategyNames()));
  search->add_option("--queries", o->queries, "query budget per seed")->check(CLI::PositiveNumber);
  search->add_option("--seeds", o->seeds, "number of seeds")->check(CLI::PositiveNumber);
  search->add_option("--seed", o->seed, "first seed");
  search->add_flag("--json", o->json, "print one JSON object");
  search->callback([&state, o] {
    state.action = [o] {
      std::string path = o->table.empty() ? resourcePath("data/nb201/cifar10.csv") : o->table;
      TabularBenchmark::Options options;
      options.space = "nb201";
      TabularBenchmark table = TabularBenchmark::load(path, options);
      table.metricIndex(o->metric);  // fail early, naming the table's metrics
      TerminalProgress bar;
      const double total = double(o->queries) * o->seeds;
      double done = 0;
      MultiSeedSummary summary = runMultiSeedSearch(
          table, o->metric, o->strategy, queryStrategyFactory(o->strategy), o->queries, o->seeds, o->seed,
          [&](std::uint64_t seed, const QueryRecord&) {
            done += 1;
            bar.progress(done / total, "seed " + std::to_string(seed));
          });
      bar.finish();
      if (o->json) {
        Json out = summary.toJson();
        out["table"] = path;
        printJson(out);
        return 0;
      }
      std::cout << o->strategy << " on " << path << " (" << o->metric << "), " << o->queries << " queries x "
                << o->seeds << " seeds\n"
                << std::fixed << std::setprecision(3) << "mean best " << summary.meanBest << " +- " << summary.stdBest
                << "\nbest " << summary.bestValue << "  " << summary.bestArch << "\n";
      return 0;
    };
  });
}

}  // namespace nas::cli
