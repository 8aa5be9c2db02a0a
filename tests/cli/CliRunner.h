#pragma once
// Runs nasstudio-cli as a child process and captures stdout, stderr and the exit code; kills a
// job's worker mid-run for the resume tests.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/Json.h"

extern char** environ;

namespace nas::test {

// The executable under test: NAS_CLI_PATH, or $NAS_TEST_CLI (the soak scripts run a copy of
// the build, so that other builds cannot swap libraries under a long run).
inline const char* cliPath() {
  const char* e = std::getenv("NAS_TEST_CLI");
  return e && *e ? e : NAS_CLI_PATH;
}

struct CliResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

inline CliResult runCli(const std::string& args) {
  namespace fs = std::filesystem;
  fs::path errFile = fs::temp_directory_path() / ("nas-cli-err-" + std::to_string(::getpid()) + ".txt");
  std::string cmd = std::string(cliPath()) + " " + args + " 2>" + errFile.string();
  CliResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(errFile);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  fs::remove(errFile);
  return r;
}

// Starts `args` (args[0] is the program) as a child process, its stdout and stderr written to
// the files named (created or truncated; "" keeps the parent's). Returns the pid, or -1.
inline pid_t spawnProcess(std::vector<std::string> args, const std::string& stdoutPath,
                          const std::string& stderrPath = {}) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!stdoutPath.empty())
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!stderrPath.empty())
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawned == 0 ? pid : -1;
}

// Runs the job's worker (`run-job`) as a child, waits until `jobs show` reports a checkpoint
// artifact and progress above `minProgress`, then kills it with SIGKILL, as a crash or the OOM
// killer would. Returns an empty string, or what went wrong (the worker is reaped either way).
inline std::string killWorkerAfterCheckpoint(const std::string& jobId, const std::string& ws, double minProgress,
                                             std::chrono::seconds timeout) {
  const pid_t pid =
      spawnProcess({cliPath(), "run-job", "--job", jobId, "--workspace", ws, "--progress-lines"}, "/dev/null");
  if (pid <= 0) return "cannot start the worker";
  bool checkpointed = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!checkpointed && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const CliResult show = runCli("jobs show " + jobId + " --workspace " + ws + " --json");
    if (show.exitCode != 0) continue;
    const Json j = Json::parse(show.out, nullptr, false);
    checkpointed = j.is_object() && !j["artifacts"].empty() && j["progress"].get<double>() > minProgress;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return checkpointed ? std::string() : "no checkpoint appeared";
}

// A folder of its own under the temporary directory, removed with everything in it at the end.
struct ScratchDir {
  std::filesystem::path dir;
  explicit ScratchDir(const std::string& what)
      : dir(std::filesystem::temp_directory_path() / (what + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string file(const std::string& name) const { return (dir / name).string(); }
};

// A file's whole text ("" when it cannot be read), for failure messages.
inline std::string fileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Sets an environment variable for its lifetime (the child processes a test starts inherit it),
// then unsets it. NAS_DIST_TIMEOUT_S, Gloo's collective timeout, is the usual one.
struct ScopedEnv {
  ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

// The exit code of child `pid` (128 + signal when killed), or -1 when it had not ended within
// `limit` (it is then killed and reaped).
inline int exitCodeWithin(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

// Whether `info --json` says `key` is true (e.g. "cuda", "distributed"): what this build and machine have.
inline bool infoSays(const std::string& key) {
  const Json info = Json::parse(runCli("info --json").out, nullptr, false);
  return info.is_object() && info.value(key, false) == true;
}

// A job's result as the workspace keeps it (`jobs show`), for the job a `run ... --json` printed.
inline Json storedResult(const std::string& ws, const Json& run) {
  const CliResult show =
      runCli("jobs show " + std::to_string(run.at("job_id").get<long long>()) + " --workspace " + ws + " --json");
  const Json j = Json::parse(show.out, nullptr, false);
  return show.exitCode == 0 && j.is_object() && j.contains("result") ? j.at("result") : Json();
}

}  // namespace nas::test

