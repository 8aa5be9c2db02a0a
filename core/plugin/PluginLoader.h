#pragma once
// Finds and loads plugin modules (lib*.so) from folders with dlopen, checks their API
// version, and lets them register their components (methods, latency spaces, query
// strategies, exporters) with an Engine's registries. A plugin that fails to load is reported (with
// the file and reason) and skipped; it never takes the host down.
//
// Only absolute folders are read (a relative one would depend on the working directory),
// and neither a folder nor a module that anyone may write (o+w): loading code from there
// would run whatever another user put there.

#include <string>
#include <vector>

namespace nas {

class MethodRegistry;
struct Registries;

struct PluginInfo {
  std::string name;   // file stem without "lib" prefix
  std::string path;
  bool loaded = false;
  std::string error;  // why not, when !loaded
  std::vector<std::string> components;  // what it registered: "method:x", "strategy:y", ...
};

// Each plugin's registration is one transaction over the registries (plugin/PluginApi.h).
std::vector<PluginInfo> loadPlugins(const std::vector<std::string>& dirs, const Registries& registries);
// Methods only: a plugin that adds anything else fails to load (tools and tests).
std::vector<PluginInfo> loadPlugins(const std::vector<std::string>& dirs, MethodRegistry& methods);

}  // namespace nas
