#include "LocalRanks.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "CliSupport.h"
#include "common/Error.h"
#include "train/DistGroup.h"

extern char** environ;

namespace nas::cli {
namespace {

// A port the kernel just gave out on loopback; the ranks' store binds it a moment later (the
// same small window torchrun's own free-port choice has).
int freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error(ErrorCode::IoError, "cannot open a socket", "--nproc");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw Error(ErrorCode::IoError, "cannot find a free loopback port", "--nproc");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// torchrun's variables for local rank `rank` of `ranks` meeting on 127.0.0.1:`port`.
std::vector<std::pair<std::string, std::string>> rankEnvironment(int rank, int ranks, int port) {
  return {{"RANK", std::to_string(rank)},        {"LOCAL_RANK", std::to_string(rank)},
          {"WORLD_SIZE", std::to_string(ranks)}, {"LOCAL_WORLD_SIZE", std::to_string(ranks)},
          {"MASTER_ADDR", "127.0.0.1"},          {"MASTER_PORT", std::to_string(port)}};
}

volatile sig_atomic_t g_forward = 0;
void onSignal(int sig) { g_forward = sig; }

}  // namespace

int runLocalRanks(int ranks, char** argv) {
  const int port = freeLoopbackPort();
  std::vector<pid_t> pids(static_cast<std::size_t>(ranks), 0);
  // Ctrl-C reaches the ranks from the terminal; SIGTERM to the launcher is passed on.
  struct sigaction sa {};
  sa.sa_handler = onSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  for (int r = 0; r < ranks; ++r) {
    const pid_t pid = ::fork();
    if (pid < 0) throw Error(ErrorCode::IoError, "cannot start rank " + std::to_string(r), "--nproc");
    if (pid == 0) {
      for (const auto& [name, value] : rankEnvironment(r, ranks, port)) ::setenv(name.c_str(), value.c_str(), 1);
      signal(SIGINT, SIG_DFL);
      signal(SIGTERM, SIG_DFL);
      if (r > 0) {
        const int devnull = ::open("/dev/null", O_WRONLY);
        if (devnull >= 0) ::dup2(devnull, STDOUT_FILENO);
      }
      ::execv("/proc/self/exe", argv);
      std::perror("nasstudio-cli: cannot start a rank");
      ::_exit(127);
    }
    pids[static_cast<std::size_t>(r)] = pid;
    std::cerr << "rank " << r << " of " << ranks << ": pid " << pid << " (127.0.0.1:" << port << ")" << std::endl;
  }

  std::vector<int> codes(pids.size(), -1);
  std::size_t running = pids.size();
  bool stopping = false;
  auto stopAt = std::chrono::steady_clock::time_point::max();
  auto signalRunning = [&](int sig) {
    for (std::size_t i = 0; i < pids.size(); ++i)
      if (codes[i] == -1) ::kill(pids[i], sig);
  };
  while (running > 0) {
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done > 0) {
      for (std::size_t i = 0; i < pids.size(); ++i) {
        if (pids[i] != done) continue;
        codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        --running;
        if (i == 0 && codes[i] == 0 && !stopping) {
          // Rank 0 finished the job; the others end with it (a resumed job that was already done
          // never starts them training), else they are stopped.
          stopping = true;
          stopAt = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        }
        if (codes[i] != 0 && !(stopping && i > 0 && codes[0] == 0)) {
          std::cerr << "rank " << i << " " << (WIFEXITED(status) ? "exited with " + std::to_string(codes[i])
                                                                 : "killed by signal " + std::to_string(WTERMSIG(status)))
                    << std::endl;
          if (!stopping) {
            stopping = true;
            signalRunning(SIGTERM);
            stopAt = std::chrono::steady_clock::now() + std::chrono::seconds(30);
          }
        }
      }
      continue;
    }
    if (g_forward) {
      signalRunning(g_forward);
      g_forward = 0;
    }
    if (std::chrono::steady_clock::now() > stopAt) {
      signalRunning(SIGKILL);
      stopAt = std::chrono::steady_clock::time_point::max();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Rank 0 ran the job and wrote its outcome; a rank that failed first made rank 0 fail too.
  return codes[0] >= 0 && codes[0] < 128 ? codes[0] : kExitJobFailed;
}

namespace {

// One claimed job's other ranks (workerRanks).
class JobRanks {
 public:
  JobRanks(int ranks, std::string workspace, JobId job) : ranks_(ranks), workspace_(std::move(workspace)), job_(job) {
    scope_ = std::make_unique<ProcessDistGroupScope>([this] { return start(); });
  }

  void finish(const JobOutcome& outcome) {
    const std::shared_ptr<DistGroup> group = scope_->group();
    scope_.reset();
    // Done, or every rank stopped at rank 0's cancel: they end by themselves (the protocol's
    // last collective, or the collective timeout at worst). Else rank 0 failed somewhere the
    // others cannot know of: they are stopped.
    const bool theyEnd = outcome.status == JobStatus::Done || (group && group->stopRequested());
    if (!theyEnd) signalAll(SIGTERM);
    reap(theyEnd ? distTimeoutFromEnv() + std::chrono::seconds(30) : std::chrono::seconds(30));
  }

 private:
  std::shared_ptr<DistGroup> start() {
    const int port = freeLoopbackPort();
    // Everything the children need is made before fork(): between fork and exec only system
    // calls (the worker has other threads).
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      const std::string kv = *e;
      bool ours = false;
      for (const auto& [name, value] : rankEnvironment(0, ranks_, port)) ours = ours || kv.rfind(name + "=", 0) == 0;
      if (!ours) env.push_back(kv);
    }
    const std::string id = std::to_string(job_);
    std::vector<std::string> args = {"nasstudio-cli", "run-job", "--job", id, "--workspace", workspace_};
    const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    const pid_t parent = ::getpid();
    for (int r = 1; r < ranks_; ++r) {
      std::vector<std::string> e = env;
      for (const auto& [name, value] : rankEnvironment(r, ranks_, port)) e.push_back(name + "=" + value);
      std::vector<char*> envp, argv;
      for (auto& kv : e) envp.push_back(kv.data());
      envp.push_back(nullptr);
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      const pid_t pid = ::fork();
      if (pid < 0) {
        signalAll(SIGKILL);
        reap(std::chrono::seconds(30));
        throw Error(ErrorCode::IoError, "cannot start rank " + std::to_string(r), "--nproc");
      }
      if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a killed worker takes its ranks along
        if (::getppid() != parent) ::_exit(127);
        if (devnull >= 0) ::dup2(devnull, STDOUT_FILENO);
        ::execve("/proc/self/exe", argv.data(), envp.data());
        ::_exit(127);
      }
      pids_.push_back(pid);
      std::cerr << "job " << job_ << ": rank " << r << " of " << ranks_ << ": pid " << pid << " (127.0.0.1:" << port
                << ")" << std::endl;
    }
    if (devnull >= 0) ::close(devnull);
    DistConfig c;
    c.rank = 0;
    c.worldSize = ranks_;
    c.localRank = 0;
    c.masterAddr = "127.0.0.1";
    c.masterPort = port;
    c.timeout = distTimeoutFromEnv();
    try {
      return DistGroup::create(c);
    } catch (...) {
      signalAll(SIGKILL);
      reap(std::chrono::seconds(30));
      throw;
    }
  }

  void signalAll(int sig) {
    for (pid_t p : pids_) ::kill(p, sig);
  }

  // Waits up to `limit` for the ranks, then kills what is left; says what did not end well.
  void reap(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pids_.empty()) {
      for (std::size_t i = 0; i < pids_.size();) {
        int status = 0;
        if (::waitpid(pids_[i], &status, WNOHANG) != pids_[i]) {
          ++i;
          continue;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
          std::cerr << "job " << job_ << ": rank pid " << pids_[i] << " "
                    << (WIFEXITED(status) ? "exited with " + std::to_string(WEXITSTATUS(status))
                                          : "ended by signal " + std::to_string(WTERMSIG(status)))
                    << std::endl;
        pids_.erase(pids_.begin() + static_cast<std::ptrdiff_t>(i));
      }
      if (pids_.empty()) break;
      if (std::chrono::steady_clock::now() > deadline) {
        signalAll(SIGKILL);
        for (pid_t p : pids_) ::waitpid(p, nullptr, 0);
        pids_.clear();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  int ranks_;
  std::string workspace_;
  JobId job_;
  std::vector<pid_t> pids_;
  std::unique_ptr<ProcessDistGroupScope> scope_;
};

}  // namespace

std::function<std::function<void(const JobOutcome&)>(const JobRecord&)> workerRanks(int ranks, std::string workspace) {
  return [ranks, workspace](const JobRecord& job) -> std::function<void(const JobOutcome&)> {
    auto jr = std::make_shared<JobRanks>(ranks, workspace, job.id);
    return [jr](const JobOutcome& outcome) {
      try {
        jr->finish(outcome);
      } catch (const std::exception& e) {
        std::cerr << "worker --nproc: " << e.what() << std::endl;
      }
    };
  };
}

}  // namespace nas::cli
