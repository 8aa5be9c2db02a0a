// A full disk during a job (issue 19). The worker runs under a file size limit
// (RLIMIT_FSIZE, what `ulimit -f` sets; no root needed, unlike a small tmpfs, which
// tests/soak/full_disk.sh uses), so its checkpoint writes fail with EFBIG part way through the
// training. It must stop with a clear error that names the workspace and says that space ran
// out; the workspace must stay readable and intact, and the job must resume and finish once
// space is back.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "SoakSupport.h"

namespace nas::test {
namespace {

namespace fs = std::filesystem;

// nasstudio-cli `args` with every file it writes limited to `maxBytes`; exit code and stderr.
CliResult runCliWithFileLimit(const std::vector<std::string>& args, rlim_t maxBytes, const fs::path& errFile) {
  CliResult r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    const rlimit lim{maxBytes, maxBytes};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    ::signal(SIGXFSZ, SIG_IGN);  // what the CLI does itself; here also before it starts
    const int fd = ::open(errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    std::vector<std::string> all = {cliPath()};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(cliPath(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(errFile);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  return r;
}

TEST(CliFullDisk, AJobOutOfSpaceStopsWithAClearErrorAndTheWorkspaceStaysReadable) {
  const fs::path dir = fs::temp_directory_path() / ("nas-full-disk-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string ws = (dir / "ws.nasdb").string();
  const CliResult created = runCli(
      "run train --detach -p dataset=synthetic -p epochs=2 -p train_limit=512 -p channels=8 -p cells=1 "
      "-p batch_size=16 -p threads=1 -p checkpoint_every=2 --workspace " + ws + " --json");
  ASSERT_EQ(created.exitCode, 0) << created.err;
  const std::string job = std::to_string(Json::parse(created.out)["job_id"].get<long long>());

  // Room for the workspace as it is and about one checkpoint (~1 MB each at 8 channels) in the
  // write-ahead log: the second or third one fails.
  const rlim_t limit = static_cast<rlim_t>(fs::file_size(ws)) + 1500 * 1024;
  const CliResult full =
      runCliWithFileLimit({"run-job", "--job", job, "--workspace", ws}, limit, dir / "err.txt");
  EXPECT_NE(full.exitCode, 0) << "the job finished although every file was limited to " << limit << " bytes";
  EXPECT_LT(full.exitCode, 128) << "the worker died of a signal instead of reporting:\n" << full.err;
  EXPECT_NE(full.err.find("no space"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find(ws), std::string::npos) << "the error does not name the workspace:\n" << full.err;

  // Readable and intact, the job failed or interrupted with the same clear reason.
  {
    SoakDb db(ws);
    EXPECT_EQ(db.scalar("PRAGMA integrity_check"), "ok");
  }
  const CliResult show = runCli("jobs show " + job + " --workspace " + ws + " --json");
  ASSERT_EQ(show.exitCode, 0) << show.err;
  const Json j = Json::parse(show.out);
  const std::string status = j.value("status", "");
  EXPECT_TRUE(status == "failed" || status == "interrupted") << status;
  if (status == "failed") {
    EXPECT_NE(j.value("error", "").find("no space"), std::string::npos) << j.dump();
  }

  // Space is back: the job resumes and finishes.
  const CliResult resumed = runCli("jobs resume " + job + " --workspace " + ws + " --json");
  ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
  EXPECT_EQ(Json::parse(resumed.out).value("status", ""), "done");
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace nas::test
