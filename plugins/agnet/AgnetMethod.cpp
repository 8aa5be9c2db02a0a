// AgnetMethod::run in phases: the parameters read once (AgnetJob), the source and objectives,
// the multi-seed search with its writes by unit (UnitWriter), the mean curves as the last
// unit, and the result.
#include "AgnetMethod.h"

#include <cmath>

#include "AgnetJobSource.h"
#include "AgnetJobWriter.h"
#include "AgnetSearch.h"
#include "common/Error.h"
#include "train/Device.h"
#include "train/DistGroup.h"
#include "train/DistributedJob.h"
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

// The job's parameters, read once.
struct AgnetJob {
  std::string strategy;
  int queries = 0, seeds = 1;
  std::int64_t firstSeed = 0;
  bool isAgnet = false;
  SearchConfig config;  // AG-Net's; the defaults for a baseline

  explicit AgnetJob(const Json& p) : strategy(jsonValue<std::string>(p, "strategy", "agnet")) {
    // queries = 0: the paper's budget for these AG-Net settings (320 with the defaults), for
    // the baselines too, so that they spend what AG-Net spends.
    const int q = jsonValue<int>(p, "queries", 0);
    queries = q > 0 ? q : paperQueryBudget(searchConfigFromParams(agnetParams(p)));
    seeds = jsonValue<int>(p, "seeds", 1);
    firstSeed = jsonValue<std::int64_t>(p, "seed", 0);
    if (firstSeed < 0) throw Error(ErrorCode::InvalidArgument, "must not be negative", "parameter 'seed'");
    isAgnet = strategy == "agnet";
    config = searchConfigFromParams(isAgnet ? agnetParams(p) : Json::object());
  }
};

// The search's queries as write units, each committed in one transaction with the checkpoint
// that counts it: an AG-Net round (its queries and candidates), or kBaselineBatch queries of
// a baseline. A resumed run replays the search and drops the units the killed run committed;
// an expensive source's values go into the checkpoint as soon as they are known.
class UnitWriter {
 public:
  UnitWriter(JobContext& ctx, const AgnetJob& job, const JobSource& js, CachedQuerySource& source,
             const SearchObjectives& objectives, Checkpoint& checkpoint)
      : ctx_(ctx),
        job_(job),
        js_(js),
        ws_(ctx.workspace()),
        writer_(ws_, ctx.jobId(), source, objectives),
        checkpoint_(checkpoint),
        total_(double(job.queries) * job.seeds) {}

  // Strategies: AG-Net built here (its rounds are read as it runs); a baseline by its factory.
  StrategyFactory factory(StrategyFactory baseline) {
    return [this, baseline = std::move(baseline)]() -> std::unique_ptr<QueryStrategy> {
      if (!job_.isAgnet) return baseline();
      auto s = std::make_unique<AgnetStrategy>(job_.config);
      agnet_ = s.get();
      return s;
    };
  }
  void onQuery(std::uint64_t seed, const QueryRecord& r);
  // The mean curves over the seeds: the last unit.
  void writeMeanCurves(const MultiSeedSummary& summary, const CachedQuerySource& source);
  std::size_t lastRounds() const { return lastRounds_; }

 private:
  void commit(const std::string& where);
  // AG-Net round r's candidates (rounds()[r-1]); none for round 0.
  std::vector<RoundCandidate> candidatesOf(int round) const {
    return round > 0 && agnet_ ? agnet_->rounds().at(std::size_t(round - 1)).ranked : std::vector<RoundCandidate>{};
  }

  JobContext& ctx_;
  const AgnetJob& job_;
  const JobSource& js_;
  Workspace& ws_;
  JobWriter writer_;
  Checkpoint& checkpoint_;
  const double total_;
  AgnetStrategy* agnet_ = nullptr;  // the current seed's, owned by the search runner
  std::int64_t done_ = 0, unit_ = 0;
  int seedIndex_ = -1, pendingRound_ = 0;
  std::size_t lastRounds_ = 0;  // AG-Net rounds of the latest seed (its strategy dies with the seed)
  std::uint64_t currentSeed_ = 0;
};

