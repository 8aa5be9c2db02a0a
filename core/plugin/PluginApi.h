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

// 2: LiveGenerator gained sweep() and estimate() (a new vtable layout).
// 3: PluginHost::addExporter (network exporters: ONNX, TorchScript, PyTorch, per space).
// 4: Method gained resultKinds() and titleParams() (a new vtable layout).
inline constexpr int kPluginApiVersion = 4;

// A plugin's registration is one transaction: each add* call checks its name (a duplicate of a
// registered or already staged component throws PluginError) and stages the component; the
// loader commits all of them after nasstudio_plugin_register returned, and drops them all
// when it threw half way, so a plugin that fails leaves nothing registered.
class PluginHost {
 public:
  PluginHost(MethodRegistry& registry, std::string pluginName) : registry_(registry), name_(std::move(pluginName)) {}
  void addMethod(std::unique_ptr<Method> method);
  // A query strategy for `tabular search --strategy NAME` and the tabular-search job, with
  // its documented parameter defaults. Goes to the process-wide strategy registry
  // (registerQueryStrategy); defined in core/search/QueryStrategy.cpp, the room that owns it.
  void addQueryStrategy(const std::string& name, ParamStrategyFactory factory, Json defaults = Json::object());
  // A latency space (lookup-table entries measured on this machine); throws PluginError when
  // the host was made without a latency registry (tools that load methods only).
  void addLatencySpace(std::unique_ptr<LatencySpace> space);
  void setLatencySpaceRegistry(LatencySpaceRegistry* spaces) { latencySpaces_ = spaces; }
  // A network exporter for the architectures of one search space (core/export/Exporter.h):
  // builds the space's network as an export graph with its trained or initial weights. Goes
  // to the process-wide exporter registry (registerExporter); defined in
  // core/export/Exporter.cpp, the room that owns it. Throws PluginError for a space another
  // exporter handles already.
  void addExporter(std::unique_ptr<NetworkExporter> exporter);
  bool acceptsLatencySpaces() const { return latencySpaces_ != nullptr; }
  const std::string& pluginName() const { return name_; }
  // Registers what was staged, in the order it was added (the loader calls it).
  void commit();
  std::size_t stagedCount() const { return pending_.size(); }
  // What is staged, as "kind:name" ("method:x", "strategy:z"); the loader records it for
  // `nasstudio-cli plugins` before it commits.
  const std::vector<std::string>& stagedKeys() const { return stagedKeys_; }

 private:
  // Throws PluginError when `key` ("method:x", "latency-space:y", "strategy:z",
  // "exporter:e") is staged already.
  void stage(const std::string& key, std::function<void()> apply);

  MethodRegistry& registry_;
  std::string name_;
  LatencySpaceRegistry* latencySpaces_ = nullptr;
  // Members added after the ones above keep their offsets for the inline accessors.
  std::vector<std::function<void()>> pending_;
  std::vector<std::string> stagedKeys_;
};

}  // namespace nas

#define NASSTUDIO_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
