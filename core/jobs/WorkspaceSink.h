#pragma once
// A ProgressSink that writes a job's progress, metrics and log lines into the workspace (the
// only channel back to any window). Metrics and log lines are buffered and flushed in one
// transaction every `flushInterval` or `maxBuffered` rows, and progress rows are throttled, so
// a training loop reporting every batch costs a few transactions per second, not hundreds.
// Forwards everything to an optional second sink (a terminal bar, a trace on stdout).
//
// Resume (issue 19): a resumed run computes again every point after its checkpoint, and some
// of those were already written before the kill. The points a job had when this sink was made
// (series, step) are not written again, so a series keeps one point per step. Points still
// buffered when a checkpoint is saved are written with it (JobContext::saveCheckpoint calls
// flush() inside the checkpoint's transaction), so none is lost either.

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/ProgressSink.h"
#include "store/Records.h"

namespace nas {

class Workspace;

class WorkspaceSink final : public ProgressSink {
 public:
  WorkspaceSink(Workspace& ws, JobId job, ProgressSink* forward,
                std::chrono::milliseconds flushInterval = std::chrono::milliseconds(500));
  ~WorkspaceSink() override;

  void progress(double fraction, const std::string& stage) override;
  void metric(const std::string& series, int64_t step, double value) override;
  void log(const std::string& line) override;
  // Writes whatever is buffered (and the latest progress) now.
  void flush();

 private:
  bool due() const;

  Workspace& ws_;
  JobId job_;
  ProgressSink* forward_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point lastFlush_;
  std::vector<MetricPoint> buffer_;
  std::set<std::pair<std::string, std::int64_t>> stored_;  // (series, step) of earlier runs
  std::vector<JobLogLine> logBuffer_;
  double fraction_ = 0;
  std::string stage_;
  bool progressDirty_ = false;
};

}  // namespace nas
