#include "jobs/WorkspaceSink.h"

#include "common/Log.h"
#include "jobs/JobService.h"
#include "store/Workspace.h"

namespace nas {

namespace {
constexpr size_t kMaxBuffered = 500;
}

WorkspaceSink::WorkspaceSink(Workspace& ws, JobId job, ProgressSink* forward, std::chrono::milliseconds flushInterval)
    : ws_(ws), job_(job), forward_(forward), interval_(flushInterval), lastFlush_(std::chrono::steady_clock::now()) {
  for (const MetricPoint& p : ws_.metrics(job_)) stored_.emplace(p.series, p.step);
}

WorkspaceSink::~WorkspaceSink() {
  // A destructor must not throw: a failed final flush is logged; the runner flushes
  // explicitly before it records the outcome, so this only matters on unusual paths.
  try {
    flush();
  } catch (const std::exception& e) {
    log::warn(std::string("could not write the last progress to the workspace: ") + e.what());
  }
}

bool WorkspaceSink::due() const {
  return buffer_.size() + logBuffer_.size() >= kMaxBuffered || std::chrono::steady_clock::now() - lastFlush_ >= interval_;
}

void WorkspaceSink::progress(double fraction, const std::string& stage) {
  fraction_ = fraction;
  stage_ = stage;
  progressDirty_ = true;
  if (forward_) forward_->progress(fraction, stage);
  if (due()) flush();
}

void WorkspaceSink::metric(const std::string& series, int64_t step, double value) {
  if (!stored_.empty() && stored_.count({series, step})) return;  // an earlier run of this job wrote it
  buffer_.push_back(MetricPoint{series, step, value});
  if (forward_) forward_->metric(series, step, value);
  if (due()) flush();
}

void WorkspaceSink::log(const std::string& line) {
  logBuffer_.push_back(JobLogLine{0, job_, nowUnixSeconds(), line});
  if (forward_) forward_->log(line);
  if (due()) flush();
}

void WorkspaceSink::flush() {
  lastFlush_ = std::chrono::steady_clock::now();
  if (buffer_.empty() && logBuffer_.empty() && !progressDirty_) return;
  ws_.transaction([&] {
    if (!buffer_.empty()) ws_.appendMetrics(job_, buffer_);
    if (!logBuffer_.empty()) ws_.appendJobLog(job_, logBuffer_);
    if (progressDirty_) ws_.setJobProgress(job_, fraction_, stage_);
  });
  buffer_.clear();
  logBuffer_.clear();
  progressDirty_ = false;
}

}  // namespace nas
