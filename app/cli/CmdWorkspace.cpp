// `workspace merge FROM INTO`: brings the jobs a worker ran elsewhere (a GPU box, a cluster
// node, each with a workspace on its own local disk) home, without duplicates.
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "store/Workspace.h"

namespace nas::cli {

namespace {

struct MergeOptions {
  std::string from;
  std::string into;
  bool json = false;
};

}  // namespace

void addWorkspaceCommand(CLI::App& app, CliState& state) {
  auto* ws = app.add_subcommand("workspace", "Workspace files: merge one into another");
  ws->require_subcommand(1);
  auto o = std::make_shared<MergeOptions>();
  auto* merge = ws->add_subcommand(
      "merge", "Bring FROM's jobs (metrics, logs, samples, artifacts), architectures and evaluations into INTO; "
               "one transaction; merging twice changes nothing");
  merge->add_option("from", o->from, "workspace to read")->required();
  merge->add_option("into", o->into, "workspace to write (created when absent)")->required();
  merge->add_flag("--json", o->json, "print one JSON object");
  merge->callback([&state, o] {
    state.action = [o] {
      auto into = Workspace::open(o->into);
      const Workspace::MergeReport r = into->mergeFrom(o->from);
      const Json out{{"from", o->from},
                     {"into", o->into},
                     {"jobs_added", r.jobsAdded},
                     {"jobs_updated", r.jobsUpdated},
                     {"jobs_unchanged", r.jobsUnchanged},
                     {"architectures_added", r.architecturesAdded},
                     {"evaluations_added", r.evaluationsAdded},
                     {"metrics_copied", r.metricsCopied},
                     {"log_lines_copied", r.logLinesCopied},
                     {"samples_copied", r.samplesCopied},
                     {"artifacts_copied", r.artifactsCopied}};
      if (o->json) {
        printJson(out);
      } else {
        std::cout << "merged " << o->from << " into " << o->into << ": " << r.jobsAdded << " jobs added, "
                  << r.jobsUpdated << " updated, " << r.jobsUnchanged << " unchanged; " << r.architecturesAdded
                  << " architectures and " << r.evaluationsAdded << " evaluations added\n";
      }
      return 0;
    };
  });
}

}  // namespace nas::cli
