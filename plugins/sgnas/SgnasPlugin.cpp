// The SGNAS plugin's entry points: registers the "sgnas", "sgnas-retrain" and "sgnas-scratch" methods.
#include "SgnasExport.h"
#include "SgnasLatency.h"
#include "SgnasMethod.h"
#include "SgnasRetrainMethod.h"
#include "SgnasScratchMethod.h"
#include "plugin/PluginApi.h"

// Defined here, not in SgnasLatency.cpp: plugin/PluginApi.h and the sampling code's Rng
// cannot share a translation unit.
void nas::sgnas::registerSgnasLatencySpaces(PluginHost& host) {
  if (!host.acceptsLatencySpaces()) return;  // a host that loads methods only
  for (const auto& preset : spacePresetNames()) host.addLatencySpace(makeSgnasLatencySpace(preset));
}

NASSTUDIO_PLUGIN_EXPORT int nasstudio_plugin_api_version() { return nas::kPluginApiVersion; }
NASSTUDIO_PLUGIN_EXPORT void nasstudio_plugin_register(nas::PluginHost* host) {
  host->addMethod(std::make_unique<nas::sgnas::SgnasMethod>());
  nas::sgnas::registerSgnasLatencySpaces(*host);  // latency spaces sgnas, sgnas:<preset>
  host->addMethod(std::make_unique<nas::sgnas::SgnasRetrainMethod>());
  host->addMethod(std::make_unique<nas::sgnas::SgnasScratchMethod>());
  host->addExporter(nas::sgnas::makeSgnasExporter());  // single paths as ONNX, TorchScript, PyTorch
}