void UnitWriter::commit(const std::string& where) {
  if (unit_++ < checkpoint_.unitsWritten) {
    writer_.discard();  // written by the run this one resumes
  } else {
    ws_.transaction([&] {
      writer_.flush();
      checkpoint_.unitsWritten = unit_;
      ctx_.saveCheckpoint(checkpoint_.dump());
    });
  }
  ctx_.sink().progress(done_ / total_, "seed " + std::to_string(seedIndex_ + 1) + "/" + std::to_string(job_.seeds) +
                                           ", " + where);
  if (ctx_.cancelled())
    throw Error(ErrorCode::Cancelled,
                "agnet search cancelled after " + std::to_string(done_) + " of " +
                    std::to_string(static_cast<std::int64_t>(total_)) + " queries",
                "job " + std::to_string(ctx_.jobId()));
}

void UnitWriter::onQuery(std::uint64_t seed, const QueryRecord& r) {
  if (seedIndex_ < 0 || seed != currentSeed_) {
    currentSeed_ = seed;
    ++seedIndex_;
    pendingRound_ = 0;
  }
  ++done_;
  if (!js_.cheap && !checkpoint_.values.contains(std::to_string(r.cell.index()))) {
    // Every evaluated value is kept at once: a query of an expensive source may take minutes.
    checkpoint_.values[std::to_string(r.cell.index())] = r.value;
    ctx_.saveCheckpoint(checkpoint_.dump());
  }
  if (job_.isAgnet) {
    // The strategy ran round `round` while proposing this query: the previous round is complete.
    // (Several rounds when the loop refused proposals of an empty round: each is a unit.)
    const int round = int(agnet_->rounds().size());
    lastRounds_ = agnet_->rounds().size();
    for (; pendingRound_ < round; ++pendingRound_) {
      writer_.closeRound(seed, pendingRound_, candidatesOf(pendingRound_));
      commit("round " + std::to_string(pendingRound_));
    }
    writer_.addQuery(seed, seedIndex_ == 0, round, r);
    if (r.query == job_.queries) {
      writer_.closeRound(seed, round, candidatesOf(round));
      commit("round " + std::to_string(round) + ", query " + std::to_string(r.query));
    }
    return;
  }
  writer_.addQuery(seed, seedIndex_ == 0, r.query, r);
  writer_.closeRound(seed, r.query, {});
  if (r.query % AgnetMethod::kBaselineBatch == 0 || r.query == job_.queries) commit("query " + std::to_string(r.query));
}

void UnitWriter::writeMeanCurves(const MultiSeedSummary& summary, const CachedQuerySource& source) {
  const double scale = source.workspaceScale();
  std::vector<MetricPoint> curve;
  for (int q = 0; q < job_.queries; ++q)
    if (std::isfinite(summary.curve[q])) {
      curve.push_back({"best_so_far_mean", q + 1, summary.curve[q] * scale});
      if (!source.reportMetric().empty())
        curve.push_back({"best_so_far_report_mean", q + 1, summary.reportCurve[q] * scale});
    }
  // The mean curves are the last unit: written with the checkpoint that counts them, so a run
  // killed after them and resumed does not store them twice.
  if (unit_++ >= checkpoint_.unitsWritten)
    ws_.transaction([&] {
      ws_.appendMetrics(ctx_.jobId(), curve);
      checkpoint_.unitsWritten = unit_;
      ctx_.saveCheckpoint(checkpoint_.dump());
    });
}

