#pragma once
// Shared pieces of the CLI commands: output in human or JSON form, exit codes, the
// terminal progress bar and the worker's progress lines, and signal-driven cancellation.

#include <string>

#include "common/CancelToken.h"
#include "common/Json.h"
#include "common/ProgressSink.h"

namespace nas::cli {

// Exit codes: stable, documented in `nasstudio-cli --help` and the README.
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,      // bad input, missing file, locked workspace ...
  kExitJobFailed = 2,  // the job ran and failed
  kExitCancelled = 3,  // the job was cancelled (signal, GUI, `jobs cancel`)
  kExitUsage = 64,     // command-line syntax
};

// Prints exactly one JSON object on stdout.
void printJson(const Json& obj);
// Error to stderr as "nasstudio-cli: error: <context>: <message>".
void printError(const std::string& what);

// A CancelToken that becomes cancelled on SIGINT/SIGTERM (installed once).
CancelToken signalCancelToken();

// Draws a one-line bar on stderr when stderr is a terminal; otherwise silent.
class TerminalProgress final : public ProgressSink {
 public:
  TerminalProgress();
  ~TerminalProgress() override;
  void progress(double fraction, const std::string& stage) override;
  void metric(const std::string& series, int64_t step, double value) override;
  void log(const std::string& line) override;
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::string lastMetric_;
  double lastDraw_ = 0;
};

// One JSON object per line on stdout, for scripts following a job (`run-job --progress-lines`).
class ProgressLines final : public ProgressSink {
 public:
  explicit ProgressLines(long long jobId) : job_(jobId) {}
  void progress(double fraction, const std::string& stage) override;
  void metric(const std::string& series, int64_t step, double value) override;
  void log(const std::string& line) override;
  void finished(const std::string& status, const Json& result, const std::string& error);

 private:
  long long job_;
};

}  // namespace nas::cli
