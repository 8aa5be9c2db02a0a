#pragma once
// Finds and loads plugin modules (lib*.so) from folders with dlopen, checks their API
// version, and lets them register methods. A plugin that fails to load is reported (with
// the file and reason) and skipped; it never takes the host down.

#include <string>
#include <vector>

namespace nas {

class MethodRegistry;
class LatencySpaceRegistry;

struct PluginInfo {
  std::string name;   // file stem without "lib" prefix
  std::string path;
  bool loaded = false;
  std::string error;  // why not, when !loaded
};

std::vector<PluginInfo> loadPlugins(const std::vector<std::string>& dirs, MethodRegistry& registry);
// The same, letting plugins add latency spaces to `latencySpaces` (may be null).
std::vector<PluginInfo> loadPlugins(const std::vector<std::string>& dirs, MethodRegistry& registry,
                                    LatencySpaceRegistry* latencySpaces);

}  // namespace nas
