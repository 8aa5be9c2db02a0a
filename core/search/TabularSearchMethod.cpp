// The tabular-search job: parameters, the multi-seed run, and batched workspace writes.
#include "search/TabularSearchMethod.h"

#include <unordered_map>

#include "common/Error.h"
#include "common/Paths.h"
#include "search/Nb201ArchIds.h"
#include "search/QueryStrategy.h"
#include "search/TabularQuerySource.h"
#include "search/TabularSearch.h"
#include "store/Workspace.h"

namespace nas {

namespace {

constexpr const char* kSpace = "nb201";


// Buffers the queries of a run and writes them in one transaction per batch.
class QueryWriter {
 public:
  // `scale` converts the table's unit to the workspace's (percent -> fraction, see run()).
  QueryWriter(Workspace& ws, JobId job, std::string dataset, std::string metric, double scale)
      : ws_(ws), job_(job), dataset_(std::move(dataset)), metric_(std::move(metric)), scale_(scale), archId_(ws) {}

  void add(std::uint64_t seed, bool firstSeed, const QueryRecord& r) { pending_.push_back({seed, firstSeed, r}); }
  std::size_t pending() const { return pending_.size(); }

  void flush() {
    if (pending_.empty()) return;
    std::vector<EvaluationRecord> evals;
    std::vector<MetricPoint> points;
    std::vector<SampleRecord> samples;
    ws_.transaction([&] {
      for (const auto& p : pending_) {
        const ArchId arch = archId_(p.record.cell);
        evals.push_back(EvaluationRecord::of(arch, job_, "tabular", dataset_, metric_, p.record.value * scale_));
        // One curve per job keeps the metric view readable; the mean over seeds follows
        // at the end as "best_so_far_mean".
        if (p.firstSeed) points.push_back({"best_so_far", p.record.query, p.record.bestSoFar * scale_});
        samples.push_back(SampleRecord::of(job_, p.record.query, arch,
                                           Json{{"seed", p.seed}, {"value", p.record.value * scale_}}.dump()));
      }
      ws_.addEvaluations(evals);
      if (!points.empty()) ws_.appendMetrics(job_, points);
      ws_.addSamples(samples);
    });
    pending_.clear();
  }

 private:
  struct Pending {
    std::uint64_t seed;
    bool firstSeed;
    QueryRecord record;
  };

