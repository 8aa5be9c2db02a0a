#include "jobs/JobRunner.h"

#include <unistd.h>

#include <chrono>

#include "common/Error.h"
#include "common/Log.h"
#include "jobs/Method.h"
#include "jobs/WorkspaceSink.h"
#include "store/Workspace.h"

namespace nas {

namespace {

struct ParsedSpec {
  std::string method;
  Json params;
};

ParsedSpec parseSpec(const Json& spec, const std::string& context) {
  if (!spec.is_object()) throw Error(ErrorCode::InvalidArgument, "job spec must be a JSON object", context);
  if (!spec.contains("method") || !spec["method"].is_string())
    throw Error(ErrorCode::InvalidArgument, "job spec needs a string 'method'", context);
  Json params = spec.value("params", Json::object());
  if (!params.is_object()) throw Error(ErrorCode::InvalidArgument, "'params' must be a JSON object", context);
  return {spec["method"].get<std::string>(), params};
}

// Polls the workspace's cancel flag at most every 300 ms: cheap enough to call per batch.
std::function<bool()> workspaceCancelPoll(Workspace& ws, JobId id) {
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [&ws, id, last] {
    auto now = std::chrono::steady_clock::now();
    if (now - *last < std::chrono::milliseconds(300)) return false;
    *last = now;
    try {
      return ws.cancelRequested(id);
    } catch (const Error& e) {
      log::warn("cannot read the cancel flag: " + e.message());
      return false;
    }
  };
}

}  // namespace

JobId submitJob(const MethodRegistry& registry, const std::string& workspacePath, const Json& spec) {
  ParsedSpec parsed = parseSpec(spec, "job spec");
  const Method& method = registry.get(parsed.method);
  Json resolved = method.schema().resolve(parsed.params);
  Json stored{{"method", parsed.method}, {"params", resolved}};
  auto ws = Workspace::open(workspacePath);
  return ws->createJob(parsed.method, stored.dump());
}

JobOutcome runJob(const MethodRegistry& registry, const std::string& workspacePath, JobId id, ProgressSink* extraSink,
                  CancelToken cancel) {
  JobOutcome outcome;
  std::unique_ptr<Workspace> ws;
  try {
    ws = Workspace::open(workspacePath);
    JobRecord record = ws->job(id);
    if (record.status == JobStatus::Done) {
      outcome.status = JobStatus::Done;
      outcome.result = parseJson(record.resultJson.empty() ? "{}" : record.resultJson, "job result");
      return outcome;
    }
    const std::string context = "job " + std::to_string(id);
    ParsedSpec parsed = parseSpec(parseJson(record.specJson, context), context);
    const Method& method = registry.get(parsed.method);
    Json params = method.schema().resolve(parsed.params);

    ws->transaction([&] {
      ws->clearCancel(id);
      ws->setJobPid(id, static_cast<std::int64_t>(::getpid()));
      ws->setJobStatus(id, JobStatus::Running);
    });
    cancel.addPoll(workspaceCancelPoll(*ws, id));

    WorkspaceSink sink(*ws, id, extraSink);
    JobContext ctx(*ws, id, params, sink, cancel);
    try {
      outcome.result = method.run(ctx);
      sink.progress(1.0, "done");
      sink.flush();
      ws->transaction([&] {
        ws->setJobResult(id, outcome.result.dump());
        ws->setJobStatus(id, JobStatus::Done);
      });
      outcome.status = JobStatus::Done;
    } catch (const std::exception& e) {
      Error err = toError(e);
      sink.flush();
      outcome.status = err.code() == ErrorCode::Cancelled ? JobStatus::Cancelled : JobStatus::Failed;
      outcome.error = err.what();
      ws->setJobStatus(id, outcome.status, outcome.status == JobStatus::Failed ? outcome.error : std::string());
    }
  } catch (const std::exception& e) {
    // The workspace itself failed (locked, corrupt, job missing): nothing to record into.
    outcome.status = JobStatus::Failed;
    outcome.error = toError(e).what();
  }
  return outcome;
}

}  // namespace nas
