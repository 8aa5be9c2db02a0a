#pragma once
// The workspace: one SQLite file holding jobs, architectures, evaluations, metric series,
// search samples and artifacts (checkpoints as BLOBs, so the file is the whole project).
//
// Rules: WAL journal, prepared statements only, every multi-row change in one transaction,
// a schema version in PRAGMA user_version migrated forward on open. A file that is not a
// workspace, is damaged, is locked by another writer beyond the busy timeout, or was written by
// a newer version raises Error(WorkspaceCorrupt / WorkspaceLocked / WorkspaceTooNew) and is
// never modified. One Workspace object per thread; several processes may open the same file
// (the GUI reads while a worker writes).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/LatencyRecords.h"
#include "store/Records.h"

namespace nas {

// Which evaluations the architecture views count (issue 21: a Fashion-MNIST training and a
// CIFAR-10 table must not share one accuracy axis unasked): only those of one dataset and/or
// one job, and only architectures having such an evaluation. Empty / 0: no restriction.
struct EvalScope {
  std::string dataset;
  JobId job = 0;
  bool any() const { return !dataset.empty() || job != 0; }
};

class Workspace {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  static constexpr int kSchemaVersion = 4;

  // Opens (creating, if Mode::ReadWrite and the file is absent) and migrates.
  static std::unique_ptr<Workspace> open(const std::string& path, Mode mode = Mode::ReadWrite);
  // Read-only, except that a workspace written by an earlier NAS Studio (older schema) is
  // first migrated by one read-write open: read commands must keep working on old files.
  // A missing file is still NotFound (a typo never creates one).
  static std::unique_ptr<Workspace> openForReading(const std::string& path);
  // How long a connection opened after this call waits for another process's write lock
  // before failing with WorkspaceLocked. Default: env NASSTUDIO_BUSY_TIMEOUT_MS, else 5000.
  // ms < 0 restores that default.
  static void setBusyTimeoutMs(int ms);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::string& path() const;
  int schemaVersion() const;

  // Runs fn inside BEGIN IMMEDIATE ... COMMIT; rolls back and rethrows on exception.
  // Nested calls (and the multi-row functions below, called inside one) join the outer
  // transaction. If a nested call throws, the outer transaction can only roll back: should
  // fn catch that exception and finish normally, transaction() still rolls back and throws
  // Error with the nested failure's code, so half of a batch is never committed.
  void transaction(const std::function<void()>& fn);
  // How long the transaction() open on this connection has held the write lock, in seconds;
  // 0 when none is open. Safe to call from any thread (a watchdog's).
  double writeLockHeldSeconds() const;

  // ---- jobs
  JobId createJob(const std::string& method, const std::string& specJson);
  JobRecord job(JobId id) const;  // throws NotFound
  std::vector<JobRecord> jobs() const;  // newest first
  void setJobStatus(JobId id, JobStatus status, const std::string& error = {});
  void setJobProgress(JobId id, double fraction, const std::string& stage);
  void setJobResult(JobId id, const std::string& resultJson);
  void setJobPid(JobId id, std::int64_t pid);
  void requestCancel(JobId id);
  bool cancelRequested(JobId id) const;
  void clearCancel(JobId id);  // on resume
  void deleteJob(JobId id);    // with its metrics, samples, artifacts, log; evaluations keep arch

