// The AG-Net plugin: registers the "agnet" query strategy for tabular searches
// (`nasstudio-cli tabular search --strategy agnet`) and the "agnet" job
// (`nasstudio-cli run agnet`), which also runs on supernet and scratch sources.
#include "AgnetJobSource.h"
#include "AgnetMethod.h"
#include "AgnetSearch.h"
#include "plugin/PluginApi.h"

NASSTUDIO_PLUGIN_EXPORT int nasstudio_plugin_api_version() { return nas::kPluginApiVersion; }

NASSTUDIO_PLUGIN_EXPORT void nasstudio_plugin_register(nas::PluginHost* host) {
  const nas::Json defaults = nas::agnet::searchConfigDefaults();
  // The strategy and the method together: the job's schema lists the engine's strategies.
  host->addQueryStrategy(
      "agnet",
      [](const nas::Json& params) -> std::unique_ptr<nas::QueryStrategy> {
        return std::make_unique<nas::agnet::AgnetStrategy>(nas::agnet::searchConfigFromParams(params));
      },
      defaults);
  host->addMethod(std::make_unique<nas::agnet::AgnetMethod>(host->queryStrategies()));
}
