// The RepNAS plugin's entry points. For now it registers the "dbb" latency space only (the
// groundwork of the RepNAS method: the DBB block, its re-parameterisation and its latency);
// the search method comes later.
#include "DbbLatency.h"
#include "plugin/PluginApi.h"

NASSTUDIO_PLUGIN_EXPORT int nasstudio_plugin_api_version() { return nas::kPluginApiVersion; }
NASSTUDIO_PLUGIN_EXPORT void nasstudio_plugin_register(nas::PluginHost* host) {
  // A host that loads methods only (no latency registry) gets nothing from this plugin yet.
  if (host->acceptsLatencySpaces()) host->addLatencySpace(nas::repnas::makeDbbLatencySpace());
}
