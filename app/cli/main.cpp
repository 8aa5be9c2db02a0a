// nasstudio-cli: the command-line interface for people and scripts, and the job worker the
// GUI starts (`worker`, which claims queued jobs of a workspace). Result commands take --json and then print exactly one JSON object
// on stdout; errors go to stderr with a non-zero exit code (see CliSupport.h).

#include <csignal>
#include <cstdlib>
#include <memory>

#include "CliSupport.h"
#include "Commands.h"
#include "LocalRanks.h"
#include "common/BuildInfo.h"
#include "common/Error.h"
#include "common/OpenMpWait.h"
#include "engine/Engine.h"

int main(int argc, char** argv) {
  nas::preferPassiveOpenMpWait(argv);  // before any torch work; may re-execute this process
  // Past a file size limit (ulimit -f) a write fails with EFBIG, which the workspace reports
  // as "no space left", instead of SIGXFSZ killing the process mid-transaction without a word.
  std::signal(SIGXFSZ, SIG_IGN);
  using namespace nas::cli;
  CLI::App app{"NAS Studio command line: architectures, training, searches and jobs in a workspace.\n"
               "Exit codes: 0 ok, 1 error, 2 job failed, 3 job cancelled, 64 usage.",
               "nasstudio-cli"};
  app.set_version_flag("--version", std::string(nas::kVersion));
  app.require_subcommand(1);

  CliState state;
  std::unique_ptr<nas::Engine> engine;
  state.engine = [&engine]() -> nas::Engine& {
    if (!engine) engine = std::make_unique<nas::Engine>();
    return *engine;
  };
  addInfoCommand(app, state);
  addArchCommand(app, state);
  addJobsCommands(app, state);
  addTabularCommand(app, state);
  addMethodsCommand(app, state);
  addDemoCommand(app, state);
  addSgnasCommand(app, state);
  addLatencyCommand(app, state);
  addWorkspaceCommand(app, state);
  addExportCommand(app, state);
  addImportCommand(app, state);

  // CLI11 answers an unknown command with "A subcommand is required", which names nothing.
  if (argc > 1 && argv[1][0] != '-') {
    const std::string given = argv[1];
    const auto known = app.get_subcommands([&given](const CLI::App* sub) { return sub->check_name(given); });
    if (known.empty()) {
      printError("unknown command '" + given.substr(0, 200) + "' (nasstudio-cli --help lists the commands)");
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    // A rank started by torchrun, srun or --nproc has WORLD_SIZE: it runs the command itself.
    if (state.nproc > 1 && !std::getenv("WORLD_SIZE")) return runLocalRanks(state.nproc, argv);
    return state.action ? state.action() : kExitUsage;
  } catch (const std::exception& e) {
    printError(nas::toError(e).what());
    return kExitError;
  }
}
