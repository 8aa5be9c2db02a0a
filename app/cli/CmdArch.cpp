// `arch stats`: canonical form, parameters and FLOPs of an architecture.
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "searchspace/Nb201Cell.h"

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
};
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
      if (opt->json) {
        printJson(out);
      } else {
        std::cout << out["canonical"].get<std::string>() << "\n"
                  << "params: " << cost.params << " (" << cost.params / 1e6 << " M)\n"
                  << "FLOPs:  " << cost.flops / 1e6 << " M (multiply-accumulates)\n";
      }
      return 0;
    };
  });
}

}  // namespace nas::cli
