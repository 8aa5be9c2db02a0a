#include "common/Log.h"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>

namespace nas::log {

namespace {
Level thresholdFromEnv() {
  const char* v = std::getenv("NASSTUDIO_LOG");
  if (!v) return Level::Warn;
  if (!std::strcmp(v, "error")) return Level::Error;
  if (!std::strcmp(v, "info")) return Level::Info;
  if (!std::strcmp(v, "debug")) return Level::Debug;
  return Level::Warn;
}
const char* name(Level l) {
  switch (l) {
    case Level::Error: return "error";
    case Level::Warn: return "warning";
    case Level::Info: return "info";
    case Level::Debug: return "debug";
  }
  return "";
}
}  // namespace

void write(Level level, const std::string& message) {
  static const Level threshold = thresholdFromEnv();
  static std::mutex mutex;
  if (static_cast<int>(level) > static_cast<int>(threshold)) return;
  std::lock_guard<std::mutex> lock(mutex);
  std::cerr << "nasstudio " << name(level) << ": " << message << '\n';
}

}  // namespace nas::log