  Workspace& ws_;
  JobId job_;
  std::string dataset_, metric_;
  double scale_;
  std::vector<Pending> pending_;
  Nb201ArchIds archId_;
};

}  // namespace

std::string TabularSearchMethod::description() const {
  return "Searches the NAS-Bench-201 cell space by looking architectures up in a tabular benchmark "
         "instead of training them: random search or regularized evolution (population 10, "
         "tournament 3, one-edge mutation, oldest dies), repeated over several seeds. No "
         "architecture is queried twice within a seed. Reports the best value found and the "
         "mean best-so-far curve.";
}

ParamSchema TabularSearchMethod::schema() const {
  ParamSchema s;
  s.add(paramSpec("table", ParamType::Path, "", "Benchmark table",
             "CSV with an 'arch' column of NAS-Bench-201 strings and numeric metric columns; empty for the "
             "shipped CIFAR-10 table."));
  s.add(paramSpec("metric", ParamType::String, "test_accuracy", "Metric", "Table column to maximise."));
  ParamSpec strategy = paramSpec("strategy", ParamType::Choice, "evolution", "Strategy",
                            "random: uniform cells; evolution: regularized evolution.");
  // The registry's names: built-ins plus those of the plugins loaded by then (the engine loads
  // them before anyone asks for a schema), so `--param strategy=agnet` validates.
  strategy.choices = strategies_.names();
  s.add(strategy);
  s.add(paramSpec("strategy_params", ParamType::String, "", "Strategy parameters",
                  "JSON object of the strategy's parameters, e.g. {\"k\": 8, \"pretrain_samples\": 960} for "
                  "agnet; empty for the defaults."));
  ParamSpec queries = paramSpec("queries", ParamType::Int, 100, "Queries", "Architectures looked up per seed.");
  queries.min = 1;
  queries.max = kNb201NumCells;
  queries.unit = "queries";
  s.add(queries);
  ParamSpec seeds = paramSpec("seeds", ParamType::Int, 1, "Seeds", "Independent runs, seeds seed .. seed+seeds-1.");
  seeds.min = 1;
  seeds.max = 1000;
  s.add(seeds);
  ParamSpec seed = paramSpec("seed", ParamType::Int, 0, "First seed", "Seed of the first run.");
  seed.min = 0;
  s.add(seed);
  return s;
}

std::vector<std::string> TabularSearchMethod::resultKeys() const {
  return {"strategy", "metric",        "queries",   "seeds",      "mean_best", "std_best",
          "best_per_seed", "best_arch_per_seed", "curve", "best_arch", "best_value", "resumed", "workspace_scale", "table", "dataset"};
}

Json TabularSearchMethod::run(JobContext& ctx) const {
  const Json& p = ctx.params();
  std::string tablePath = jsonValue<std::string>(p, "table", "");
  if (tablePath.empty()) tablePath = resourcePath("data/nb201/cifar10.csv");
  const std::string metric = jsonValue<std::string>(p, "metric", "test_accuracy");
  const std::string strategyName = jsonValue<std::string>(p, "strategy", "evolution");
  const int queries = jsonValue<int>(p, "queries", 100);
  const int seeds = jsonValue<int>(p, "seeds", 1);
  const std::int64_t firstSeed = jsonValue<std::int64_t>(p, "seed", 0);
  if (firstSeed < 0) throw Error(ErrorCode::InvalidArgument, "must not be negative", "parameter 'seed'");

  ctx.sink().progress(0.0, "loading " + tablePath);
  const TabularBenchmark table = TabularBenchmark::load(tablePath, {"arch", kSpace});
  table.metricIndex(metric);  // fails early, naming the table's metrics
  const std::string strategyParamsText = jsonValue<std::string>(p, "strategy_params", "");
  const Json strategyParams =
      strategyParamsText.empty() ? Json::object() : parseJson(strategyParamsText, "parameter 'strategy_params'");
  if (!strategyParams.is_object())
    throw Error(ErrorCode::InvalidArgument, "must be a JSON object", "parameter 'strategy_params'");
  const StrategyFactory factory = strategies_.factory(strategyName, strategyParams);

  Workspace& ws = ctx.workspace();
  const double scale = TabularQuerySource(table, metric).workspaceScale();
  QueryWriter writer(ws, ctx.jobId(), table.stem(), metric, scale);
  // Resuming: the search is deterministic per seed and table look-ups cost microseconds, so
  // a resumed job replays it and skips the queries whose rows a previous run committed (the
  // checkpoint is written in the same transaction as those rows).
  std::int64_t alreadyWritten = 0;
  bool curveWritten = false;
  if (auto checkpoint = ctx.loadCheckpoint()) {
    const Json c = parseJson(*checkpoint, "tabular-search checkpoint");
    alreadyWritten = jsonValue<std::int64_t>(c, "queries_written", 0);
    curveWritten = jsonValue<bool>(c, "curve_written", false);
  }
  const double total = double(queries) * seeds;
  std::int64_t done = 0;
  int seedIndex = 0;
  std::uint64_t currentSeed = static_cast<std::uint64_t>(firstSeed);

  auto onQuery = [&](std::uint64_t seed, const QueryRecord& r) {
    if (seed != currentSeed) {
      currentSeed = seed;
      ++seedIndex;
    }
    ++done;
    if (done <= alreadyWritten) return;
    writer.add(seed, seedIndex == 0, r);
    if (writer.pending() >= static_cast<std::size_t>(kWriteBatch) || r.query == queries) {
      ws.transaction([&] {
        writer.flush();
        ctx.saveCheckpoint(Json{{"queries_written", done}}.dump());
      });
      ctx.sink().progress(done / total, "seed " + std::to_string(seedIndex + 1) + "/" + std::to_string(seeds) +
                                            ", query " + std::to_string(r.query) + "/" + std::to_string(queries));
      if (ctx.cancelled())
        throw Error(ErrorCode::Cancelled,
                    "tabular search cancelled after " + std::to_string(done) + " of " +
                        std::to_string(static_cast<std::int64_t>(total)) + " queries",
                    "job " + std::to_string(ctx.jobId()));
    }
  };

  MultiSeedSummary summary = runMultiSeedSearch(table, metric, strategyName, factory, queries, seeds,
                                                static_cast<std::uint64_t>(firstSeed), onQuery);

  std::vector<MetricPoint> curve;
  for (int q = 0; q < queries; ++q) curve.push_back({"best_so_far_mean", q + 1, summary.curve[q] * scale});
  // The mean curve is a unit of its own: written with the checkpoint that says so, so a run
  // killed after it and resumed does not store it twice.
  if (!curveWritten)
    ws.transaction([&] {
      ws.appendMetrics(ctx.jobId(), curve);
      ctx.saveCheckpoint(Json{{"queries_written", done}, {"curve_written", true}}.dump());
    });
  ctx.sink().log(strategyName + ", " + std::to_string(seeds) + " seed(s) x " + std::to_string(queries) +
                 " queries: mean best " + std::to_string(summary.meanBest) + " +- " +
                 std::to_string(summary.stdBest) + ", best " + summary.bestArch);

  Json result = summary.toJson();
  result["resumed"] = alreadyWritten > 0;
  result["workspace_scale"] = scale;  // the factor applied to values written to the workspace
  result["table"] = tablePath;
  result["dataset"] = table.stem();
  return result;
}

}  // namespace nas
