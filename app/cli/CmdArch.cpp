// `arch stats`: canonical form, parameters and FLOPs of an architecture.
#include <filesystem>
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "eval/Nb201Latency.h"
#include "searchspace/Nb201Cell.h"
#include "store/Workspace.h"

namespace nas::cli {

namespace {
struct ArchOptions {
  std::string space = "nb201";
  std::string arch;
  std::string input = "3x32x32";
  int classes = 10;
  int channels = 16;
  int cells = 5;
  bool json = false;
  std::string workspace;  // for the latency column
  std::string profile;    // device profile; empty = the workspace's latest for the space
};

// Latency of the cell from a device profile of the workspace (issue 6): adds latency_ms (the
// prediction, corrected when the profile has a correction), latency_lut_ms (the plain table
// sum) and latency_profile. Without a profile nothing is added, unless --profile named one:
// then every failure is an error.
void addLatency(Json& out, const Nb201Cell& cell, const Nb201MacroConfig& macro, const ArchOptions& opt) {
  const std::string path = opt.workspace.empty() ? defaultWorkspacePath() : opt.workspace;
  const bool named = !opt.profile.empty();
  if (!named && !std::filesystem::exists(path)) return;
  try {
    const Nb201MacroConfig ref;
    if (macro.channels != ref.channels || macro.cellsPerStage != ref.cellsPerStage ||
        macro.inputChannels != ref.inputChannels || macro.inputHeight != ref.inputHeight ||
        macro.inputWidth != ref.inputWidth || macro.classes != ref.classes)
      throw Error(ErrorCode::Unsupported,
                  "latency profiles of space nb201 cover its reference network (3x32x32, C=16, N=5, 10 classes)",
                  "--profile");
    auto ws = Workspace::openForReading(path);
    const auto profile = resolveDeviceProfile(*ws, opt.profile, "nb201");
    if (!profile) return;
    const auto space = makeNb201LatencySpace();
    const LatencyTable table = LatencyTable::load(*ws, *profile, *space);
    const auto terms = space->entriesOf(cell.toString());
    out["latency_ms"] = table.predict(terms);
    out["latency_lut_ms"] = table.lutSum(terms);
    out["latency_profile"] = profile->name;
    out["latency_threads"] = profile->threads;
    out["latency_batch"] = profile->batch;
  } catch (const Error&) {
    if (named) throw;
  }
}
}  // namespace

void addArchCommand(CLI::App& app, CliState& state) {
  auto* arch = app.add_subcommand("arch", "Architecture tools");
  arch->require_subcommand(1);
  auto* stats = arch->add_subcommand("stats", "Canonical form, parameters and FLOPs of an architecture");
  auto opt = std::make_shared<ArchOptions>();
  stats->add_option("--space", opt->space, "search space")->check(CLI::IsMember({"nb201"}));
  stats->add_option("--arch", opt->arch, "architecture string")->required();
  stats->add_option("--input", opt->input, "input shape CxHxW");
  stats->add_option("--classes", opt->classes, "number of classes")->check(CLI::Range(1, 100000));
  stats->add_option("--channels", opt->channels, "channels C of the first stage")->check(CLI::Range(1, 4096));
  stats->add_option("--cells", opt->cells, "cells per stage N")->check(CLI::Range(1, 100));
  stats->add_option("--profile", opt->profile,
                    "device profile for latency_ms (default: the workspace's latest one of the space, if any)");
  addWorkspaceOption(stats, opt->workspace);
  stats->add_flag("--json", opt->json, "print one JSON object");
  stats->callback([&state, opt] {
    state.action = [opt] {
      Nb201Cell cell = Nb201Cell::parse(opt->arch);
      Nb201MacroConfig macro;
      parseInputShape(opt->input, macro);
      macro.classes = opt->classes;
      macro.channels = opt->channels;
      macro.cellsPerStage = opt->cells;
      CostCounts cost = nb201Cost(cell, macro);
      Json out{{"space", opt->space},  {"canonical", cell.toString()}, {"index", cell.index()},
               {"params", cost.params}, {"flops", cost.flops},          {"mflops", cost.flops / 1e6},
               {"input", opt->input},  {"classes", opt->classes},      {"connected", cell.connected()}};
      addLatency(out, cell, macro, *opt);
      if (opt->json) {
        printJson(out);
      } else {
        std::cout << out["canonical"].get<std::string>() << "\n"
                  << "params: " << cost.params << " (" << cost.params / 1e6 << " M)\n"
                  << "FLOPs:  " << cost.flops / 1e6 << " M (multiply-accumulates)\n";
        if (out.contains("latency_ms"))
          std::cout << "latency: " << out["latency_ms"].get<double>() << " ms (profile "
                    << out["latency_profile"].get<std::string>() << ", batch " << out["latency_batch"] << ", "
                    << out["latency_threads"] << " threads)\n";
      }
      return 0;
    };
  });
}

}  // namespace nas::cli
