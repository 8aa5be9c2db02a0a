// The NAS-LID plugin's entry points: the "naslid" ranking study and the "naslid-truth" job.
#include "NaslidMethod.h"
#include "TruthMethod.h"
#include "plugin/PluginApi.h"

NASSTUDIO_PLUGIN_EXPORT int nasstudio_plugin_api_version() { return nas::kPluginApiVersion; }
NASSTUDIO_PLUGIN_EXPORT void nasstudio_plugin_register(nas::PluginHost* host) {
  host->addMethod(std::make_unique<nas::naslid::NaslidMethod>());
  host->addMethod(std::make_unique<nas::naslid::TruthMethod>());
}
