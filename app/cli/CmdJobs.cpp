// Job commands: `run METHOD`, `train`, `run-job` (one job in this process), `worker` (the
// queue: claims queued jobs one after another) and `jobs list|show|log|resume|requeue|cancel`.
// Which action is allowed when is JobService's rule (core/jobs/JobService.h), never decided here.
#include <chrono>
#include <iomanip>
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "JobOutput.h"
#include "LocalRanks.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "jobs/JobRunner.h"
#include "jobs/JobService.h"
#include "jobs/Method.h"
#include "store/Workspace.h"
#include "train/TrainMethod.h"

namespace nas::cli {

namespace {

std::string workspaceOrDefault(const std::string& path) { return path.empty() ? defaultWorkspacePath() : path; }

// True on a rank > 0 of a data-parallel job once it has run its part (rank 0 runs the job).
// The plugins load only when rank 0 names a method other than "train".
bool followedAsOtherRank(CliState& state) {
  return followDistributedJob([&state]() -> const MethodRegistry& { return state.engine().methods(); }).has_value();
}

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
  cmd->add_flag("--detach", o->detach, "only queue the job and print its id (a `worker` runs it)");
  addNprocOption(cmd, state);
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      if (!o->detach && followedAsOtherRank(state)) return 0;  // a rank > 0: rank 0 runs the job
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
  addNprocOption(cmd, state);
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      if (followedAsOtherRank(state)) return 0;  // a rank > 0: rank 0 runs the job
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
  auto* cmd = app.add_subcommand("run-job", "Run (or resume) one job of a workspace in this process");
  auto o = std::make_shared<JobOptions>();
  cmd->add_option("--job", o->id, "job id")->required();
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_flag("--progress-lines", o->progressLines, "print one JSON event per line on stdout");
  cmd->add_flag("--json", o->json, "print one JSON object at the end");
  addNprocOption(cmd, state);
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      if (followedAsOtherRank(state)) return 0;  // a rank > 0: rank 0 runs the job
      return runJobForeground(state.engine().methods(), workspaceOrDefault(o->workspace), o->id, o->json,
                              o->progressLines);
    };
  });
}

void printJobTable(const std::vector<JobRecord>& jobs) {
  std::cout << std::left << std::setw(6) << "id" << std::setw(18) << "method" << std::setw(12) << "status"
            << std::setw(9) << "progress" << std::setw(24) << "worker"
            << "stage / error\n";
  for (const auto& j : jobs) {
    std::cout << std::left << std::setw(6) << j.id << std::setw(18) << j.method << std::setw(12)
              << jobStatusName(effectiveStatus(j)) << std::setw(9)
              << (std::to_string(static_cast<int>(j.progress * 100)) + "%") << std::setw(24) << j.worker
              << (j.error.empty() ? j.stage : j.error) << "\n";
  }
}

// The worker's trace on stdout: one human-readable line per event and per log line of a job.
class TraceSink final : public ProgressSink {
 public:
  void setJob(JobId id) { job_ = id; }
  void progress(double, const std::string&) override {}
  void metric(const std::string&, int64_t, double) override {}
  void log(const std::string& line) override { std::cout << "job " << job_ << ": " << line << std::endl; }

 private:
  JobId job_ = 0;
};

struct WorkerCliOptions {
  std::string workspace;
  std::string name;
  int maxJobs = 0;
  bool exitWhenIdle = false;
  bool noRequeue = false;
  int maxAttempts = 3;
  double staleAfter = 30;
  int heartbeatMs = 2000;
  int pollMs = 1000;
  double writeLockLimit = 120;
  int nproc = 1;
  bool json = false;
};

