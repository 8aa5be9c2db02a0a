// `import FILE.json [--workspace W]`: a genotype JSON written by `export --format json` (from
// this or another workspace) into the workspace: the architecture, its metrics as evaluations
// and their provenance in a finished "import" job. Importing the same file again adds nothing.
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "export/ExportService.h"
#include "store/Workspace.h"

namespace nas::cli {

namespace {

struct ImportOptions {
  std::string file;
  std::string workspace;
  bool json = false;
};

}  // namespace

void addImportCommand(CLI::App& app, CliState& state) {
  auto o = std::make_shared<ImportOptions>();
  auto* cmd = app.add_subcommand("import", "Add an architecture from a genotype JSON file (export --format json) with "
                                           "its metrics and provenance");
  cmd->add_option("file", o->file, "genotype JSON file")->required();
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      const Engine& engine = state.engine();  // plugins' exporters check their spaces' strings
      const std::string path = o->workspace.empty() ? defaultWorkspacePath() : o->workspace;
      auto ws = Workspace::open(path);
      const GenotypeImport r = importGenotypeFile(engine.exporters(), *ws, o->file);
      Json out{{"file", o->file},
               {"workspace", path},
               {"arch_id", r.archId},
               {"space", r.space},
               {"arch", r.canonical},
               {"architecture_added", r.architectureAdded},
               {"evaluations_added", r.evaluationsAdded},
               {"import_job", r.importJob ? Json(*r.importJob) : Json(nullptr)}};
      if (o->json) {
        printJson(out);
      } else {
        std::cout << "imported " << r.space << " " << r.canonical << " as architecture " << r.archId
                  << (r.architectureAdded ? " (new)" : " (already there)") << ", " << r.evaluationsAdded
                  << " evaluations added\n";
      }
      return 0;
    };
  });
}

}  // namespace nas::cli
