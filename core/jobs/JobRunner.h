#pragma once
// Runs one job of a workspace in the calling process (the worker, `nasstudio-cli run-job`):
// marks it running, resolves its parameters, calls the method with a context whose sink
// writes progress and metrics to the workspace (batched, one transaction per flush) and to an
// optional extra sink (progress lines, a terminal bar), and records the outcome. Catches
// every exception: the outcome says done, failed (with the message) or cancelled.
// A job that was killed is resumed by running it again: methods pick up their checkpoint.

#include <string>

#include "common/CancelToken.h"
#include "common/Json.h"
#include "common/ProgressSink.h"
#include "store/Records.h"

namespace nas {

class MethodRegistry;

struct JobOutcome {
  JobStatus status = JobStatus::Failed;
  Json result = Json::object();
  std::string error;
};

// Creates a queued job from a spec {"method": ..., "params": {...}}; parameters are
// validated against the method's schema first (InvalidArgument names the bad one).
JobId submitJob(const MethodRegistry& registry, const std::string& workspacePath, const Json& spec);

JobOutcome runJob(const MethodRegistry& registry, const std::string& workspacePath, JobId id,
                  ProgressSink* extraSink, CancelToken cancel);

}  // namespace nas
