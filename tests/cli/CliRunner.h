#pragma once
// Runs nasstudio-cli as a child process and captures stdout, stderr and the exit code.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nas::test {

struct CliResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

inline CliResult runCli(const std::string& args) {
  namespace fs = std::filesystem;
  fs::path errFile = fs::temp_directory_path() / ("nas-cli-err-" + std::to_string(::getpid()) + ".txt");
  std::string cmd = std::string(NAS_CLI_PATH) + " " + args + " 2>" + errFile.string();
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

}  // namespace nas::test