Json resultOf(const AgnetJob& job, const MultiSeedSummary& summary, const CachedQuerySource& source,
              const JobSource& js, bool resumed, const std::string& latencyProfile, std::size_t lastRounds) {
  Json result = summary.toJson();
  result["source"] = source.source();
  result["dataset"] = source.dataset();
  result["resumed"] = resumed;
  result["workspace_scale"] = source.workspaceScale();
  result["reused_queries"] = source.hits();
  if (js.table) {
    result["table"] = js.tablePath;
    result["signal_column"] = js.signalColumn;
    result["report_column"] = js.reportColumn;
    result["protocol"] = js.protocol;
  }
  if (job.isAgnet) result["pretrain"] = pretrainModeName(job.config.pretrainMode);
  if (!latencyProfile.empty()) result["latency_profile"] = latencyProfile;
  if (job.isAgnet) result["rounds"] = lastRounds;  // of the last seed
  return result;
}

}  // namespace

Json AgnetMethod::run(JobContext& ctx) const {
  // A data-parallel run (--nproc, torchrun): the other ranks train their shares of the supernet
  // with rank 0 and then end (also told so when this rank fails first: the destructor); the
  // search and every write are rank 0's alone.
  DistributedPhases phases(processDistGroup(), name());
  const Json& p = ctx.params();
  const AgnetJob job(p);

  ctx.sink().progress(0.0, "preparing the " + jsonValue<std::string>(p, "source", "table") + " source");
  // Fixed intra-op threads: supernet and scratch values are deterministic per thread count.
  setTorchThreads(static_cast<int>(jsonValue<std::int64_t>(p, "threads", 2)));
  const std::string sourceKind = jsonValue<std::string>(p, "source", "table");
  const DeviceChoice device =
      sourceKind == "table" ? DeviceChoice{} : deviceFromParams(p, &ctx.sink(), "agnet " + sourceKind + " source");
  JobSource js = makeJobSource(p, ctx, &phases);
  phases.finish();
  std::string latencyProfile;
  const SearchObjectives objectives = makeJobObjectives(js, p, ctx.workspace(), latencyProfile);
  const std::optional<ParetoBounds> bounds = jobParetoBounds(js, objectives);
  const StrategyFactory baseline = job.isAgnet ? StrategyFactory{} : strategies_.factory(job.strategy);

  // Resuming: cheap sources replay deterministically and skip the units a previous run
  // committed (the checkpoint is written in the same transaction as each unit); expensive
  // ones do the same but answer already-evaluated cells from the checkpoint's values.
  Checkpoint checkpoint = Checkpoint::load(ctx);
  const bool resumed = checkpoint.unitsWritten > 0 || !checkpoint.values.empty();
  CachedQuerySource source(*js.source);
  for (const auto& [cell, value] : checkpoint.values.items()) source.remember(std::stoi(cell), value.get<double>());

  UnitWriter units(ctx, job, js, source, objectives, checkpoint);
  const MultiSeedSummary summary = runMultiSeedQuerySearch(
      source, job.strategy, units.factory(baseline), job.queries, job.seeds, static_cast<std::uint64_t>(job.firstSeed),
      [&](std::uint64_t seed, const QueryRecord& r) { units.onQuery(seed, r); }, objectives, bounds);
  units.writeMeanCurves(summary, source);
  ctx.sink().log(job.strategy + " on " + source.source() + ", " + std::to_string(job.seeds) + " seed(s) x " +
                 std::to_string(job.queries) + " queries: mean best " + std::to_string(summary.meanBest) + " (" +
                 summary.metric + "), reported " + std::to_string(summary.meanReport) + " (" + summary.reportMetric +
                 "), best " + summary.bestArch + (js.protocol.empty() ? "" : "; " + js.protocol));
  Json result = resultOf(job, summary, source, js, resumed, latencyProfile, units.lastRounds());
  // Where the source's networks ran (a table's look-ups: the CPU), and over how many ranks.
  result["device"] = device.name();
  result["ranks"] = phases.group() ? phases.group()->worldSize() : 1;
  return result;
}

bool AgnetMethod::followDataParallelPhase(const Json& message) const {
  followAgnetJob(message, processDistGroup());
  return true;
}

}  // namespace nas::agnet
