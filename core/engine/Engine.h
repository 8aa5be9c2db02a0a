#pragma once
// The composition root of the core: the one owner of every registry (methods, latency
// spaces, query strategies, exporters), filled with the built-ins and the plugins found on
// disk, each plugin's registration one transaction over all four (plugin/PluginApi.h). The
// CLI, the worker and the GUI each make one; nothing is registered process-wide. No torch
// types here.

#include <memory>
#include <vector>

#include "common/Json.h"
#include "jobs/LatencySpace.h"
#include "jobs/Method.h"
#include "plugin/PluginLoader.h"

namespace nas {

class QueryStrategyRegistry;
class ExporterRegistry;

class Engine {
 public:
  // loadPlugins=false for tests that want only the built-in methods.
  explicit Engine(bool loadPlugins = true);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  MethodRegistry& methods() { return registry_; }
  const MethodRegistry& methods() const { return registry_; }
  const std::vector<PluginInfo>& plugins() const { return plugins_; }
  // Latency spaces: "nb201" built in, others from plugins (issue 6).
  const LatencySpaceRegistry& latencySpaces() const { return latencySpaces_; }
  // Query strategies: "random" and "evolution" built in, others from plugins.
  const QueryStrategyRegistry& queryStrategies() const { return *strategies_; }
  // Network exporters: "nb201" built in, others from plugins (export/Exporter.h).
  const ExporterRegistry& exporters() const { return *exporters_; }

  // version, libtorch, threads, devices, plugins, methods: what `nasstudio-cli info` prints.
  Json info() const;

 private:
  // Before registry_: methods refer to latency spaces and query strategies (the
  // latency-profile and search methods), so those must outlive the methods.
  LatencySpaceRegistry latencySpaces_;
  std::unique_ptr<QueryStrategyRegistry> strategies_;
  std::unique_ptr<ExporterRegistry> exporters_;
  MethodRegistry registry_;
  std::vector<PluginInfo> plugins_;
};

}  // namespace nas
