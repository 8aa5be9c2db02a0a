#pragma once
// Shared pieces of the export tests: a temporary folder, the plugin exporters registered once,
// workspaces holding an architecture with (or without) a job that stored weights, and the
// external checkers (Debian's python3 with torch, ONNX Runtime through Node.js).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "export/Exporter.h"
#include "store/Workspace.h"

namespace nas::test {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/nas-export-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return (fs::path(path_) / name).string(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The built-in exporter with the SGNAS, RepNAS and DARTS (entrannas plugin) ones, as their plugins register them with
// the app's engine.
const ExporterRegistry& testExporters();

std::string readFileText(const std::string& path);
void writeRaw(const std::string& path, const torch::Tensor& t);
torch::Tensor readRaw(const std::string& path, std::vector<std::int64_t> shape);

// Runs a shell command; returns its exit code and, in `out`, stdout and stderr together.
int runCommand(const std::string& cmd, std::string& out);

// "" when Debian's python3 imports torch, else why not.
std::string pythonTorchMissing();
// The onnxruntime-node folder to require(), or "" with `why` saying what is missing.
std::string onnxRuntimeNode(std::string& why);

// The app's forward of arch `id` with the weights an export would use.
torch::Tensor appForward(const Workspace& ws, ArchId id, const torch::Tensor& x);

// Evaluates the .py module (plus weights) with python3 on x; the outputs.
torch::Tensor pythonForward(const std::string& pyFile, const torch::Tensor& x, std::int64_t classes, std::string& log);
// Runs the ONNX file with ONNX Runtime (Node.js) on x; the outputs.
torch::Tensor onnxRuntimeForward(const std::string& ortModule, const std::string& onnxFile, const torch::Tensor& x,
                                 std::int64_t classes, std::string& log);

}  // namespace nas::test
