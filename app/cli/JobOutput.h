#pragma once
// Runs a job in the foreground and turns its outcome into output and an exit code; shared by
// `run`, `train`, `jobs resume` and `run-job`.
#include "common/Json.h"
#include "store/Records.h"

namespace nas {
class MethodRegistry;
}

namespace nas::cli {

Json jobToJson(const JobRecord& job);
// The status to show: JobService's effective status (running with a dead worker: interrupted).
JobStatus effectiveStatus(const JobRecord& job);

// progressLines: one JSON event per line on stdout, for scripts (the GUI reads the workspace);
// otherwise a terminal bar and, with json, one JSON object {"job_id", "status", ...result keys}
// at the end.
int runJobForeground(const MethodRegistry& registry, const std::string& workspace, JobId id, bool json,
                     bool progressLines);

}  // namespace nas::cli
