#pragma once
// Exporting one architecture of a workspace to a file: what `nasstudio-cli export` and the
// GUI's export dialog call. Finds the architecture, asks its space's exporter for the network
// (trained weights where a job stored some), writes the format atomically (never over an
// existing file unless `force`), and checks what it wrote against the app's own forward pass:
//   onnx         the file read back and evaluated operator by operator (GraphEval.h), after
//                ONNX's checker and strict shape inference;
//   torchscript  the file loaded with torch::jit::load and run;
//   pytorch      the .py's forward (TorchScript-compiled, the same text) with the weights read
//                back from the written weights file;
//   json         no network: the genotype document (GenotypeJson.h).
// No torch or Qt types in this header: the GUI includes it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/Json.h"
#include "export/format/GenotypeJson.h"
#include "store/Records.h"

namespace nas {

class Workspace;
class ExporterRegistry;

enum class ExportFormat { Onnx, Json, TorchScript, PyTorch };
const char* exportFormatName(ExportFormat f);  // "onnx", "json", "torchscript", "pytorch"
// InvalidArgument listing the formats.
ExportFormat exportFormatFromName(const std::string& name);
const std::vector<std::string>& exportFormatNames();
// The usual file ending: ".onnx", ".json", ".pt" (TorchScript), ".py" (with a ".pt" beside it).
const char* exportFormatSuffix(ExportFormat f);

// An id ("42") or an architecture string of any space in the workspace (an NB201 string may be
// written in any op order the parser accepts). NotFound naming the input and the workspace.
ArchitectureRecord resolveArchitecture(const Workspace& ws, const std::string& idOrString);

struct ExportRequest {
  ExportFormat format = ExportFormat::Onnx;
  std::string out;           // the file; for pytorch the .py, its weights go to <stem>.pt beside it
  bool force = false;        // overwrite existing files
  std::uint64_t seed = 0;    // initialisation where no trained weights exist
  std::int64_t checkBatch = 2;  // images in the self-check's random input
};

struct ExportResult {
  std::string path;                 // the main file
  std::vector<std::string> files;   // every file written
  ExportFormat format = ExportFormat::Onnx;
  std::int64_t bytes = 0;           // over all files
  std::optional<double> maxAbsDiff; // self-check against the app's forward (none for json)
  bool trainedWeights = false;
  std::string weights;              // where the weights came from, for people
  std::optional<JobId> weightsJob;
  ArchitectureRecord arch;
  std::int64_t parameters = 0;      // trainable entries of the exported network
  Json toJson() const;              // path, format, bytes, max_abs_diff, weights, ...
};

// `exporters`: the engine's (Engine::exporters()), which builds the network of arch's space.
ExportResult exportArchitecture(const ExporterRegistry& exporters, const Workspace& ws, const ArchitectureRecord& arch,
                                const ExportRequest& request);

// The file `request.out` names for arch `arch` when exporting many into one folder:
// "<folder>/arch<id>-<space>.<suffix>" (':' in a space name becomes '-').
std::string exportFileName(const std::string& folder, const ArchitectureRecord& arch, ExportFormat format);

// Reads a genotype JSON file and imports it (GenotypeJson.h), checking the string with its
// space's exporter. NotFound when no exporter knows the space (a plugin may be missing).
GenotypeImport importGenotypeFile(const ExporterRegistry& exporters, Workspace& ws, const std::string& path);

}  // namespace nas
