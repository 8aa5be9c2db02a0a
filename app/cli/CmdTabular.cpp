// `tabular search`: a query-based search on a benchmark table over many seeds, in memory
// (no workspace); `run tabular-search` is the same as a job that records everything.
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "eval/Nb201Latency.h"
#include "search/LatencyObjective.h"
#include "search/TabularSearch.h"
#include "store/Workspace.h"

namespace nas::cli {

namespace {
struct TabularOptions {
  std::string table;
  std::string metric = "test_accuracy";
  std::string strategy = "evolution";
  int queries = 100;
  int seeds = 20;
  std::uint64_t seed = 0;
  std::vector<std::string> strategyParams;
  std::string objective2;
  std::string latencyProfile;  // objective2 latency_ms: device profile (empty: the latest nb201 one)
  std::string workspace;       // objective2 latency_ms: where the profile is
  double limit = 0;
  bool hasLimit = false;
  bool json = false;
};

// The strategies that know `name`: the built-in ones, else the engine's, which loads the
// plugins only then, so `--strategy evolution` never pays for plugin loading.
const QueryStrategyRegistry& strategiesFor(CliState& state, const std::string& name) {
  static const QueryStrategyRegistry builtins;
  return builtins.contains(name) ? builtins : state.engine().queryStrategies();
}

// "key=value" pairs typed by the strategy's documented defaults.
Json strategyParamsFromPairs(const QueryStrategyRegistry& strategies, const std::string& strategy,
                             const std::vector<std::string>& pairs) {
  const Json defaults = strategies.defaults(strategy);
  Json params = Json::object();
  for (const auto& pair : pairs) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(ErrorCode::InvalidArgument, "expected key=value", "--strategy-param '" + pair + "'");
    const std::string key = pair.substr(0, eq), text = pair.substr(eq + 1);
    if (!defaults.contains(key)) {
      params[key] = text;  // the factory rejects it, listing the known names
      continue;
    }
    const Json& d = defaults.at(key);
    try {
      std::size_t used = 0;
      if (d.is_boolean()) {
        if (text != "true" && text != "false") throw std::invalid_argument("bool");
        params[key] = text == "true";
      } else if (d.is_number_integer()) {
        params[key] = std::stoll(text, &used);
        if (used != text.size()) throw std::invalid_argument("int");
      } else if (d.is_number()) {
        params[key] = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument("number");
      } else {
        params[key] = text;
      }
    } catch (const std::exception&) {
      throw Error(ErrorCode::InvalidArgument,
                  "'" + text + "' is not a valid value for '" + key + "' (default " + d.dump() + ")",
                  "--strategy-param '" + pair + "'");
    }
  }
  return params;
}

// objective2 latency_ms: the cells' predicted latency from a device profile of the workspace.
LatencyObjective latencyObjective(const TabularOptions& o) {
  const std::string path = o.workspace.empty() ? defaultWorkspacePath() : o.workspace;
  if (!std::filesystem::exists(path))
    throw Error(ErrorCode::NotFound,
                "--objective2 latency_ms reads a device profile from a workspace, and there is none here; "
                "measure one with `nasstudio-cli latency profile --space nb201 --workspace FILE`",
                path);
  auto ws = Workspace::openForReading(path);
  const auto space = makeNb201LatencySpace();
  return nb201LatencyObjective(*ws, o.latencyProfile, *space);
}
}  // namespace

