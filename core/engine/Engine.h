#pragma once
// The composition root of the core: a method registry with the built-in methods and the
// plugins found on disk. The CLI, the worker and the GUI each make one. No torch types here.

#include <memory>
#include <vector>

#include "common/Json.h"
#include "jobs/LatencySpace.h"
#include "jobs/Method.h"
#include "plugin/PluginLoader.h"

namespace nas {

class Engine {
 public:
  // loadPlugins=false for tests that want only the built-in methods.
  explicit Engine(bool loadPlugins = true);

  MethodRegistry& methods() { return registry_; }
  const MethodRegistry& methods() const { return registry_; }
  const std::vector<PluginInfo>& plugins() const { return plugins_; }
  // Latency spaces: "nb201" built in, others from plugins (issue 6).
  const LatencySpaceRegistry& latencySpaces() const { return latencySpaces_; }

  // version, libtorch, threads, devices, plugins, methods: what `nasstudio-cli info` prints.
  Json info() const;

 private:
  // Before registry_: the latency-profile method refers to it, so it must outlive the methods.
  LatencySpaceRegistry latencySpaces_;
  MethodRegistry registry_;
  std::vector<PluginInfo> plugins_;
};

}  // namespace nas
