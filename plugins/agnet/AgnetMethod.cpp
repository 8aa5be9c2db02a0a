// The agnet job: source, objectives, the multi-seed search, and its writes by round.
#include "AgnetMethod.h"

#include <cmath>

#include "AgnetJobSource.h"
#include "AgnetJobWriter.h"
#include "AgnetSearch.h"
#include "common/Error.h"
#include "train/MlInfo.h"
#include "search/CachedQuerySource.h"
#include "search/QueryStrategy.h"
#include "store/Workspace.h"

namespace nas::agnet {

namespace {

// The job's params that are AG-Net hyper-parameters (the schema resolved all of them).
Json agnetParams(const Json& params) {
  Json out = Json::object();
  const Json defaults = searchConfigDefaults();  // items() must not outlive it
  for (const auto& [key, value] : defaults.items())
    if (params.contains(key)) out[key] = params.at(key);
  return out;
}

// What a killed run of this job left: the write units committed and, for expensive
// sources, the values queried so far (cell index -> value in the source's unit).
struct Checkpoint {
  std::int64_t unitsWritten = 0;
  Json values = Json::object();
  static Checkpoint load(const JobContext& ctx) {
    Checkpoint c;
    if (auto bytes = ctx.loadCheckpoint()) {
      const Json j = parseJson(*bytes, "agnet checkpoint");
      c.unitsWritten = jsonValue<std::int64_t>(j, "units_written", 0);
      if (j.contains("values") && j.at("values").is_object()) c.values = j.at("values");
    }
    return c;
  }
  std::string dump() const { return Json{{"units_written", unitsWritten}, {"values", values}}.dump(); }
};

}  // namespace

Json AgnetMethod::run(JobContext& ctx) const {
  const Json& p = ctx.params();
  const std::string strategyName = jsonValue<std::string>(p, "strategy", "agnet");
  // queries = 0: the paper's budget for these AG-Net settings (320 with the defaults), for
  // the baselines too, so that they spend what AG-Net spends.
  const int queries = [&] {
    const int q = jsonValue<int>(p, "queries", 0);
    return q > 0 ? q : paperQueryBudget(searchConfigFromParams(agnetParams(p)));
  }();
  const int seeds = jsonValue<int>(p, "seeds", 1);
  const std::int64_t firstSeed = jsonValue<std::int64_t>(p, "seed", 0);
  if (firstSeed < 0) throw Error(ErrorCode::InvalidArgument, "must not be negative", "parameter 'seed'");

  ctx.sink().progress(0.0, "preparing the " + jsonValue<std::string>(p, "source", "table") + " source");
  // Fixed intra-op threads: supernet and scratch values are deterministic per thread count.
  setTorchThreads(static_cast<int>(jsonValue<std::int64_t>(p, "threads", 2)));
  JobSource js = makeJobSource(p, ctx);
  Workspace& ws = ctx.workspace();
  std::string latencyProfile;
  const SearchObjectives objectives = makeJobObjectives(js, p, ws, latencyProfile);
  const std::optional<ParetoBounds> bounds = jobParetoBounds(js, objectives);

  // Strategies: AG-Net built here (the job reads its rounds); the baselines by name.
  const bool isAgnet = strategyName == "agnet";
  const SearchConfig config = searchConfigFromParams(isAgnet ? agnetParams(p) : Json::object());
  const StrategyFactory baseline = isAgnet ? StrategyFactory{} : strategies_.factory(strategyName);
  AgnetStrategy* agnet = nullptr;  // the current seed's, owned by the runner
  const StrategyFactory factory = [&]() -> std::unique_ptr<QueryStrategy> {
    if (!isAgnet) return baseline();
    auto s = std::make_unique<AgnetStrategy>(config);
    agnet = s.get();
    return s;
  };

  // Resuming: cheap sources replay deterministically and skip the units a previous run
  // committed (the checkpoint is written in the same transaction as each unit); expensive
  // ones do the same but answer already-evaluated cells from the checkpoint's values.
  Checkpoint checkpoint = Checkpoint::load(ctx);
  const bool resumed = checkpoint.unitsWritten > 0 || !checkpoint.values.empty();
  CachedQuerySource source(*js.source);
  for (const auto& [cell, value] : checkpoint.values.items()) source.remember(std::stoi(cell), value.get<double>());

  JobWriter writer(ws, ctx.jobId(), source, objectives);
  const double total = double(queries) * seeds;
  std::int64_t done = 0, unit = 0;
  int seedIndex = -1, pendingRound = 0;
  std::size_t lastRounds = 0;  // AG-Net rounds of the latest seed (its strategy dies with the seed)
  std::uint64_t currentSeed = 0;

  auto commit = [&](const std::string& where) {
    if (unit++ < checkpoint.unitsWritten) {
      writer.discard();  // written by the run this one resumes
    } else {
      ws.transaction([&] {
        writer.flush();
        checkpoint.unitsWritten = unit;
        ctx.saveCheckpoint(checkpoint.dump());
      });
    }
    ctx.sink().progress(done / total, "seed " + std::to_string(seedIndex + 1) + "/" + std::to_string(seeds) + ", " +
                                          where);
    if (ctx.cancelled())
      throw Error(ErrorCode::Cancelled,
                  "agnet search cancelled after " + std::to_string(done) + " of " +
                      std::to_string(static_cast<std::int64_t>(total)) + " queries",
                  "job " + std::to_string(ctx.jobId()));
  };
  // AG-Net round r's candidates (rounds()[r-1]); none for round 0.
  auto candidatesOf = [&](int round) {
    return round > 0 && agnet ? agnet->rounds().at(std::size_t(round - 1)).ranked : std::vector<RoundCandidate>{};
  };

  auto onQuery = [&](std::uint64_t seed, const QueryRecord& r) {
    if (seedIndex < 0 || seed != currentSeed) {
      currentSeed = seed;
      ++seedIndex;
      pendingRound = 0;
    }
    ++done;
    if (!js.cheap && !checkpoint.values.contains(std::to_string(r.cell.index()))) {
      // Every evaluated value is kept at once: a query of an expensive source may take minutes.
      checkpoint.values[std::to_string(r.cell.index())] = r.value;
      ctx.saveCheckpoint(checkpoint.dump());
    }
    if (isAgnet) {
      // The strategy ran round `round` while proposing this query: the previous round is complete.
      // (Several rounds when the loop refused proposals of an empty round: each is a unit.)
      const int round = int(agnet->rounds().size());
      lastRounds = agnet->rounds().size();
      for (; pendingRound < round; ++pendingRound) {
        writer.closeRound(seed, pendingRound, candidatesOf(pendingRound));
        commit("round " + std::to_string(pendingRound));
      }
      writer.addQuery(seed, seedIndex == 0, round, r);
      if (r.query == queries) {
        writer.closeRound(seed, round, candidatesOf(round));
        commit("round " + std::to_string(round) + ", query " + std::to_string(r.query));
      }
      return;
    }
    writer.addQuery(seed, seedIndex == 0, r.query, r);
    writer.closeRound(seed, r.query, {});
    if (r.query % kBaselineBatch == 0 || r.query == queries) commit("query " + std::to_string(r.query));
  };

  MultiSeedSummary summary = runMultiSeedQuerySearch(source, strategyName, factory, queries, seeds,
                                                     static_cast<std::uint64_t>(firstSeed), onQuery, objectives, bounds);

  const double scale = source.workspaceScale();
  std::vector<MetricPoint> curve;
  for (int q = 0; q < queries; ++q)
    if (std::isfinite(summary.curve[q])) {
      curve.push_back({"best_so_far_mean", q + 1, summary.curve[q] * scale});
      if (!source.reportMetric().empty())
        curve.push_back({"best_so_far_report_mean", q + 1, summary.reportCurve[q] * scale});
    }
  // The mean curves are the last unit: written with the checkpoint that counts them, so a run
  // killed after them and resumed does not store them twice.
  if (unit++ >= checkpoint.unitsWritten)
    ws.transaction([&] {
      ws.appendMetrics(ctx.jobId(), curve);
      checkpoint.unitsWritten = unit;
      ctx.saveCheckpoint(checkpoint.dump());
    });
  ctx.sink().log(strategyName + " on " + source.source() + ", " + std::to_string(seeds) + " seed(s) x " +
                 std::to_string(queries) + " queries: mean best " + std::to_string(summary.meanBest) + " (" +
                 summary.metric + "), reported " + std::to_string(summary.meanReport) + " (" + summary.reportMetric +
                 "), best " + summary.bestArch + (js.protocol.empty() ? "" : "; " + js.protocol));

  Json result = summary.toJson();
  result["source"] = source.source();
  result["dataset"] = source.dataset();
  result["resumed"] = resumed;
  result["workspace_scale"] = scale;
  result["reused_queries"] = source.hits();
  if (js.table) {
    result["table"] = js.tablePath;
    result["signal_column"] = js.signalColumn;
    result["report_column"] = js.reportColumn;
    result["protocol"] = js.protocol;
  }
  if (isAgnet) result["pretrain"] = pretrainModeName(config.pretrainMode);
  if (!latencyProfile.empty()) result["latency_profile"] = latencyProfile;
  if (isAgnet) result["rounds"] = lastRounds;  // of the last seed
  return result;
}

}  // namespace nas::agnet
