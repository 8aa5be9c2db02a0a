// `sgnas generate` and `sgnas controls`: a trained generator of a job, used live. Generic
// underneath: the job's method hands out a LiveGenerator (Method::openGenerator), so any
// method with a generator works the same way; `run sgnas` (CmdJobs) trains one.
#include <chrono>
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "store/Workspace.h"
#include "train/MlInfo.h"

namespace nas::cli {

namespace {

struct GenerateOptions {
  std::string workspace;
  long long job = 0;
  std::vector<std::string> targets;  // name=value
  bool json = false;
};

// "flops=5e6" -> {"flops": 5e6}; the generator itself checks the names.
Json targetsFromPairs(const std::vector<std::string>& pairs) {
  Json t = Json::object();
  for (const auto& pair : pairs) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size())
      throw Error(ErrorCode::InvalidArgument, "expected name=value, e.g. flops=5000000", "--target '" + pair + "'");
    const std::string name = pair.substr(0, eq), text = pair.substr(eq + 1);
    size_t used = 0;
    double value = 0;
    try {
      value = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size()) throw Error(ErrorCode::InvalidArgument, "not a number", "--target '" + pair + "'");
    if (t.contains(name)) throw Error(ErrorCode::InvalidArgument, "given twice", "--target " + name);
    t[name] = value;
  }
  return t;
}

std::unique_ptr<LiveGenerator> openJobGenerator(Engine& engine, Workspace& ws, JobId job) {
  const JobRecord rec = ws.job(job);
  const Method& method = engine.methods().get(rec.method);
  auto gen = method.openGenerator(ws, job);
  if (!gen)
    throw Error(ErrorCode::Unsupported, "method '" + rec.method + "' has no live generator", "job " + std::to_string(job));
  return gen;
}

std::string workspaceOrDefault(const std::string& path) { return path.empty() ? defaultWorkspacePath() : path; }

}  // namespace

void addSgnasCommand(CLI::App& app, CliState& state) {
  auto* sgnas = app.add_subcommand("sgnas", "Use a trained SGNAS generator: constraints in, architecture out");
  sgnas->require_subcommand(1);

  auto o = std::make_shared<GenerateOptions>();
  auto* gen = sgnas->add_subcommand("generate", "Generate one architecture for the given targets (one forward pass)");
  addWorkspaceOption(gen, o->workspace);
  gen->add_option("--job", o->job, "id of the job that trained the generator (`run sgnas`)")->required();
  gen->add_option("--target", o->targets, "constraint target as name=value, e.g. flops=5e6 or params=80000 "
                                          "(repeatable; a constraint left out is don't-care)")
      ->required();
  gen->add_flag("--json", o->json, "print one JSON object (arch, flops, params, generate_ms, graph, ...)");
  gen->callback([&state, o] {
    state.action = [&state, o] {
      const Json targets = targetsFromPairs(o->targets);
      setTorchThreads(1);  // a live forward pass is tiny: one core is the fast and fair setting
      auto ws = Workspace::openForReading(workspaceOrDefault(o->workspace));
      auto generator = openJobGenerator(state.engine(), *ws, o->job);
      generator->generate(targets);  // warm-up: first-call allocations are not the forward pass
      const auto t0 = std::chrono::steady_clock::now();
      Json out = generator->generate(targets);
      out["generate_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (o->json) {
        printJson(out);
      } else {
        std::cout << out.at("arch").get<std::string>() << "\nflops " << out.at("flops") << "  params "
                  << out.at("params") << "  (" << out.at("generate_ms").get<double>() << " ms)\n";
      }
      return 0;
    };
  });

  auto c = std::make_shared<GenerateOptions>();
  auto* controls = sgnas->add_subcommand("controls", "The generator's controls and their reachable ranges");
  addWorkspaceOption(controls, c->workspace);
  controls->add_option("--job", c->job, "id of the job that trained the generator")->required();
  controls->add_flag("--json", c->json, "print one JSON object");
  controls->callback([&state, c] {
    state.action = [&state, c] {
      auto ws = Workspace::openForReading(workspaceOrDefault(c->workspace));
      auto generator = openJobGenerator(state.engine(), *ws, c->job);
      Json list = Json::array();
      for (const auto& s : generator->controls())
        list.push_back({{"name", s.name}, {"label", s.label}, {"unit", s.unit}, {"min", s.min}, {"max", s.max},
                        {"default", s.defaultValue}});
      if (c->json) {
        printJson({{"controls", list}});
      } else {
        for (const auto& s : list)
          std::cout << s.at("name").get<std::string>() << ": " << s.at("min") << " .. " << s.at("max") << " "
                    << s.at("unit").get<std::string>() << "\n";
      }
      return 0;
    };
  });
}

}  // namespace nas::cli
