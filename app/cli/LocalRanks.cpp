#include "LocalRanks.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "CliSupport.h"
#include "common/Error.h"

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
      ::setenv("RANK", std::to_string(r).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(ranks).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(ranks).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
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

}  // namespace nas::cli
