// A plugin built "for another API version": the loader must refuse it with a clear message.
#include "plugin/PluginApi.h"

NASSTUDIO_PLUGIN_EXPORT int nasstudio_plugin_api_version() { return nas::kPluginApiVersion + 41; }
NASSTUDIO_PLUGIN_EXPORT void nasstudio_plugin_register(nas::PluginHost*) {}
