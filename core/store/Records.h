#pragma once
// Plain rows of the workspace, as the store hands them out. No sqlite, no torch, no Qt.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nas {

using JobId = std::int64_t;
using ArchId = std::int64_t;

// The stored lifecycle. Which action is allowed in which status, and what follows, is decided
// in one place: jobs/JobService.h (jobTransition). Interrupted: the worker stopped (killed,
// crashed, stopped heartbeating); a reaper records it so the job can be re-queued or resumed.
enum class JobStatus { Queued = 1, Running, Done, Failed, Cancelled, Interrupted };
const char* jobStatusName(JobStatus s);           // "queued", "running", ...
JobStatus jobStatusFromName(const std::string& s); // throws ParseError

struct JobRecord {
  JobId id = 0;
  std::string method;     // registry name: "train", "tabular-search", "sgnas", ...
  std::string specJson;   // the whole job spec as JSON text
  JobStatus status = JobStatus::Queued;
  double progress = 0.0;  // 0..1
  std::string stage;      // short label of what it is doing
  std::string error;      // message when failed
  std::string resultJson; // the method's result object when done ("{}" before)
  bool cancelRequested = false;
  std::int64_t pid = 0;   // worker process id while running
  double createdAt = 0, startedAt = 0, finishedAt = 0, updatedAt = 0;  // unix seconds, 0 = never
  // Schema 3: who runs it (the worker's id, "host:pid" unless named), on which host, when the
  // worker last said it is alive (0 = never: a worker older than heartbeats), how many times
  // it was started, and an id unique across workspaces (what `workspace merge` matches on).
  std::string worker;
  std::string host;
  double heartbeatAt = 0;
  int attempts = 0;
  std::string uid;
  // Schema 4: when the first run started (started_at is the current or last run's) and the
  // seconds spent in runs before the current or last one (each run ends when it leaves
  // "running"; a run whose worker died ends at its last heartbeat).
  double firstStartedAt = 0;
  double earlierRunsSeconds = 0;
};

// One line of a job's log (schema 3): what the worker printed as its human-readable trace,
// kept so that any window shows the log of any job, also one started elsewhere or earlier.
struct JobLogLine {
  std::int64_t id = 0;  // grows with every line (AUTOINCREMENT): "lines after id N"
  JobId jobId = 0;
  double at = 0;        // unix seconds
  std::string line;
};

// What a person calls the job in a list or a legend: the method, and where its spec names one,
// the variant that makes jobs of one method differ, e.g. "tabular-search (random)" or
// "agnet (evolution, supernet)" (params "strategy" and "source"; a value equal to the method
// name is left out). A malformed spec gives the method alone.
std::string jobTitle(const JobRecord& r);

struct ArchitectureRecord {
  ArchId id = 0;
  std::string space;      // "nb201"
  std::string canonical;  // canonical string in that space; unique with space
  double flops = 0;       // multiply-accumulates of the space's reference network
  std::int64_t params = 0;
  double createdAt = 0;
};

struct EvaluationRecord {
  std::int64_t id = 0;
  ArchId archId = 0;
  std::optional<JobId> jobId;
  std::string source;   // "tabular", "trained", "supernet", "predicted"
  std::string dataset;  // "cifar10", "fashion-mnist", ...
  std::string metric;   // "test_accuracy", "latency_ms", ...
  double value = 0;
  double createdAt = 0;

  // A new evaluation to write; the workspace gives it its id and time.
  static EvaluationRecord of(ArchId arch, std::optional<JobId> job, std::string source, std::string dataset,
                             std::string metric, double value) {
    EvaluationRecord e;
    e.archId = arch;
    e.jobId = job;
    e.source = std::move(source);
    e.dataset = std::move(dataset);
    e.metric = std::move(metric);
    e.value = value;
    return e;
  }
};

struct MetricPoint {
  std::string series;  // "train_loss", "test_accuracy", "lr", "best_so_far" ...
  std::int64_t step = 0;
  double value = 0;
};

// One architecture a search proposed at some round (for latent-space and progress views).
struct SampleRecord {
  std::int64_t id = 0;
  JobId jobId = 0;
  int round = 0;
  std::optional<ArchId> archId;
  std::string payloadJson;  // method-specific: latent coords, predicted value, ...

  // A new sample to write; the workspace gives it its id.
  static SampleRecord of(JobId job, int round, std::optional<ArchId> arch, std::string payloadJson) {
    SampleRecord s;
    s.jobId = job;
    s.round = round;
    s.archId = arch;
    s.payloadJson = std::move(payloadJson);
    return s;
  }
};

struct ArtifactRecord {
  std::int64_t id = 0;
  JobId jobId = 0;
  std::string kind;  // "checkpoint", "model", "generator", ...
  std::string name;
  std::int64_t size = 0;
  double createdAt = 0;
};

// A row of the architecture table view: one architecture with one metric pivoted in.
struct ArchMetricRow {
  ArchId archId = 0;
  std::string canonical;
  double flops = 0;
  std::int64_t params = 0;
  double value = 0;  // the requested metric (best over evaluations), NaN if none
};

}  // namespace nas