  // ---- the job queue (schema 3). Plain storage operations, each atomic; which of them is
  // allowed when is decided by jobs/JobService, which the CLI, the worker and the GUI call.
  // Who a worker is: its id (shown in lists), host and process id.
  struct WorkerRef {
    std::string id;
    std::string host;
    std::int64_t pid = 0;
  };
  // In one write transaction: the oldest job whose status is one of `from`, moved to running
  // for `worker` (cancel flag cleared, attempts + 1, heartbeat now). nullopt when none.
  std::optional<JobRecord> claimJob(const std::vector<JobStatus>& from, const WorkerRef& worker);
  // Compare-and-set: moves job `id` to running for `worker` only while its status is one of
  // `from`; false (nothing written) otherwise. Throws NotFound for an unknown job.
  bool takeJob(JobId id, const std::vector<JobStatus>& from, const WorkerRef& worker);
  // Compare-and-set of the status alone (error text as setJobStatus). False when the job is
  // no longer in `from`.
  bool moveJob(JobId id, JobStatus from, JobStatus to, const std::string& error = {});
  // Stamps the heartbeat of a running job of `workerId`; false when the job is no longer
  // running under that worker (it was re-queued, or taken by another).
  bool heartbeatJob(JobId id, const std::string& workerId);
  // The log: lines appended in one transaction; read per job or, for views, for all jobs
  // after a line id. limit < 0: all.
  void appendJobLog(JobId job, const std::vector<JobLogLine>& lines);
  std::vector<JobLogLine> jobLog(JobId job, std::int64_t afterId = 0, std::int64_t limit = -1) const;
  std::vector<JobLogLine> jobLogSince(std::int64_t afterId) const;
  std::int64_t lastJobLogId() const;
  std::int64_t lastMetricRowId() const;

  // ---- merge (WorkspaceMerge.cpp): brings another workspace's jobs with their metrics, log,
  // samples and artifacts, its architectures and its evaluations into this one, in one
  // transaction. Jobs match by uid: one already here is left alone unless the other copy is
  // newer (updated_at), then it is replaced; architectures match by (space, canonical);
  // evaluations by all their fields. Merging the same file twice changes nothing the second
  // time. `from` is opened for reading (and upgraded when older); merging a file into itself
  // is refused.
  struct MergeReport {
    int jobsAdded = 0, jobsUpdated = 0, jobsUnchanged = 0;
    std::int64_t architecturesAdded = 0, evaluationsAdded = 0, metricsCopied = 0, logLinesCopied = 0,
                 samplesCopied = 0, artifactsCopied = 0;
  };
  MergeReport mergeFrom(const std::string& fromPath);

  // ---- architectures
  // Inserts or returns the existing id for (space, canonical).
  ArchId upsertArchitecture(const std::string& space, const std::string& canonical, double flops,
                            std::int64_t params);
  std::optional<ArchitectureRecord> findArchitecture(const std::string& space, const std::string& canonical) const;
  ArchitectureRecord architecture(ArchId id) const;  // throws NotFound
  std::int64_t architectureCount() const;

  // ---- evaluations
  std::int64_t addEvaluation(const EvaluationRecord& e);
  void addEvaluations(const std::vector<EvaluationRecord>& es);  // one transaction
  std::vector<EvaluationRecord> evaluations(ArchId arch) const;
  std::vector<EvaluationRecord> evaluationsOfJob(JobId job) const;
  // Distinct metric names present, for view pickers.
  std::vector<std::string> metricNames() const;
  using EvalScope = nas::EvalScope;
  // The datasets and the jobs that have evaluations, for the views' filters.
  std::vector<std::string> evaluationDatasets() const;
  std::vector<JobId> evaluationJobs() const;
  // The records of the jobs that have evaluations, by id, in one query (a filter's titles).
  std::vector<JobRecord> jobsWithEvaluations() const;

  // One row per architecture having `metric` (max over evaluations), optional filter on
  // space; ordered by `orderBy` ("value", "flops", "params", "canonical", "id") asc/desc;
  // limit/offset for lazy loading (limit < 0: all).
  std::vector<ArchMetricRow> archMetricRows(const std::string& metric, const std::string& space = {},
                                            const std::string& orderBy = "id", bool descending = false,
                                            std::int64_t limit = -1, std::int64_t offset = 0,
                                            const std::string& canonicalLike = {}, const EvalScope& scope = {}) const;
  std::int64_t archMetricRowCount(const std::string& metric, const std::string& space = {},
                                  const std::string& canonicalLike = {}, const EvalScope& scope = {}) const;

