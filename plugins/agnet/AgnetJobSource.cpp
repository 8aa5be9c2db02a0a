// The agnet job's query source and objectives from its parameters.
#include "AgnetJobSource.h"

#include <cmath>

#include "common/Error.h"
#include "common/Paths.h"
#include "eval/Nb201Latency.h"
#include "eval/QuerySourceParams.h"
#include "eval/QuerySources.h"
#include "jobs/Method.h"
#include "search/LatencyObjective.h"
#include "search/TabularQuerySource.h"
#include "search/TabularSearch.h"
#include "store/Workspace.h"
#include "train/DistributedJob.h"
#include "train/MlInfo.h"

namespace nas::agnet {

namespace {

// "" or "nan": no limit (a Pareto search when objective2 is set); else a finite number.
std::optional<double> parseLimit(const Json& params) {
  const std::string text = jsonValue<std::string>(params, "limit", "");
  if (text.empty() || text == "nan" || text == "NaN") return std::nullopt;
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw Error(ErrorCode::InvalidArgument, "'" + text + "' is not a finite number (empty: Pareto search)",
              "parameter 'limit'");
}

// NotFound naming the parameter, the column and the table's columns.
void requireColumn(const TabularBenchmark& table, const std::string& column, const char* param) {
  if (table.hasMetric(column)) return;
  std::string columns;
  for (const auto& m : table.metricNames()) columns += (columns.empty() ? "" : ", ") + m;
  throw Error(ErrorCode::NotFound,
              "the table " + table.path() + " has no column '" + column + "' (its columns: " + columns + ")",
              std::string("parameter '") + param + "'");
}

constexpr const char* kSupernetArtifact = "supernet";

// The trained supernet: another job's (supernet_from_job), this job's from an earlier run, or
// trained now, resuming this job's checkpoint. The job's own checkpoint ("latest") holds the
// search's values, so the supernet keeps its own artifacts.
std::string supernetState(const SupernetSourceConfig& config, const Json& params, JobContext& ctx,
                          DistributedPhases* phases) {
  Workspace& ws = ctx.workspace();
  const std::int64_t fromJob = jsonValue<std::int64_t>(params, "supernet_from_job", 0);
  if (fromJob > 0) {
    if (auto state = ws.artifact(fromJob, "model", kSupernetArtifact)) return *state;
    throw Error(ErrorCode::NotFound, "job " + std::to_string(fromJob) + " has no trained supernet",
                "parameter 'supernet_from_job'");
  }
  if (auto state = ws.artifact(ctx.jobId(), "model", kSupernetArtifact)) return *state;
  const std::string resumeFrom = ws.artifact(ctx.jobId(), "checkpoint", kSupernetArtifact).value_or("");
  SupernetTrainHooks hooks;
  hooks.sink = &ctx.sink();
  hooks.cancel = ctx.cancel();
  hooks.checkpoint = [&](const std::string& bytes) {
    ws.putArtifact(ctx.jobId(), "checkpoint", kSupernetArtifact, bytes);
  };
  if (phases && phases->group()) {
    phases->announce(Json{{"phase", "supernet"}, {"params", params}}, /*last=*/true);
    hooks.group = phases->group();
  }
  std::string state = trainSupernet(config, hooks, resumeFrom);
  ws.putArtifact(ctx.jobId(), "model", kSupernetArtifact, state);
  return state;
}

}  // namespace

void followAgnetJob(const Json& message, const std::shared_ptr<DistGroup>& group) {
  if (jsonValue<std::string>(message, "phase", "") != "supernet")
    throw Error(ErrorCode::Unsupported, "unknown agnet phase '" + jsonValue<std::string>(message, "phase", "") + "'",
                "rank 0's job");
  const Json& params = message.at("params");
  setTorchThreads(static_cast<int>(jsonValue<std::int64_t>(params, "threads", 2)));
  SupernetTrainHooks hooks;
  hooks.group = group;
  trainSupernet(supernetSourceConfig(params), hooks);  // rank 0's checkpoint comes by broadcast
}

JobSource makeJobSource(const Json& params, JobContext& ctx, DistributedPhases* phases) {
  const std::string kind = jsonValue<std::string>(params, "source", "table");
  JobSource out;
  if (kind == "table") {
    out.tablePath = jsonValue<std::string>(params, "table", "");
    if (out.tablePath.empty()) out.tablePath = resourcePath("data/nb201/cifar10.csv");
    out.table = std::make_shared<const TabularBenchmark>(TabularBenchmark::load(out.tablePath, {"arch", "nb201"}));
    out.reportColumn = jsonValue<std::string>(params, "report_column", "test_accuracy");
    out.signalColumn = jsonValue<std::string>(params, "signal_column", "");
    requireColumn(*out.table, out.reportColumn, "report_column");
    if (out.signalColumn.empty()) {
      // The paper's reading where the table allows it: search on validation accuracy.
      out.signalColumn = tableValidationColumn(*out.table);
      if (out.signalColumn.empty()) out.signalColumn = out.reportColumn;
    } else {
      requireColumn(*out.table, out.signalColumn, "signal_column");
    }
    out.protocol = out.signalColumn == out.reportColumn
                       ? "search and report on " + out.reportColumn +
                             (tableValidationColumn(*out.table).empty()
                                  ? " (the table has no validation column; the paper searches on validation accuracy)"
                                  : "")
                       : "search on " + out.signalColumn + ", report " + out.reportColumn + " of the best-by-" +
                             out.signalColumn + " cell";
    out.source = std::make_unique<TabularQuerySource>(out.table, out.signalColumn, out.reportColumn);
    out.cheap = true;
    return out;
  }
  if (kind == "scratch") {
    out.source = makeScratchQuerySource(scratchSourceConfig(params), ctx.cancel());
    return out;
  }
  if (kind == "supernet") {
    const SupernetSourceConfig config = supernetSourceConfig(params);
    out.source = makeSupernetQuerySource(config, supernetState(config, params, ctx, phases), ctx.cancel());
    return out;
  }
  throw Error(ErrorCode::InvalidArgument, "unknown source '" + kind + "' (known: table, supernet, scratch)",
              "parameter 'source'");
}

SearchObjectives makeJobObjectives(const JobSource& source, const Json& params, const Workspace& ws,
                                   std::string& latencyProfile) {
  SecondObjective second;
  second.name = jsonValue<std::string>(params, "objective2", "");
  second.limit = parseLimit(params);
  const std::string profile = jsonValue<std::string>(params, "latency_profile", "");
  const std::string metric = source.source->metric();
  const bool latencyColumn = source.table && source.table->hasMetric(kLatencyObjective);
  if (second.name == kLatencyObjective && !latencyColumn) {
    const auto space = makeNb201LatencySpace();
    LatencyObjective latency = nb201LatencyObjective(ws, profile, *space);
    second.cost = latency.second.cost;
    latencyProfile = latency.profile;
  } else if (!profile.empty()) {
    throw Error(ErrorCode::InvalidArgument, "a latency profile needs objective2=latency_ms",
                "parameter 'latency_profile'");
  }
  return source.table ? makeSearchObjectives(*source.table, metric, second) : makeSearchObjectives(metric, second);
}

std::optional<ParetoBounds> jobParetoBounds(const JobSource& source, const SearchObjectives& objectives) {
  if (!source.table || objectives.mode == SearchObjectives::Mode::Single) return std::nullopt;
  return tableParetoBounds(*source.table, source.source->metric(), objectives);
}

}  // namespace nas::agnet
