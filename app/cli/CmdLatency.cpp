// `latency profile|validate|export|import|profiles`: latency measured on this machine
// (issue 6). `profile` runs a "latency-profile" job (progress, cancel, resume from the job
// machinery; measured entries are skipped when it runs again); `validate` measures random
// whole networks end to end against the profile's lookup table (MAPE, Kendall tau) and
// stores the pairs and the fitted correction; export/import move a profile as JSON.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "CliSupport.h"
#include "Commands.h"
#include "JobOutput.h"
#include "common/Error.h"
#include "common/InputFile.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "jobs/JobRunner.h"
#include "search/LatencyValidation.h"
#include "store/Workspace.h"

namespace nas::cli {

namespace {

std::string workspaceOr(const std::string& path) { return path.empty() ? defaultWorkspacePath() : path; }

struct ProfileOptions {
  std::string space, profile, workspace;
  int threads = 1, batch = 1, repeats = 30, warmup = 5;
  double budgetMs = 300;
  bool json = false;
};

struct ValidateOptions {
  std::string space, profile, workspace;
  int samples = 50, calibration = 20, rounds = 6, repeats = kLatencyBlockSize;
  long long seed = 1;
  bool json = false;
};

struct FileOptions {
  std::string profile, file, workspace, rename;
  bool json = false;
};

void addProfile(CLI::App* latency, CliState& state) {
  auto o = std::make_shared<ProfileOptions>();
  auto* cmd = latency->add_subcommand("profile", "Measure a space's lookup table on this machine into a device profile "
                                                 "(a resumable job)");
  cmd->add_option("--space", o->space, "latency space: nb201, or one a plugin adds (sgnas:...)")->required();
  cmd->add_option("--profile", o->profile, "device profile name (default <host>-t<threads>-b<batch>)");
  cmd->add_option("--threads", o->threads, "LibTorch intra-op threads")->check(CLI::Range(1, 256));
  cmd->add_option("--batch", o->batch, "batch size")->check(CLI::Range(1, 4096));
  cmd->add_option("--repeats", o->repeats, "timed repeats per entry, at least")->check(CLI::Range(1, 100000));
  cmd->add_option("--budget-ms", o->budgetMs, "timed ms per entry before repeats stop")->check(CLI::Range(0.0, 600000.0));
  cmd->add_option("--warmup", o->warmup, "untimed runs before each entry")->check(CLI::Range(0, 10000));
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      Engine& engine = state.engine();
      engine.latencySpaces().get(o->space);  // a clear error listing the spaces
      Json params{{"space", o->space},     {"profile", o->profile},   {"threads", o->threads}, {"batch", o->batch},
                  {"repeats", o->repeats}, {"budget_ms", o->budgetMs}, {"warmup", o->warmup}};
      const std::string ws = workspaceOr(o->workspace);
      JobId id = submitJob(engine.methods(), ws, Json{{"method", "latency-profile"}, {"params", params}});
      return runJobForeground(engine.methods(), ws, id, o->json, false);
    };
  });
}

