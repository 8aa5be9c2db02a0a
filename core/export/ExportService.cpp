#include "export/ExportService.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/BuildInfo.h"
#include "common/Error.h"
#include "common/InputFile.h"
#include "export/format/AtomicFile.h"
#include "export/Exporter.h"
#include "export/GraphEval.h"
#include "export/format/OnnxModel.h"
#include "export/TorchCode.h"
#include "searchspace/Nb201Cell.h"
#include "store/Workspace.h"

namespace fs = std::filesystem;

namespace nas {
namespace {

struct FormatInfo {
  ExportFormat format;
  const char* name;
  const char* suffix;
};
constexpr FormatInfo kFormats[] = {{ExportFormat::Onnx, "onnx", ".onnx"},
                                   {ExportFormat::Json, "json", ".json"},
                                   {ExportFormat::TorchScript, "torchscript", ".pt"},
                                   {ExportFormat::PyTorch, "pytorch", ".py"}};

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::IoError, "cannot read back what was written", path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Where the PyTorch module's weights go: beside the .py, same stem, ".pt".
std::string weightsPathFor(const std::string& pyPath) {
  fs::path p(pyPath);
  if (p.extension() == ".py") return p.replace_extension(".pt").string();
  return pyPath + ".pt";
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b, const std::string& what) {
  if (a.sizes() != b.sizes())
    throw Error(ErrorCode::Internal, "the exported form's output shape differs from the app's", what);
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

bool allDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

const char* exportFormatName(ExportFormat f) {
  for (const auto& i : kFormats)
    if (i.format == f) return i.name;
  return "?";
}

const char* exportFormatSuffix(ExportFormat f) {
  for (const auto& i : kFormats)
    if (i.format == f) return i.suffix;
  return "";
}

const std::vector<std::string>& exportFormatNames() {
  static const std::vector<std::string> names = {"onnx", "json", "torchscript", "pytorch"};
  return names;
}

ExportFormat exportFormatFromName(const std::string& name) {
  for (const auto& i : kFormats)
    if (name == i.name) return i.format;
  throw Error(ErrorCode::InvalidArgument, "unknown export format '" + name + "' (use onnx, json, torchscript or pytorch)");
}

ArchitectureRecord resolveArchitecture(const Workspace& ws, const std::string& idOrString) {
  const std::string ctx = "workspace " + ws.path();
  if (allDigits(idOrString)) {
    try {
      return ws.architecture(std::stoll(idOrString));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::NotFound) throw;
      throw Error(ErrorCode::NotFound, "no architecture with id " + idOrString, ctx);
    }
  }
  // An NB201 cell in any form the parser accepts: look up its canonical string.
  try {
    const std::string canonical = Nb201Cell::parse(idOrString).toString();
    if (auto a = ws.findArchitecture("nb201", canonical)) return *a;
  } catch (const Error&) {
  }
  std::vector<ArchitectureRecord> found;
  for (const auto& row : ws.archMetricRows("", "", "id", false, -1, 0, idOrString))
    if (row.canonical == idOrString) found.push_back(ws.architecture(row.archId));
  if (found.size() == 1) return found.front();
  if (found.empty())
    throw Error(ErrorCode::NotFound, "no architecture '" + idOrString + "' (give an id or an architecture string stored in this workspace)", ctx);
  std::string ids;
  for (const auto& a : found) ids += (ids.empty() ? "" : ", ") + std::to_string(a.id) + " (" + a.space + ")";
  throw Error(ErrorCode::InvalidArgument, "architecture '" + idOrString + "' is in several spaces; give one of the ids " + ids, ctx);
}

std::string exportFileName(const std::string& folder, const ArchitectureRecord& arch, ExportFormat format) {
  // The space name comes from the workspace (maybe a merged or hostile one): only letters,
  // digits, '.', '_' and '-' go into the name, so it can never leave `folder` (issue 19).
  std::string space = arch.space.substr(0, 64);
  for (char& c : space)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '-';
  return (fs::path(folder) / ("arch" + std::to_string(arch.id) + "-" + space + exportFormatSuffix(format))).string();
}

Json ExportResult::toJson() const {
  Json j{{"path", path},
         {"format", exportFormatName(format)},
         {"bytes", bytes},
         {"files", files},
         {"max_abs_diff", maxAbsDiff ? Json(*maxAbsDiff) : Json(nullptr)},
         {"arch_id", arch.id},
         {"space", arch.space},
         {"arch", arch.canonical},
         {"weights", format == ExportFormat::Json ? "none" : (trainedWeights ? "trained" : "initialised")},
         {"weights_detail", weights}};
  if (weightsJob) j["weights_job"] = *weightsJob;
  if (format != ExportFormat::Json) j["parameters"] = parameters;
  return j;
}

ExportResult exportArchitecture(const ExporterRegistry& exporters, const Workspace& ws, const ArchitectureRecord& arch,
                                const ExportRequest& req) {
  ExportResult r;
  r.format = req.format;
  r.arch = arch;
  r.path = req.out;
  if (req.format == ExportFormat::Json) {
    Json encoding = nullptr;
    try {
      encoding = exporters.forSpace(arch.space).encoding(arch.space, arch.canonical);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::NotFound) throw;  // no exporter: the string alone
    }
    r.bytes = writeFilesAtomically({{req.out, genotypeJson(ws, arch, encoding).dump(2) + "\n"}}, req.force);
    r.files = {req.out};
    r.weights = "none (genotype only)";
    return r;
  }
  const std::vector<std::string> targets =
      req.format == ExportFormat::PyTorch ? std::vector<std::string>{req.out, weightsPathFor(req.out)}
                                          : std::vector<std::string>{req.out};
  checkFilesWritable(targets, req.force);  // before building the network: fail fast

