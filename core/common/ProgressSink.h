#pragma once
// Where long-running core work reports to. The job runner implements it by writing to
// the workspace and printing progress lines; tests use a recording sink.

#include <cstdint>
#include <string>

namespace nas {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // fraction in [0, 1] of the whole job; stage is a short human label ("epoch 2/5").
  virtual void progress(double fraction, const std::string& stage) = 0;
  // One point of a named series (loss, accuracy, lr ...) at an integer step.
  virtual void metric(const std::string& series, int64_t step, double value) = 0;
  virtual void log(const std::string& line) = 0;
};

// Drops everything: for callers that do not care.
class NullProgressSink final : public ProgressSink {
 public:
  void progress(double, const std::string&) override {}
  void metric(const std::string&, int64_t, double) override {}
  void log(const std::string&) override {}
};

}  // namespace nas
