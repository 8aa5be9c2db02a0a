#include "JobOutput.h"

#include <iostream>

#include "CliSupport.h"
#include "jobs/JobRunner.h"
#include "jobs/JobService.h"
#include "jobs/Method.h"

namespace nas::cli {

JobStatus effectiveStatus(const JobRecord& job) { return JobLiveness{}.effectiveStatus(job, nowUnixSeconds()); }

Json jobToJson(const JobRecord& job) {
  Json spec = Json::object();
  try {
    spec = parseJson(job.specJson, "job spec");
  } catch (const std::exception&) {
    spec = job.specJson;  // keep the raw text rather than lose it
  }
  Json result = Json::object();
  if (!job.resultJson.empty()) {
    try {
      result = parseJson(job.resultJson, "job result");
    } catch (const std::exception&) {
      result = job.resultJson;
    }
  }
  return Json{{"id", job.id},
              {"method", job.method},
              {"status", jobStatusName(effectiveStatus(job))},
              {"progress", job.progress},
              {"stage", job.stage},
              {"error", job.error},
              {"cancel_requested", job.cancelRequested},
              {"pid", job.pid},
              {"worker", job.worker},
              {"host", job.host},
              {"heartbeat_at", job.heartbeatAt},
              {"attempts", job.attempts},
              {"uid", job.uid},
              {"created_at", job.createdAt},
              {"started_at", job.startedAt},
              {"first_started_at", job.firstStartedAt},
              {"earlier_runs_seconds", job.earlierRunsSeconds},
              {"finished_at", job.finishedAt},
              {"spec", spec},
              {"result", result}};
}

int runJobForeground(const MethodRegistry& registry, const std::string& workspace, JobId id, bool json,
                     bool progressLines) {
  CancelToken cancel = signalCancelToken();
  JobOutcome outcome;
  if (progressLines) {
    ProgressLines lines(id);
    outcome = runJob(registry, workspace, id, &lines, cancel);
    lines.finished(jobStatusName(outcome.status), outcome.result, outcome.error);
  } else {
    TerminalProgress bar;
    outcome = runJob(registry, workspace, id, &bar, cancel);
    bar.finish();
    if (json) {
      Json out{{"job_id", id}, {"status", jobStatusName(outcome.status)}};
      if (!outcome.error.empty()) out["error"] = outcome.error;
      for (auto it = outcome.result.begin(); it != outcome.result.end(); ++it) out[it.key()] = it.value();
      printJson(out);
    } else if (outcome.status == JobStatus::Done) {
      // People get the scalar results; lists (curves, per-seed values) are in --json and the
      // workspace (`jobs show`).
      std::cout << "job " << id << " done\n";
      for (auto it = outcome.result.begin(); it != outcome.result.end(); ++it)
        if (!it->is_structured()) std::cout << "  " << it.key() << ": " << it->dump() << "\n";
    }
  }
  switch (outcome.status) {
    case JobStatus::Done: return kExitOk;
    case JobStatus::Cancelled:
      if (!progressLines) printError("job " + std::to_string(id) + " cancelled; resume it with `nasstudio-cli jobs resume " + std::to_string(id) + "`");
      return kExitCancelled;
    default:
      if (!progressLines) printError("job " + std::to_string(id) + " failed: " + outcome.error);
      return kExitJobFailed;
  }
}

}  // namespace nas::cli
