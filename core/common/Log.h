#pragma once
// Minimal logging to standard error, with a level set from $NASSTUDIO_LOG (error, warn,
// info, debug). Core code logs rarely; results go to the workspace, not the log.

#include <string>

namespace nas::log {

enum class Level { Error = 0, Warn = 1, Info = 2, Debug = 3 };

void write(Level level, const std::string& message);
inline void error(const std::string& m) { write(Level::Error, m); }
inline void warn(const std::string& m) { write(Level::Warn, m); }
inline void info(const std::string& m) { write(Level::Info, m); }
inline void debug(const std::string& m) { write(Level::Debug, m); }

}  // namespace nas::log
