// `export --workspace W --arch ID_OR_STRING --format onnx|json|torchscript|pytorch --out PATH`:
// one architecture of the workspace as a file to take away (core/export/ExportService.h):
// trained weights where a job stored them, else initialised ones (the output says which), a
// self-check of the written file against the app's forward pass, never over an existing file
// without --force, written atomically.
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "export/ExportService.h"
#include "store/Workspace.h"
#include "train/MlInfo.h"

namespace nas::cli {

namespace {

struct ExportOptions {
  std::string workspace;
  std::string arch;
  std::string format = "onnx";
  std::string out;
  bool force = false;
  bool json = false;
  std::int64_t seed = 0;
  int threads = 2;
};

}  // namespace

void addExportCommand(CLI::App& app, CliState& state) {
  auto o = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand(
      "export", "Write one architecture as ONNX, genotype JSON, TorchScript or a standalone PyTorch module (.py + "
                ".pt weights), with trained weights where a job stored them, checked against the app's forward pass");
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_option("--arch", o->arch, "architecture id or string in the workspace")->required();
  cmd->add_option("--format", o->format, "onnx, json, torchscript or pytorch")
      ->check(CLI::IsMember(exportFormatNames()))
      ->capture_default_str();
  cmd->add_option("--out", o->out, "file to write (pytorch: the .py; its weights go to <stem>.pt beside it)")->required();
  cmd->add_flag("--force", o->force, "overwrite existing files");
  cmd->add_option("--seed", o->seed, "initialisation seed where no trained weights exist")->capture_default_str();
  cmd->add_option("--threads", o->threads, "LibTorch intra-op threads for the self-check")->capture_default_str();
  cmd->add_flag("--json", o->json, "print one JSON object (path, format, bytes, max_abs_diff, weights, ...)");
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      const Engine& engine = state.engine();  // with the plugins' exporters
      setTorchThreads(o->threads);
      const std::string path = o->workspace.empty() ? defaultWorkspacePath() : o->workspace;
      auto ws = Workspace::openForReading(path);
      const ArchitectureRecord arch = resolveArchitecture(*ws, o->arch);
      ExportRequest req;
      req.format = exportFormatFromName(o->format);
      req.out = o->out;
      req.force = o->force;
      req.seed = static_cast<std::uint64_t>(o->seed);
      const ExportResult r = exportArchitecture(engine.exporters(), *ws, arch, req);
      if (o->json) {
        printJson(r.toJson());
      } else {
        std::cout << "exported architecture " << arch.id << " (" << arch.space << ") as " << exportFormatName(r.format)
                  << ": ";
        for (size_t i = 0; i < r.files.size(); ++i) std::cout << (i ? ", " : "") << r.files[i];
        std::cout << " (" << r.bytes << " bytes)\n";
        if (r.format != ExportFormat::Json) {
          std::cout << "weights: " << r.weights << "\n";
          std::cout << "self-check: max |exported - app| = " << *r.maxAbsDiff << "\n";
        }
      }
      return 0;
    };
  });
}

}  // namespace nas::cli