  ExportableNetwork net = exporters.forSpace(arch.space).build(ws, arch, req.seed);
  net.graph.metadata["arch_id"] = arch.id;
  net.graph.metadata["format"] = exportFormatName(req.format);
  net.graph.metadata["exported_by"] = std::string("NAS Studio ") + kVersion;
  r.trainedWeights = net.weights.trained;
  r.weights = net.weights.detail;
  r.weightsJob = net.weights.job;
  r.parameters = net.graph.parameterCount();

  // The self-check input: seeded, so two exports of one network check the same images.
  torch::Generator gen = at::detail::createCPUGenerator(1234);
  std::vector<std::int64_t> shape{req.checkBatch};
  shape.insert(shape.end(), net.graph.inputShape.begin(), net.graph.inputShape.end());
  const torch::Tensor x = at::randn(shape, gen, torch::kFloat);
  const torch::Tensor reference = net.forward(x);
  torch::Tensor got;

  std::vector<FileToWrite> files;
  if (req.format == ExportFormat::Onnx) {
    files.push_back({req.out, graphToOnnx(net.graph)});
  } else if (req.format == ExportFormat::TorchScript) {
    torch::jit::Module m = torchScriptModule(net.graph);
    m.register_attribute("nasstudio_metadata", c10::StringType::get(), net.graph.metadata.dump());
    std::ostringstream out(std::ios::binary);
    m.save(out);
    files.push_back({req.out, out.str()});
  } else {
    torchScriptModule(net.graph);  // the forward text compiles, before anything is written
    const std::string weightsPath = weightsPathFor(req.out);
    files.push_back({req.out, pythonModuleSource(net.graph, fs::path(weightsPath).filename().string())});
    files.push_back({weightsPath, pickledStateDict(net.graph)});
  }
  r.bytes = writeFilesAtomically(files, req.force);
  for (const auto& f : files) r.files.push_back(f.path);

  // Check what is on disk now, read back through the format's own path; a check that cannot
  // run or fails leaves nothing behind.
  torch::NoGradGuard ng;
  try {
    if (req.format == ExportFormat::Onnx) {
      const std::string bytes = readFile(req.out);
      checkOnnx(bytes);
      got = evaluateGraph(onnxToGraph(bytes), x);
    } else if (req.format == ExportFormat::TorchScript) {
      torch::jit::Module loaded = torch::jit::load(req.out);
      loaded.eval();
      got = loaded.forward({x}).toTensor();
    } else {
      const auto state = unpickleStateDict(readFile(weightsPathFor(req.out)));
      torch::jit::Module m = torchScriptModule(net.graph, state);
      got = m.forward({x}).toTensor();
    }
    r.maxAbsDiff = maxAbsDiff(reference, got, req.out);
  } catch (...) {
    for (const auto& f : r.files) fs::remove(f);
    throw;
  }
  const double scale = std::max(1.0, reference.abs().max().item<double>());
  if (*r.maxAbsDiff > 1e-4 * scale) {
    for (const auto& f : r.files) fs::remove(f);
    throw Error(ErrorCode::Internal, "self-check failed: the written " + std::string(exportFormatName(req.format)) +
                                         " differs from the app's forward pass by " + std::to_string(*r.maxAbsDiff) +
                                         "; nothing kept", req.out);
  }
  return r;
}

GenotypeImport importGenotypeFile(const ExporterRegistry& exporters, Workspace& ws, const std::string& path) {
  const Json doc = parseJson(readInputFile(path, kMaxImportJsonBytes, "a genotype JSON"), path);
  return importGenotype(ws, doc, fs::path(path).filename().string(),
                        [&exporters](const std::string& space, const std::string& canonical) {
                          exporters.forSpace(space).encoding(space, canonical);
                        });
}

}  // namespace nas
