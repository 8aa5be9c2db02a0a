#pragma once
// The plugin interface. A plugin is a shared module (`add_library(x MODULE)`) exporting two
// C symbols:
//   int  nasstudio_plugin_api_version();            // must return kPluginApiVersion
//   void nasstudio_plugin_register(nas::PluginHost*); // adds methods to the host
// Plugins exchange C++ and torch types with core, so they must be built with the same
// compiler, the same standard library and the same LibTorch as the core they load into.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/Json.h"

namespace nas {

// Declared here rather than by including search/QueryStrategy.h, so that a plugin includes
// only what it uses. The aliases repeat QueryStrategy.h's exactly (a repeated alias of the
// same type is legal C++).
class QueryStrategy;
using StrategyParams = Json;
using ParamStrategyFactory = std::function<std::unique_ptr<QueryStrategy>(const StrategyParams&)>;

class Method;
class MethodRegistry;
class LatencySpace;
class LatencySpaceRegistry;
class NetworkExporter;
class QueryStrategyRegistry;
class ExporterRegistry;

// 2: LiveGenerator gained sweep() and estimate() (a new vtable layout).
// 3: PluginHost::addExporter (network exporters: ONNX, TorchScript, PyTorch, per space).
// 4: Method gained resultKinds() and titleParams() (a new vtable layout).
// 5: PluginHost adds to the registries of one Engine (Registries), query strategies and
//    exporters included (they were process-wide); PluginHost::queryStrategies().
inline constexpr int kPluginApiVersion = 5;

// The registries one Engine owns (engine/Engine.h), as a plugin's registration sees them.
// Only `methods` is required: a host made without one of the others refuses that kind with
// PluginError (tools and tests that load methods only).
struct Registries {
  MethodRegistry& methods;
  LatencySpaceRegistry* latencySpaces = nullptr;
  QueryStrategyRegistry* strategies = nullptr;
  ExporterRegistry* exporters = nullptr;
};

// A plugin's registration is one transaction over all four kinds: each add* call checks its
// name (a duplicate of a registered or already staged component throws PluginError) and
// stages the component; the loader commits all of them after nasstudio_plugin_register
// returned, and drops them all when it threw half way. Should a component still be refused
// while committing, the ones committed before it are taken out again: a plugin that fails
// leaves nothing registered.
class PluginHost {
 public:
  PluginHost(const Registries& registries, std::string pluginName);
  PluginHost(MethodRegistry& methods, std::string pluginName) : PluginHost(Registries{methods}, std::move(pluginName)) {}
  void addMethod(std::unique_ptr<Method> method);
  // A query strategy for `tabular search --strategy NAME` and the tabular-search job, with
  // its documented parameter defaults. Defined in core/search/QueryStrategy.cpp, the room
  // that owns query strategies.
  void addQueryStrategy(const std::string& name, ParamStrategyFactory factory, Json defaults = Json::object());
  // The engine's query strategies (built-in, and those committed by plugins loaded so far;
  // read again when the method runs, all plugins are loaded by then): for a method that runs
  // strategies by name. Throws PluginError when the host was made without them.
  const QueryStrategyRegistry& queryStrategies() const;
  // A latency space (lookup-table entries measured on this machine).
  void addLatencySpace(std::unique_ptr<LatencySpace> space);
  // A network exporter for the architectures of one search space (core/export/Exporter.h):
  // builds the space's network as an export graph with its trained or initial weights.
  // Defined in core/export/Exporter.cpp. Throws PluginError for a name already registered.
  void addExporter(std::unique_ptr<NetworkExporter> exporter);
  bool acceptsLatencySpaces() const { return registries_.latencySpaces != nullptr; }
  const std::string& pluginName() const { return name_; }
  // Registers what was staged, in the order it was added (the loader calls it); all or
  // nothing (see above), rethrowing what refused a component.
  void commit();
  std::size_t stagedCount() const { return staged_.size(); }
  // What is staged, as "kind:name" ("method:x", "strategy:z"); the loader records it for
  // `nasstudio-cli plugins` before it commits.
  const std::vector<std::string>& stagedKeys() const { return stagedKeys_; }

 private:
  // Throws PluginError when `key` ("method:x", "latency-space:y", "strategy:z",
  // "exporter:e") is staged already. `apply` registers the component, `undo` takes it out.
  void stage(const std::string& key, std::function<void()> apply, std::function<void()> undo);
  struct Staged {
    std::function<void()> apply, undo;
  };

  Registries registries_;
  std::string name_;
  std::vector<Staged> staged_;
  std::vector<std::string> stagedKeys_;
};

}  // namespace nas

#define NASSTUDIO_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
