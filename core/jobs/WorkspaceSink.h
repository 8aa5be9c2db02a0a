#pragma once
// A ProgressSink that writes a job's progress and metrics into the workspace. Metrics are
// buffered and flushed in one transaction every `flushInterval` or `maxBuffered` points, and
// progress rows are throttled, so a training loop reporting every batch costs a few
// transactions per second, not hundreds. Forwards everything to an optional second sink.

#include <chrono>
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
  double fraction_ = 0;
  std::string stage_;
  bool progressDirty_ = false;
};

}  // namespace nas