  // For scatter views: per architecture the values of two (or three) metrics, where "flops"
  // and "params" name the architecture's own columns and any other name an evaluation metric
  // (max over evaluations). Architectures lacking x or y are left out; c is NaN when absent.
  struct ArchPoint {
    ArchId id;
    double x, y, c;
  };
  std::vector<ArchPoint> archPoints(const std::string& x, const std::string& y, const std::string& color = {},
                                    const std::string& space = {}, const EvalScope& scope = {},
                                    const std::string& canonicalLike = {}) const;

  // ---- metric series
  void appendMetrics(JobId job, const std::vector<MetricPoint>& points);  // one transaction
  std::vector<MetricPoint> metrics(JobId job, const std::string& series = {}, std::int64_t afterRowId = 0) const;
  std::vector<std::string> metricSeriesNames(JobId job) const;
  // Points appended after rowid `after` for all jobs, with their job and rowid: lets a view
  // poll for new points cheaply. Returns (job, rowid, point) triples.
  struct MetricRow {
    JobId job;
    std::int64_t rowId;
    MetricPoint point;
  };
  std::vector<MetricRow> metricsSince(std::int64_t afterRowId) const;

  // ---- samples
  void addSamples(const std::vector<SampleRecord>& samples);  // one transaction
  std::vector<SampleRecord> samples(JobId job) const;
  // Jobs with a sample whose payload has the top-level key `key` ("grids"), newest first.
  std::vector<JobId> jobsWithSampleKey(const std::string& key) const;

  // ---- artifacts (BLOBs). put replaces an artifact of the same job, kind and name.
  std::int64_t putArtifact(JobId job, const std::string& kind, const std::string& name, const std::string& bytes);
  std::optional<std::string> artifact(JobId job, const std::string& kind, const std::string& name) const;
  std::vector<ArtifactRecord> artifacts(JobId job) const;

  // ---- device profiles and latency lookup tables (schema 2, WorkspaceLatency.cpp)
  // Returns the id of the profile named p.name, creating it from p when absent. An existing
  // profile measured with other threads or batch throws InvalidArgument: its entries would
  // not be comparable.
  std::int64_t ensureDeviceProfile(const DeviceProfileRecord& p);
  std::optional<DeviceProfileRecord> findDeviceProfile(const std::string& name) const;
  DeviceProfileRecord deviceProfile(const std::string& name) const;  // throws NotFound listing the names
  std::vector<DeviceProfileRecord> deviceProfiles() const;           // oldest first
  void deleteDeviceProfile(const std::string& name);                 // with its entries
  // The profile with the newest entry of `space`; nullopt when none has entries for it.
  std::optional<DeviceProfileRecord> latestDeviceProfile(const std::string& space) const;
  // Upsert by (profile, space, key): each call is one transaction, so a killed profiling job
  // keeps every entry it finished.
  void putLatencyEntry(std::int64_t profileId, const LatencyEntryRecord& e);
  void putLatencyEntries(std::int64_t profileId, const std::vector<LatencyEntryRecord>& es);  // one transaction
  std::vector<LatencyEntryRecord> latencyEntries(std::int64_t profileId, const std::string& space = {}) const;
  // Spaces with entries in the profile, sorted.
  std::vector<std::string> latencySpaces(std::int64_t profileId) const;
  void putLatencyCorrection(std::int64_t profileId, const LatencyCorrectionRecord& c);
  std::optional<LatencyCorrectionRecord> latencyCorrection(std::int64_t profileId, const std::string& space) const;
  void clearLatencyCorrection(std::int64_t profileId, const std::string& space);
  // Replaces the stored validation pairs of (profile, space) in one transaction.
  void replaceLatencyValidations(std::int64_t profileId, const std::string& space,
                                 const std::vector<LatencyValidationRecord>& pairs);
  std::vector<LatencyValidationRecord> latencyValidations(std::int64_t profileId, const std::string& space = {}) const;

 private:
  struct Impl;
  explicit Workspace(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> d_;
};

}  // namespace nas
