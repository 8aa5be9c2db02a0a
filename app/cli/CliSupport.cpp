#include "CliSupport.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace nas::cli {

namespace {
volatile std::sig_atomic_t g_stopRequested = 0;

extern "C" void onStopSignal(int) { g_stopRequested = 1; }

double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

void printJson(const Json& obj) { std::cout << obj.dump(2) << std::endl; }

void printError(const std::string& what) { std::cerr << "nasstudio-cli: error: " << what << std::endl; }

CancelToken signalCancelToken() {
  static bool installed = false;
  if (!installed) {
    struct sigaction sa {};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    installed = true;
  }
  CancelToken token;
  token.addPoll([] { return g_stopRequested != 0; });
  return token;
}

TerminalProgress::TerminalProgress() : enabled_(::isatty(STDERR_FILENO) != 0) {}

TerminalProgress::~TerminalProgress() { finish(); }

void TerminalProgress::progress(double fraction, const std::string& stage) {
  if (!enabled_) return;
  double now = nowSeconds();
  if (now - lastDraw_ < 0.1 && fraction < 1.0) return;
  lastDraw_ = now;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(fraction * kWidth + 0.5);
  std::string bar(static_cast<size_t>(std::max(0, std::min(kWidth, filled))), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %5.1f%%  %-16s %-28s", bar.c_str(), fraction * 100.0, stage.c_str(),
               lastMetric_.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void TerminalProgress::metric(const std::string& series, int64_t, double value) {
  if (!enabled_) return;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s %.4g", series.c_str(), value);
  lastMetric_ = buf;
}

void TerminalProgress::log(const std::string& line) {
  if (!enabled_) return;
  finish();
  std::fprintf(stderr, "%s\n", line.c_str());
}

void TerminalProgress::finish() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

void ProgressLines::progress(double fraction, const std::string& stage) {
  std::cout << Json{{"event", "progress"}, {"job", job_}, {"fraction", fraction}, {"stage", stage}}.dump() << std::endl;
}

void ProgressLines::metric(const std::string& series, int64_t step, double value) {
  std::cout << Json{{"event", "metric"}, {"job", job_}, {"series", series}, {"step", step}, {"value", value}}.dump()
            << std::endl;
}

void ProgressLines::log(const std::string& line) {
  std::cout << Json{{"event", "log"}, {"job", job_}, {"line", line}}.dump() << std::endl;
}

void ProgressLines::finished(const std::string& status, const Json& result, const std::string& error) {
  std::cout << Json{{"event", "finished"}, {"job", job_}, {"status", status}, {"result", result}, {"error", error}}.dump()
            << std::endl;
}

}  // namespace nas::cli
