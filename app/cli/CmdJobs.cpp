// Job commands: `run METHOD`, `train`, `run-job` (the GUI's worker) and `jobs list|show|
// resume|cancel`.
#include <signal.h>

#include <iomanip>
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "JobOutput.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "jobs/JobRunner.h"
#include "store/Workspace.h"

namespace nas::cli {

namespace {

std::string workspaceOrDefault(const std::string& path) { return path.empty() ? defaultWorkspacePath() : path; }

// Read-only access to a workspace; the default one is created on first use, a path the user
// typed is not (a typo should be an error, not a new empty file).
std::unique_ptr<Workspace> openForReading(const std::string& path) {
  if (path.empty()) return Workspace::open(defaultWorkspacePath());
  return Workspace::openForReading(path);
}

// "key=value" pairs typed through the method's schema.
Json paramsFromPairs(const Method& method, const std::vector<std::string>& pairs) {
  Json params = Json::object();
  ParamSchema schema = method.schema();
  for (const auto& pair : pairs) {
    auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(ErrorCode::InvalidArgument, "expected key=value", "--param '" + pair + "'");
    std::string key = pair.substr(0, eq);
    params[key] = schema.parseValue(key, pair.substr(eq + 1));
  }
  return params;
}

struct RunOptions {
  std::string method;
  std::vector<std::string> params;
  std::string workspace;
  bool json = false;
  bool detach = false;
};

struct TrainOptions {
  std::string space = "nb201";
  std::string arch;
  std::string dataset = "fashion-mnist";
  std::string dataDir;
  int epochs = 1;
  long long trainLimit = 0;
  int channels = 16;
  int cells = 5;
  int threads = 2;
  int batchSize = 0;
  int seed = 0;
  std::string workspace;
  bool json = false;
};

struct JobOptions {
  long long id = 0;
  std::string workspace;
  bool json = false;
  bool progressLines = false;
};

void addRun(CLI::App& app, CliState& state) {
  auto* cmd = app.add_subcommand("run", "Create a job for a method and run it in the foreground");
  auto o = std::make_shared<RunOptions>();
  cmd->add_option("method", o->method, "method name (see `nasstudio-cli methods`)")->required();
  cmd->add_option("--param,-p", o->params, "parameter as key=value (repeatable)");
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->add_flag("--detach", o->detach, "only create the queued job and print its id");
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      Engine& engine = state.engine();
      const Method& method = engine.methods().get(o->method);
      Json spec{{"method", o->method}, {"params", paramsFromPairs(method, o->params)}};
      std::string ws = workspaceOrDefault(o->workspace);
      JobId id = submitJob(engine.methods(), ws, spec);
      if (o->detach) {
        if (o->json) printJson({{"job_id", id}, {"status", "queued"}});
        else std::cout << id << "\n";
        return 0;
      }
      return runJobForeground(engine.methods(), ws, id, o->json, false);
    };
  });
}

void addTrain(CLI::App& app, CliState& state) {
  auto* cmd = app.add_subcommand("train", "Train an architecture from scratch (a \"train\" job in the workspace)");
  auto o = std::make_shared<TrainOptions>();
  cmd->add_option("--space", o->space, "search space")->check(CLI::IsMember({"nb201"}));
  cmd->add_option("--arch", o->arch, "architecture string")->required();
  cmd->add_option("--dataset", o->dataset, "fashion-mnist, cifar10 or synthetic");
  cmd->add_option("--data-dir", o->dataDir, "dataset folder (CIFAR-10 batches; Fashion-MNIST defaults to Debian's)");
  cmd->add_option("--epochs", o->epochs, "epochs")->check(CLI::PositiveNumber);
  cmd->add_option("--train-limit", o->trainLimit, "use at most N training images (0: all)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--channels", o->channels, "channels C of the first stage")->check(CLI::PositiveNumber);
  cmd->add_option("--cells", o->cells, "cells per stage N")->check(CLI::PositiveNumber);
  cmd->add_option("--threads", o->threads, "LibTorch intra-op threads")->check(CLI::PositiveNumber);
  cmd->add_option("--batch-size", o->batchSize, "batch size (default: the method's)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", o->seed, "random seed");
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      Json params{{"space", o->space},       {"arch", o->arch},         {"dataset", o->dataset},
                  {"epochs", o->epochs},     {"train_limit", o->trainLimit}, {"channels", o->channels},
                  {"cells", o->cells},       {"threads", o->threads},   {"seed", o->seed}};
      if (!o->dataDir.empty()) params["data_dir"] = o->dataDir;
      if (o->batchSize > 0) params["batch_size"] = o->batchSize;
      Engine& engine = state.engine();
      std::string ws = workspaceOrDefault(o->workspace);
      JobId id = submitJob(engine.methods(), ws, Json{{"method", "train"}, {"params", params}});
      return runJobForeground(engine.methods(), ws, id, o->json, false);
    };
  });
}

void addRunJob(CLI::App& app, CliState& state) {
  auto* cmd = app.add_subcommand("run-job", "Run (or resume) a job of a workspace: the worker the GUI starts");
  auto o = std::make_shared<JobOptions>();
  cmd->add_option("--job", o->id, "job id")->required();
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_flag("--progress-lines", o->progressLines, "print one JSON event per line on stdout");
  cmd->add_flag("--json", o->json, "print one JSON object at the end");
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      return runJobForeground(state.engine().methods(), workspaceOrDefault(o->workspace), o->id, o->json,
                              o->progressLines);
    };
  });
}

