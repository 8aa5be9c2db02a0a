#pragma once
// Each CLI command registers itself on the CLI11 app and sets `action`, run by main() after
// parsing inside one try/catch, so every error ends as a message on stderr and a non-zero exit.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

namespace nas {
class Engine;
}

namespace nas::cli {

struct CliState {
  std::function<int()> action;  // set by the chosen subcommand
  // Built on first use: loading plugins and LibTorch is not needed for `arch stats`.
  std::function<Engine&()> engine;
  // --nproc of the job commands: main() starts that many local ranks of this command line
  // (LocalRanks.h) instead of running it, unless this process already is a rank.
  int nproc = 0;
};

// Adds `--nproc N` (start N local data-parallel ranks) to a job command.
void addNprocOption(CLI::App* cmd, CliState& state);

// Adds `--workspace FILE` (default: the user's default workspace) to a subcommand.
void addWorkspaceOption(CLI::App* cmd, std::string& path);

void addInfoCommand(CLI::App& app, CliState& state);
void addArchCommand(CLI::App& app, CliState& state);
void addJobsCommands(CLI::App& app, CliState& state);  // jobs ..., run, run-job, worker, train
void addTabularCommand(CLI::App& app, CliState& state);
void addMethodsCommand(CLI::App& app, CliState& state);
void addDemoCommand(CLI::App& app, CliState& state);
void addSgnasCommand(CLI::App& app, CliState& state);  // sgnas generate|controls
void addWorkspaceCommand(CLI::App& app, CliState& state);  // workspace merge
void addLatencyCommand(CLI::App& app, CliState& state);  // latency profile|validate|export|import|profiles
void addExportCommand(CLI::App& app, CliState& state);   // export (ONNX, JSON, TorchScript, PyTorch)
void addImportCommand(CLI::App& app, CliState& state);   // import FILE.json

}  // namespace nas::cli
