// The SGNAS plugin's entry points: registers the "sgnas" method.
#include "SgnasMethod.h"
#include "plugin/PluginApi.h"

NASSTUDIO_PLUGIN_EXPORT int nasstudio_plugin_api_version() { return nas::kPluginApiVersion; }
NASSTUDIO_PLUGIN_EXPORT void nasstudio_plugin_register(nas::PluginHost* host) {
  host->addMethod(std::make_unique<nas::sgnas::SgnasMethod>());
}