void addWorker(CLI::App& app, CliState& state) {
  auto* cmd = app.add_subcommand(
      "worker", "Run queued jobs of a workspace one after another; start several for parallel jobs");
  auto o = std::make_shared<WorkerCliOptions>();
  addWorkspaceOption(cmd, o->workspace);
  cmd->add_option("--max-jobs", o->maxJobs, "stop after N jobs (0: no limit)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--exit-when-idle", o->exitWhenIdle, "stop when the queue is empty instead of waiting for jobs");
  cmd->add_option("--name", o->name, "worker id shown in job lists (default: host:pid)");
  cmd->add_flag("--no-requeue", o->noRequeue, "leave jobs of dead workers interrupted instead of re-queuing them");
  cmd->add_option("--max-attempts", o->maxAttempts, "re-queue a job of a dead worker until it was started N times")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--stale-after", o->staleAfter, "seconds without a heartbeat after which a worker counts as gone")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--heartbeat-ms", o->heartbeatMs, "heartbeat period in milliseconds")->check(CLI::PositiveNumber);
  cmd->add_option("--poll-ms", o->pollMs, "how often an idle worker looks for queued jobs")->check(CLI::PositiveNumber);
  cmd->add_option("--write-lock-limit", o->writeLockLimit,
                  "seconds a job may hold the workspace's write lock before the worker aborts itself so that "
                  "others can go on (0: never)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", o->json, "print one JSON object with the counts at the end");
  // Not addNprocOption: the worker itself is rank 0 of each job (LocalRanks.h, workerRanks).
  cmd->add_option("--nproc", o->nproc,
                  "run each job that trains data-parallel over N local ranks (this worker is rank 0 and starts "
                  "the others per job)")
      ->check(CLI::Range(1, 256));
  cmd->callback([&state, o] {
    state.action = [&state, o] {
      WorkerOptions opts;
      if (o->nproc > 1) opts.aroundJob = workerRanks(o->nproc, workspaceOrDefault(o->workspace));
      opts.runner.writeLockLimit = std::chrono::milliseconds(static_cast<long long>(o->writeLockLimit * 1000));
      opts.maxJobs = o->maxJobs;
      opts.exitWhenIdle = o->exitWhenIdle;
      opts.requeueInterrupted = !o->noRequeue;
      opts.maxAttempts = o->maxAttempts;
      opts.staleAfterSeconds = o->staleAfter;
      opts.runner.heartbeatInterval = std::chrono::milliseconds(o->heartbeatMs);
      opts.runner.worker = JobService::thisProcess(o->name);
      opts.pollInterval = std::chrono::milliseconds(o->pollMs);
      TraceSink trace;
      auto onEvent = [&trace, json = o->json](const std::string& line) {
        // "job N ... claimed" switches the trace to that job.
        if (line.rfind("job ", 0) == 0 && line.find(" claimed") != std::string::npos)
          trace.setJob(std::stoll(line.substr(4)));
        if (!json) std::cout << line << std::endl;
        else std::cerr << line << std::endl;
      };
      const WorkerReport r = runWorker(state.engine().methods(), workspaceOrDefault(o->workspace), opts,
                                       o->json ? nullptr : &trace, signalCancelToken(), onEvent);
      if (o->json)
        printJson({{"worker", opts.runner.worker.id}, {"jobs", r.jobs}, {"done", r.done}, {"failed", r.failed},
                   {"cancelled", r.cancelled}});
      return kExitOk;
    };
  });
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
  addNprocOption(resume, state);
  resume->callback([&state, resumeOpt] {
    state.action = [&state, resumeOpt] {
      if (followedAsOtherRank(state)) return 0;  // a rank > 0: rank 0 runs the job
      std::string path = workspaceOrDefault(resumeOpt->workspace);
      {
        auto ws = Workspace::open(path);
        const JobRecord job = ws->job(resumeOpt->id);
        // A done job is not started again: the runner prints its stored result.
        if (job.status != JobStatus::Done) JobService(*ws).require(job, JobAction::Start);
      }
      return runJobForeground(state.engine().methods(), path, resumeOpt->id, resumeOpt->json,
                              resumeOpt->progressLines);
    };
  });

  auto requeueOpt = std::make_shared<JobOptions>();
  auto* requeue = jobs->add_subcommand("requeue", "Put a failed, cancelled or interrupted job back in the queue");
  requeue->add_option("id", requeueOpt->id, "job id")->required();
  addWorkspaceOption(requeue, requeueOpt->workspace);
  requeue->add_flag("--json", requeueOpt->json, "print one JSON object");
  requeue->callback([&state, requeueOpt] {
    state.action = [requeueOpt] {
      auto ws = Workspace::open(workspaceOrDefault(requeueOpt->workspace));
      JobService(*ws).requeue(requeueOpt->id);
      if (requeueOpt->json) printJson({{"job_id", requeueOpt->id}, {"status", "queued"}});
      else std::cout << "job " << requeueOpt->id << ": queued\n";
      return 0;
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
      // The worker, wherever it runs, polls the flag; one without a worker stops at once.
      const JobService::CancelResult r = JobService(*ws).requestCancel(cancelOpt->id);
      Json out{{"job_id", cancelOpt->id}, {"cancel_requested", r.requested}, {"status", jobStatusName(r.status)}};
      if (cancelOpt->json) printJson(out);
      else std::cout << "job " << cancelOpt->id << ": " << (r.requested ? "cancel requested" : "cancelled") << "\n";
      return 0;
    };
  });

  auto logOpt = std::make_shared<JobOptions>();
  auto* logCmd = jobs->add_subcommand("log", "The log of a job, as its worker wrote it into the workspace");
  logCmd->add_option("id", logOpt->id, "job id")->required();
  addWorkspaceOption(logCmd, logOpt->workspace);
  logCmd->add_flag("--json", logOpt->json, "print one JSON object");
  logCmd->callback([&state, logOpt] {
    state.action = [logOpt] {
      auto ws = openForReading(logOpt->workspace);
      ws->job(logOpt->id);  // NotFound for an unknown job
      const auto lines = ws->jobLog(logOpt->id);
      if (logOpt->json) {
        Json arr = Json::array();
        for (const auto& l : lines) arr.push_back({{"at", l.at}, {"line", l.line}});
        printJson({{"job_id", logOpt->id}, {"lines", arr}});
      } else {
        for (const auto& l : lines) std::cout << l.line << "\n";
      }
      return 0;
    };
  });
}

}  // namespace

void addNprocOption(CLI::App* cmd, CliState& state) {
  cmd->add_option("--nproc", state.nproc,
                  "start N local ranks of a data-parallel job (Gloo on loopback, torchrun's environment); "
                  "under torchrun or srun leave it out")
      ->check(CLI::Range(1, 256));
}

void addJobsCommands(CLI::App& app, CliState& state) {
  addRun(app, state);
  addTrain(app, state);
  addRunJob(app, state);
  addWorker(app, state);
  addJobs(app, state);
}

}  // namespace nas::cli
