// The EnTranNAS plugin's entry points: the "darts" baseline, the "entrannas" search and the
// "darts-eval" from-scratch training of a genotype, and the DARTS space's exporter.
#include "DartsExport.h"
#include "EntranMethods.h"
#include "plugin/PluginApi.h"

NASSTUDIO_PLUGIN_EXPORT int nasstudio_plugin_api_version() { return nas::kPluginApiVersion; }
NASSTUDIO_PLUGIN_EXPORT void nasstudio_plugin_register(nas::PluginHost* host) {
  host->addMethod(std::make_unique<nas::entrannas::CellSearchMethod>("darts"));
  host->addMethod(std::make_unique<nas::entrannas::CellSearchMethod>("entrannas"));
  host->addMethod(std::make_unique<nas::entrannas::DartsEvalMethod>());
  host->addExporter(nas::entrannas::makeDartsExporter());  // evaluation networks as ONNX, TorchScript, PyTorch
}