void addValidate(CLI::App* latency, CliState& state) {
  auto o = std::make_shared<ValidateOptions>();
  auto* cmd = latency->add_subcommand("validate", "Measure random whole networks and compare them with the profile's "
                                                  "predictions (MAPE, Kendall tau)");
  cmd->add_option("--space", o->space, "latency space")->required();
  cmd->add_option("--samples", o->samples, "validation networks")->check(CLI::Range(2, 100000));
  cmd->add_option("--calibration", o->calibration, "extra networks to fit the correction on (0: none)")
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--profile", o->profile, "device profile (default: the workspace's latest for the space)");
  cmd->add_option("--seed", o->seed, "seed of the random architectures");
  cmd->add_option("--rounds", o->rounds, "interleaved passes over all networks (median over them)")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--repeats", o->repeats, "timed runs per network and round (their minimum is the round's value)")
      ->check(CLI::Range(1, 100000));
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_flag("--json", o->json, "print one JSON object: mape, kendall_tau, samples, pairs, ...");
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      const LatencySpace& space = state.engine().latencySpaces().get(o->space);
      auto ws = Workspace::open(workspaceOr(o->workspace));
      auto profile = resolveDeviceProfile(*ws, o->profile, space.name());
      if (!profile)
        throw Error(ErrorCode::NotFound,
                    "no device profile has entries of this space; run `nasstudio-cli latency profile --space " +
                        space.name() + "` first",
                    "space '" + space.name() + "'");
      LatencyValidationOptions vo;
      vo.samples = o->samples;
      vo.calibration = o->calibration;
      vo.seed = static_cast<std::uint64_t>(o->seed);
      vo.rounds = o->rounds;
      vo.runsPerRound = o->repeats;
      TerminalProgress bar;
      const LatencyValidationResult r = validateLatency(*ws, *profile, space, vo, bar, signalCancelToken());
      bar.finish();
      if (o->json) {
        printJson(r.toJson());
      } else {
        std::cout << std::fixed << std::setprecision(3);
        std::cout << "profile " << r.profile << ", space " << r.space << ": " << r.samples << " networks\n";
        std::cout << std::setw(12) << "predicted" << std::setw(12) << "measured" << "  arch\n";
        for (const auto& p : r.pairs)
          std::cout << std::setw(12) << p.correctedMs << std::setw(12) << p.measuredMs << "  " << p.arch << "\n";
        std::cout << std::setprecision(2) << "MAPE " << r.mape << " %, Kendall tau " << std::setprecision(3)
                  << r.kendallTau << "  (table sum alone: MAPE " << std::setprecision(2) << r.mapeRaw << " %, tau "
                  << std::setprecision(3) << r.kendallTauRaw << ")\n";
      }
      return 0;
    };
  });
}

void addExportImport(CLI::App* latency, CliState& state) {
  auto e = std::make_shared<FileOptions>();
  auto* ex = latency->add_subcommand("export", "Write a device profile to a JSON file");
  ex->add_option("--profile", e->profile, "device profile name")->required();
  ex->add_option("--file", e->file, "JSON file to write")->required();
  addWorkspaceOption(ex, e->workspace);
  ex->add_flag("--json", e->json, "print one JSON object");
  ex->callback([&state, e] {
    state.action = [e] {
      auto ws = Workspace::openForReading(workspaceOr(e->workspace));
      const Json doc = exportDeviceProfile(*ws, e->profile);
      std::ofstream out(e->file, std::ios::binary | std::ios::trunc);
      if (!out) throw Error(ErrorCode::IoError, "cannot open for writing", e->file);
      out << doc.dump(2) << "\n";
      out.close();
      if (!out) throw Error(ErrorCode::IoError, "write failed", e->file);
      std::size_t entries = 0;
      for (const auto& [space, s] : doc.at("spaces").items()) entries += s.at("entries").size();
      if (e->json) printJson({{"profile", e->profile}, {"file", e->file}, {"entries", entries}});
      else std::cout << "exported " << entries << " entries of profile " << e->profile << " to " << e->file << "\n";
      return 0;
    };
  });

  auto i = std::make_shared<FileOptions>();
  auto* im = latency->add_subcommand("import", "Add a device profile from a JSON file (e.g. measured on a target device)");
  im->add_option("--file", i->file, "JSON file written by `latency export`")->required();
  im->add_option("--profile,--as", i->rename, "store it under this name (default: the name in the file)");
  addWorkspaceOption(im, i->workspace);
  im->add_flag("--json", i->json, "print one JSON object");
  im->callback([&state, i] {
    state.action = [i] {
      const Json doc = parseJson(readInputFile(i->file, kMaxImportJsonBytes, "a device profile JSON"), i->file);
      auto ws = Workspace::open(workspaceOr(i->workspace));
      const DeviceProfileRecord p = importDeviceProfile(*ws, doc, i->rename);
      const auto entries = ws->latencyEntries(p.id).size();
      if (i->json) printJson({{"profile", p.name}, {"entries", entries}, {"cpu", p.cpu}});
      else std::cout << "imported profile " << p.name << " (" << entries << " entries, " << p.cpu << ")\n";
      return 0;
    };
  });
}

