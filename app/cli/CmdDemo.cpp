// `demo`: a guided tour on the default workspace for a first start without a display: the
// benchmark table, random search against regularized evolution, and a short real training
// run of the best cell found, all recorded in the workspace.
#include <iomanip>
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "JobOutput.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "jobs/JobRunner.h"
#include "search/TabularSearch.h"
#include "store/Workspace.h"

namespace nas::cli {

void addDemoCommand(CLI::App& app, CliState& state) {
  auto* cmd = app.add_subcommand("demo", "A short tour: tabular search and a real training run in the default workspace");
  auto workspace = std::make_shared<std::string>();
  auto trainLimit = std::make_shared<long long>(3000);
  addWorkspaceOption(cmd, *workspace);
  cmd->add_option("--train-limit", *trainLimit, "training images for the demo run")->check(CLI::PositiveNumber);
  cmd->callback([&state, workspace, trainLimit] {
    state.action = [&state, workspace, trainLimit] {
      Engine& engine = state.engine();
      std::string ws = workspace->empty() ? defaultWorkspacePath() : *workspace;
      std::cout << "NAS Studio demo. Workspace: " << ws << "\n\n";

      std::cout << "1. Random search vs regularized evolution on the NAS-Bench-201 CIFAR-10 table\n"
                << "   (100 queries, 20 seeds; a query reads a trained accuracy from the table)\n";
      TabularBenchmark::Options options;
      options.space = "nb201";
      TabularBenchmark table = TabularBenchmark::load(resourcePath("data/nb201/cifar10.csv"), options);
      std::string bestArch;
      for (const std::string strategy : {"random", "evolution"}) {
        MultiSeedSummary s =
            runMultiSeedSearch(table, "test_accuracy", strategy, queryStrategyFactory(strategy), 100, 20, 0);
        std::cout << "   " << std::left << std::setw(10) << strategy << std::fixed << std::setprecision(2)
                  << "mean best " << s.meanBest << " % +- " << s.stdBest << "\n";
        bestArch = s.bestArch;
      }

      std::cout << "\n2. The search as a job in the workspace (evolution, 100 queries)\n";
      JobId searchJob = submitJob(engine.methods(), ws,
                                  Json{{"method", "tabular-search"}, {"params", {{"strategy", "evolution"}, {"queries", 100}}}});
      int rc = runJobForeground(engine.methods(), ws, searchJob, false, false);
      if (rc != kExitOk) return rc;

      std::cout << "\n3. Training the best cell found on Fashion-MNIST (" << *trainLimit
                << " images, 1 epoch, C=8, N=1)\n   " << bestArch << "\n";
      JobId trainJob = submitJob(engine.methods(), ws,
                                 Json{{"method", "train"},
                                      {"params",
                                       {{"arch", bestArch},
                                        {"dataset", "fashion-mnist"},
                                        {"epochs", 1},
                                        {"train_limit", *trainLimit},
                                        {"channels", 8},
                                        {"cells", 1}}}});
      rc = runJobForeground(engine.methods(), ws, trainJob, false, false);
      std::cout << "\nEverything above is stored in " << ws << ":\n"
                << "   nasstudio-cli jobs list --workspace " << ws << "\n";
      return rc;
    };
  });
}

}  // namespace nas::cli
