#include "engine/Engine.h"

#include "common/BuildInfo.h"
#include "common/Paths.h"
#include "eval/Nb201Latency.h"
#include "export/Exporter.h"
#include "jobs/LatencyProfileMethod.h"
#include "plugin/PluginApi.h"
#include "search/QueryStrategy.h"
#include "search/SearchMethods.h"
#include "train/MlInfo.h"
#include "train/TrainMethods.h"

namespace nas {

Engine::Engine(bool loadPluginsFromDisk)
    : strategies_(std::make_unique<QueryStrategyRegistry>()), exporters_(std::make_unique<ExporterRegistry>()) {
  registerSearchMethods(registry_, *strategies_);
  registerTrainMethods(registry_);
  registerBuiltinLatencySpaces(latencySpaces_);
  registry_.add(std::make_unique<LatencyProfileMethod>(latencySpaces_));
  if (loadPluginsFromDisk)
    plugins_ = loadPlugins(pluginDirs(), Registries{registry_, &latencySpaces_, strategies_.get(), exporters_.get()});
}

Engine::~Engine() = default;

Json Engine::info() const {
  Json info;
  info["version"] = kVersion;
  Json ml = mlRuntimeInfo();
  info["libtorch"] = ml["libtorch"];
  info["threads"] = ml["threads"];
  info["devices"] = ml["devices"];
  info["cuda"] = ml["cuda"];
  info["distributed"] = ml["distributed"];  // data-parallel ranks over c10d/Gloo (issue 18)
  Json plugins = Json::array();
  for (const auto& p : plugins_) {
    Json j{{"name", p.name}, {"path", p.path}, {"loaded", p.loaded}, {"components", p.components}};
    if (!p.loaded) j["error"] = p.error;
    plugins.push_back(j);
  }
  info["plugins"] = plugins;
  Json methods = Json::array();
  for (const Method* m : registry_.all()) methods.push_back(m->name());
  info["methods"] = methods;
  return info;
}

}  // namespace nas
