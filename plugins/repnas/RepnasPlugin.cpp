// The RepNAS plugin's entry points: the "repnas" method (branch search and one-conv
// deployment) and the "dbb" latency space (when the host accepts latency spaces).
#include "DbbLatency.h"
#include "RepnasExport.h"
#include "RepnasMethod.h"
#include "plugin/PluginApi.h"

NASSTUDIO_PLUGIN_EXPORT int nasstudio_plugin_api_version() { return nas::kPluginApiVersion; }
NASSTUDIO_PLUGIN_EXPORT void nasstudio_plugin_register(nas::PluginHost* host) {
  host->addMethod(std::make_unique<nas::repnas::RepnasMethod>());
  if (host->acceptsLatencySpaces()) host->addLatencySpace(nas::repnas::makeDbbLatencySpace());
  host->addExporter(nas::repnas::makeRepnasExporter());  // merged single paths as ONNX, TorchScript, PyTorch
}