void addTabularCommand(CLI::App& app, CliState& state) {
  auto* tabular = app.add_subcommand("tabular", "Searches on a tabular benchmark (a CSV of architectures and metrics)");
  tabular->require_subcommand(1);
  auto* search = tabular->add_subcommand("search", "Run a query-based search over several seeds");
  auto o = std::make_shared<TabularOptions>();
  search->add_option("--table", o->table, "benchmark CSV (default: the shipped NAS-Bench-201 CIFAR-10 table)");
  search->add_option("--metric", o->metric, "column to maximise");
  // Plugins register strategies (agnet) with the engine, loaded only for a name that is not
  // built in.
  search->add_option("--strategy", o->strategy, "search strategy (random, evolution, or one a plugin adds, e.g. agnet)")
      ->check(CLI::Validator(
          [&state](std::string& name) -> std::string {
            const QueryStrategyRegistry& strategies = strategiesFor(state, name);
            if (strategies.contains(name)) return {};
            std::string names;
            for (const auto& n : strategies.names()) names += (names.empty() ? "" : ", ") + n;
            return "unknown strategy '" + name + "' (known: " + names + ")";
          },
          "STRATEGY"));
  search->add_option("--strategy-param", o->strategyParams,
                     "strategy parameter as key=value (repeatable; e.g. agnet's k=16, num_init=16)");
  search->add_option("--objective2", o->objective2,
                     "second objective, minimised: flops (M), params (M), latency_ms (predicted from a device "
                     "profile, see --latency-profile) or a table column; adds pareto and hypervolume to the output");
  search->add_option("--latency-profile", o->latencyProfile,
                     "with --objective2 latency_ms: device profile (default: the workspace's latest nb201 profile)");
  addWorkspaceOption(search, o->workspace);
  search->add_option("--limit", o->limit, "with --objective2: best metric with the second objective at most this");
  search->add_option("--queries", o->queries, "query budget per seed")->check(CLI::PositiveNumber);
  search->add_option("--seeds", o->seeds, "number of seeds")->check(CLI::PositiveNumber);
  search->add_option("--seed", o->seed, "first seed");
  search->add_flag("--json", o->json, "print one JSON object");
  search->callback([&state, o, search] {
    o->hasLimit = search->count("--limit") > 0;
    state.action = [&state, o] {
      std::string path = o->table.empty() ? resourcePath("data/nb201/cifar10.csv") : o->table;
      TabularBenchmark::Options options;
      options.space = "nb201";
      TabularBenchmark table = TabularBenchmark::load(path, options);
      table.metricIndex(o->metric);  // fail early, naming the table's metrics
      SecondObjective second;
      std::string latencyProfile;
      if (o->objective2 == kLatencyObjective && !table.hasMetric(kLatencyObjective)) {
        LatencyObjective latency = latencyObjective(*o);
        second = latency.second;
        latencyProfile = latency.profile;
      } else if (!o->latencyProfile.empty())
        throw Error(ErrorCode::InvalidArgument, "--latency-profile needs --objective2 latency_ms", "--latency-profile");
      second.name = o->objective2;
      if (o->hasLimit) second.limit = o->limit;
      makeSearchObjectives(table, o->metric, second);  // fail early on a bad objective
      const QueryStrategyRegistry& strategies = strategiesFor(state, o->strategy);
      const StrategyFactory factory =
          strategies.factory(o->strategy, strategyParamsFromPairs(strategies, o->strategy, o->strategyParams));
      TerminalProgress bar;
      const double total = double(o->queries) * o->seeds;
      double done = 0;
      MultiSeedSummary summary = runMultiSeedSearch(
          table, o->metric, o->strategy, factory, o->queries, o->seeds, o->seed,
          [&](std::uint64_t seed, const QueryRecord&) {
            done += 1;
            bar.progress(done / total, "seed " + std::to_string(seed));
          },
          second);
      bar.finish();
      if (o->json) {
        Json out = summary.toJson();
        out["table"] = path;
        if (!latencyProfile.empty()) out["latency_profile"] = latencyProfile;
        printJson(out);
        return 0;
      }
      std::cout << o->strategy << " on " << path << " (" << o->metric << "), " << o->queries << " queries x "
                << o->seeds << " seeds\n"
                << std::fixed << std::setprecision(3) << "mean best " << summary.meanBest << " +- " << summary.stdBest
                << "\nbest " << summary.bestValue << "  " << summary.bestArch << "\n";
      if (!summary.objective2.empty())
        std::cout << "second objective " << summary.objective2
                  << (summary.limit ? " <= " + std::to_string(*summary.limit) : std::string(" (Pareto)"))
                  << ": hypervolume " << summary.meanHypervolume << " +- " << summary.stdHypervolume << ", "
                  << summary.pareto.size() << " cells on the front of all seeds"
                  << (summary.seedsWithoutFeasible ? ", " + std::to_string(summary.seedsWithoutFeasible) +
                                                         " seeds without a feasible cell"
                                                   : std::string())
                  << "\n";
      return 0;
    };
  });
}

}  // namespace nas::cli