void printJobTable(const std::vector<JobRecord>& jobs) {
  std::cout << std::left << std::setw(6) << "id" << std::setw(18) << "method" << std::setw(12) << "status"
            << std::setw(9) << "progress"
            << "stage / error\n";
  for (const auto& j : jobs) {
    std::string status = jobInterrupted(j) ? "interrupted" : jobStatusName(j.status);
    std::cout << std::left << std::setw(6) << j.id << std::setw(18) << j.method << std::setw(12) << status
              << std::setw(9) << (std::to_string(static_cast<int>(j.progress * 100)) + "%")
              << (j.error.empty() ? j.stage : j.error) << "\n";
  }
}

void addJobs(CLI::App& app, CliState& state) {
  auto* jobs = app.add_subcommand("jobs", "List, show, resume or cancel the jobs of a workspace");
  jobs->require_subcommand(1);

  auto listOpt = std::make_shared<JobOptions>();
  auto* list = jobs->add_subcommand("list", "All jobs, newest first");
  addWorkspaceOption(list, listOpt->workspace);
  list->add_flag("--json", listOpt->json, "print one JSON object");
  list->callback([&state, listOpt] {
    state.action = [listOpt] {
      auto ws = openForReading(listOpt->workspace);
      auto all = ws->jobs();
      if (listOpt->json) {
        Json arr = Json::array();
        for (const auto& j : all) arr.push_back(jobToJson(j));
        printJson({{"jobs", arr}});
      } else {
        printJobTable(all);
      }
      return 0;
    };
  });

  auto showOpt = std::make_shared<JobOptions>();
  auto* show = jobs->add_subcommand("show", "One job with its spec, result and metric series");
  show->add_option("id", showOpt->id, "job id")->required();
  addWorkspaceOption(show, showOpt->workspace);
  show->add_flag("--json", showOpt->json, "print one JSON object");
  show->callback([&state, showOpt] {
    state.action = [showOpt] {
      auto ws = openForReading(showOpt->workspace);
      Json out = jobToJson(ws->job(showOpt->id));
      out["metric_series"] = ws->metricSeriesNames(showOpt->id);
      Json artifacts = Json::array();
      for (const auto& a : ws->artifacts(showOpt->id))
        artifacts.push_back({{"kind", a.kind}, {"name", a.name}, {"size", a.size}});
      out["artifacts"] = artifacts;
      if (showOpt->json) printJson(out);
      else std::cout << out.dump(2) << "\n";
      return 0;
    };
  });

  auto resumeOpt = std::make_shared<JobOptions>();
  auto* resume = jobs->add_subcommand("resume", "Resume a cancelled, failed or killed job from its checkpoint");
  resume->add_option("id", resumeOpt->id, "job id")->required();
  addWorkspaceOption(resume, resumeOpt->workspace);
  resume->add_flag("--json", resumeOpt->json, "print one JSON object");
  resume->add_flag("--progress-lines", resumeOpt->progressLines, "print one JSON event per line on stdout");
  resume->callback([&state, resumeOpt] {
    state.action = [&state, resumeOpt] {
      std::string path = workspaceOrDefault(resumeOpt->workspace);
      {
        auto ws = Workspace::open(path);
        JobRecord job = ws->job(resumeOpt->id);
        if (job.status == JobStatus::Running && !jobInterrupted(job))
          throw Error(ErrorCode::InvalidArgument,
                      "is still running in process " + std::to_string(job.pid) + "; cancel it first",
                      "job " + std::to_string(job.id));
      }
      return runJobForeground(state.engine().methods(), path, resumeOpt->id, resumeOpt->json,
                              resumeOpt->progressLines);
    };
  });

  auto cancelOpt = std::make_shared<JobOptions>();
  auto* cancel = jobs->add_subcommand("cancel", "Ask a job to stop; it keeps its checkpoint and can be resumed");
  cancel->add_option("id", cancelOpt->id, "job id")->required();
  addWorkspaceOption(cancel, cancelOpt->workspace);
  cancel->add_flag("--json", cancelOpt->json, "print one JSON object");
  cancel->callback([&state, cancelOpt] {
    state.action = [cancelOpt] {
      auto ws = Workspace::open(workspaceOrDefault(cancelOpt->workspace));
      JobRecord job = ws->job(cancelOpt->id);
      bool signalled = false;
      if (job.status == JobStatus::Queued) {
        ws->setJobStatus(job.id, JobStatus::Cancelled);
      } else if (job.status == JobStatus::Running) {
        ws->requestCancel(job.id);
        // The worker polls the flag; a signal makes it notice at once when it is on this machine.
        if (job.pid > 0 && !jobInterrupted(job)) signalled = ::kill(static_cast<pid_t>(job.pid), SIGTERM) == 0;
        if (jobInterrupted(job)) ws->setJobStatus(job.id, JobStatus::Cancelled);
      }
      Json out{{"job_id", job.id}, {"cancel_requested", true}, {"signalled", signalled},
               {"status", jobStatusName(ws->job(job.id).status)}};
      if (cancelOpt->json) printJson(out);
      else std::cout << "job " << job.id << ": cancel requested\n";
      return 0;
    };
  });
}

}  // namespace

void addJobsCommands(CLI::App& app, CliState& state) {
  addRun(app, state);
  addTrain(app, state);
  addRunJob(app, state);
  addJobs(app, state);
}

}  // namespace nas::cli