void addProfiles(CLI::App* latency, CliState& state) {
  auto o = std::make_shared<FileOptions>();
  auto* cmd = latency->add_subcommand("profiles", "List the workspace's device profiles");
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([&state, o] {
    state.action = [o] {
      auto ws = Workspace::openForReading(workspaceOr(o->workspace));
      Json list = Json::array();
      for (const auto& p : ws->deviceProfiles()) {
        Json spaces = Json::object();
        for (const auto& s : ws->latencySpaces(p.id)) {
          Json sj{{"entries", ws->latencyEntries(p.id, s).size()}};
          if (auto c = ws->latencyCorrection(p.id, s)) sj["correction"] = {{"scale", c->scale}, {"offset_ms", c->offsetMs}};
          spaces[s] = sj;
        }
        list.push_back({{"name", p.name},
                        {"cpu", p.cpu},
                        {"threads", p.threads},
                        {"batch", p.batch},
                        {"torch_version", p.torchVersion},
                        {"created", p.createdAt},
                        {"spaces", spaces}});
      }
      if (o->json) {
        printJson({{"profiles", list}});
      } else {
        for (const auto& p : list) {
          std::cout << p.at("name").get<std::string>() << "  threads " << p.at("threads") << "  batch " << p.at("batch")
                    << "  " << p.at("cpu").get<std::string>() << "\n";
          for (const auto& [s, sj] : p.at("spaces").items()) std::cout << "  " << s << ": " << sj.at("entries") << " entries\n";
        }
      }
      return 0;
    };
  });
}

// Predicted latency as an evaluation ("latency_ms", source "predicted", dataset = the
// profile) of every architecture of the space in the workspace, so that the scatter and
// Pareto views can put latency on an axis next to FLOPs and parameters.
void addAnnotate(CLI::App* latency, CliState& state) {
  auto o = std::make_shared<FileOptions>();
  auto space = std::make_shared<std::string>();
  auto* cmd = latency->add_subcommand("annotate", "Store the predicted latency of the workspace's architectures of a "
                                                  "space (metric latency_ms) for the scatter and Pareto views");
  cmd->add_option("--space", *space, "latency space")->required();
  cmd->add_option("--profile", o->profile, "device profile (default: the workspace's latest for the space)");
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([&state, o, space] {
    state.action = [&state, o, space] {
      const LatencySpace& ls = state.engine().latencySpaces().get(*space);
      auto ws = Workspace::open(workspaceOr(o->workspace));
      const auto profile = resolveDeviceProfile(*ws, o->profile, ls.name());
      if (!profile)
        throw Error(ErrorCode::NotFound, "no device profile has entries of this space; run `nasstudio-cli latency "
                                         "profile --space " + ls.name() + "` first",
                    "space '" + ls.name() + "'");
      const LatencyTable table = LatencyTable::load(*ws, *profile, ls);
      const std::string archSpace = ls.name().substr(0, ls.name().find(':'));  // "sgnas:cifar" -> "sgnas"
      std::vector<EvaluationRecord> evals;
      std::size_t skipped = 0;
      for (const auto& pt : ws->archPoints("flops", "params", {}, archSpace)) {
        const ArchitectureRecord a = ws->architecture(pt.id);
        try {
          EvaluationRecord e;
          e.archId = a.id;
          e.source = "predicted";
          e.dataset = profile->name;
          e.metric = "latency_ms";
          e.value = table.predict(ls.entriesOf(a.canonical));
          evals.push_back(e);
        } catch (const Error&) {
          ++skipped;  // another preset of the space
        }
      }
      ws->addEvaluations(evals);
      if (o->json) printJson({{"profile", profile->name}, {"space", ls.name()}, {"annotated", evals.size()}, {"skipped", skipped}});
      else std::cout << "latency_ms of " << evals.size() << " architectures from profile " << profile->name << "\n";
      return 0;
    };
  });
}

}  // namespace

void addLatencyCommand(CLI::App& app, CliState& state) {
  auto* latency = app.add_subcommand("latency", "Latency on this machine: device profiles, lookup tables, validation");
  latency->require_subcommand(1);
  addProfile(latency, state);
  addValidate(latency, state);
  addExportImport(latency, state);
  addProfiles(latency, state);
  addAnnotate(latency, state);
}

}  // namespace nas::cli
