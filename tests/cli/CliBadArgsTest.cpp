// CLI arguments in the bad-input matrix (issue 19): unknown flags, missing values, huge and
// ill-typed numbers, non-UTF-8 bytes, hostile and escaping paths, files that are not what the
// command reads. Every case must exit with 1 (error) or 64 (usage), never by a signal, print
// an error that names the argument and the problem in bounded length, and leave the workspace
// byte for byte as it was (and create none where none was). The table is the list of cases.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "CliRunner.h"

namespace nas::test {
namespace {

namespace fs = std::filesystem;

std::string bytesOf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct BadArgs {
  const char* name;
  std::string args;                 // after the executable; {ws} and {dir} are replaced
  std::vector<std::string> mention;  // what the error must name
  // The job is created and fails when it starts (exit 2), its error naming the input: the
  // method checks this value when it runs (the GUI's New Job dialog checks it before).
  bool failsAsAJob = false;
};

class CliBadArgs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("nas-cli-badargs-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    ws_ = new std::string((*dir_ / "ws.nasdb").string());
    // A workspace with one finished tabular search (architectures, evaluations, a job).
    const CliResult r = runCli("run tabular-search -p queries=5 --workspace " + *ws_ + " --json");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::ofstream(*dir_ / "notes.txt") << "not a workspace\n";
    std::ofstream(*dir_ / "exported.onnx") << "keep me";
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete ws_;
  }
  static fs::path* dir_;
  static std::string* ws_;
};
fs::path* CliBadArgs::dir_ = nullptr;
std::string* CliBadArgs::ws_ = nullptr;

// runCli under `timeout`: a command that hangs on its input fails the case instead of the suite.
CliResult runCliWithin(const std::string& args, size_t slot) {
  const fs::path errFile =
      fs::temp_directory_path() / ("nas-badargs-err-" + std::to_string(::getpid()) + "-" + std::to_string(slot));
  const std::string cmd = "timeout 60 " + std::string(cliPath()) + " " + args + " 2>" + errFile.string() + " >/dev/null";
  CliResult r;
  const int status = std::system(cmd.c_str());
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = bytesOf(errFile);
  fs::remove(errFile);
  return r;
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

TEST_F(CliBadArgs, EachCaseFailsCleanlyAndChangesNothing) {
  const std::string huge(100000, '9');  // 100 kB (one argument may hold 128 kB)
  const std::string nonUtf8 = "\"$(printf '\\377\\376\\303\\050')\"";  // bytes that are no UTF-8
  const std::vector<BadArgs> cases = {
      {"unknown flag", "jobs list --no-such-flag --workspace {ws}", {"--no-such-flag"}},
      {"unknown command", "frobnicate", {"unknown command 'frobnicate'"}},
      {"missing option value", "jobs list --workspace", {"--workspace"}},
      {"missing positional", "run --workspace {ws}", {"method"}},
      {"unknown method", "run no-such-method --workspace {ws}", {"no-such-method"}},
      {"param without =", "run train -p epochs --workspace {ws}", {"epochs"}},
      {"param empty key", "run train -p =5 --workspace {ws}", {"=5"}},
      {"unknown param", "run train -p epoch=5 --workspace {ws}", {"epoch"}},
      {"param int overflow", "run train -p epochs=99999999999999999999999 --workspace {ws}", {"epochs"}},
      {"param 100 kB number", "run train -p epochs=" + huge + " --workspace {ws}", {"epochs"}},
      {"param int as text", "run train -p epochs=many --workspace {ws}", {"epochs"}},
      {"param int 1e999", "run train -p epochs=1e999 --workspace {ws}", {"epochs"}},
      {"param below min", "run train -p epochs=-5 --workspace {ws}", {"epochs"}},
      {"param float nan", "run train -p lr=nan --workspace {ws}", {"lr"}},
      {"param float inf", "run train -p lr=inf --workspace {ws}", {"lr"}},
      {"param bad choice", "run train -p dataset=../../etc --workspace {ws}", {"dataset"}},
      {"param bool as text", "run train -p augment=maybe --workspace {ws}", {"augment"}},
      {"param hostile arch", "run train -p \"arch='); DROP TABLE jobs; --\" --workspace {ws}", {"DROP TABLE", "node groups"}, true},
      {"param 100 kB arch", "run train -p 'arch=|" + std::string(100000, 'x') + "'" + " --workspace {ws}", {"|xxx"}, true},
      {"non-UTF-8 method", "run " + nonUtf8 + " --workspace {ws}", {"method"}},
      {"non-UTF-8 param key", "run train -p " + nonUtf8 + "=1 --workspace {ws}", {"parameter"}},
      {"non-UTF-8 param value", "run train -p dataset=" + nonUtf8 + " --workspace {ws}", {"dataset"}},
      {"job id overflow", "jobs show 99999999999999999999999 --workspace {ws}", {"no job"}},
      {"job id negative", "jobs show -1 --workspace {ws}", {"-1"}},
      {"job id missing", "jobs show 424242 --workspace {ws}", {"424242"}},
      {"job id text", "jobs show one --workspace {ws}", {"one"}},
      {"worker negative max-jobs", "worker --max-jobs -1 --workspace {ws}", {"max-jobs"}},
      {"worker zero heartbeat", "worker --heartbeat-ms 0 --workspace {ws}", {"heartbeat-ms"}},
      {"workspace is a folder", "jobs list --workspace {dir}", {"{dir}"}},
      {"workspace is a text file", "jobs list --workspace {dir}/notes.txt", {"notes.txt", "not a"}},
      {"workspace is /dev/null", "jobs list --workspace /dev/null", {"/dev/null"}},
      {"workspace under a file", "run train --detach --workspace {dir}/notes.txt/ws.nasdb", {"notes.txt"}},
      {"workspace missing for reading", "jobs list --workspace {dir}/typo.nasdb", {"typo.nasdb"}},
      {"workspace non-UTF-8 and missing", "jobs list --workspace {dir}/" + nonUtf8 + ".nasdb", {"nasdb"}},
      {"import escaping path", "import ../../../../../../etc/passwd --workspace {ws}", {"passwd"}},
      {"import a folder", "import {dir} --workspace {ws}", {"{dir}"}},
      {"import a workspace", "import {ws} --workspace {ws}", {"ws.nasdb"}},
      {"export over a file", "export --arch 1 --format onnx --out {dir}/exported.onnx --workspace {ws}",
       {"exported.onnx"}},
      {"export into a missing folder", "export --arch 1 --format json --out {dir}/no/such/a.json --workspace {ws}",
       {"no/such", "does not exist"}},
      {"export unknown format", "export --arch 1 --format exe --out {dir}/a.exe --workspace {ws}", {"exe"}},
      {"export hostile arch", "export --arch \"../../etc/passwd\" --format json --out {dir}/b.json --workspace {ws}",
       {"../../etc/passwd"}},
      {"tabular escaping table", "tabular search --table ../../../../../../etc/passwd --workspace {ws}", {"passwd"}},
      {"tabular table is a folder", "tabular search --table {dir} --workspace {ws}", {"{dir}"}},
      {"latency import /dev/zero", "latency import --file /dev/zero --workspace {ws}", {"/dev/zero"}},
      {"latency import a folder", "latency import --file {dir} --workspace {ws}", {"{dir}"}},
      {"merge a text file", "workspace merge {dir}/notes.txt {ws}", {"notes.txt"}},
      {"merge into itself", "workspace merge {ws} {ws}", {"itself"}},
  };
  std::string before = bytesOf(*ws_);
  const std::string onnxBefore = bytesOf(*dir_ / "exported.onnx");
  ASSERT_FALSE(before.empty());
  // Four commands at a time (each one starts LibTorch and the plugins); the cases that create
  // a job run alone, after the others, since they change the workspace.
  auto argsOf = [&](const BadArgs& c) { return replaceAll(replaceAll(c.args, "{ws}", *ws_), "{dir}", dir_->string()); };
  std::vector<CliResult> results(cases.size());
  for (size_t i = 0; i < cases.size(); i += 4) {
    std::vector<std::pair<size_t, std::future<CliResult>>> running;
    for (size_t j = i; j < std::min(cases.size(), i + 4); ++j)
      if (!cases[j].failsAsAJob)
        running.emplace_back(j, std::async(std::launch::async, [&, j] { return runCliWithin(argsOf(cases[j]), j); }));
    for (auto& [j, f] : running) results[j] = f.get();
  }
  EXPECT_TRUE(bytesOf(*ws_) == before) << "a case that should change nothing changed the workspace";
  for (size_t j = 0; j < cases.size(); ++j)
    if (cases[j].failsAsAJob) results[j] = runCliWithin(argsOf(cases[j]), j);
  int n = 0;
  for (size_t j = 0; j < cases.size(); ++j) {
    const BadArgs& c = cases[j];
    const CliResult& r = results[j];
    SCOPED_TRACE(c.name);
    ++n;
    if (c.failsAsAJob) {
      EXPECT_EQ(r.exitCode, 2) << r.err.substr(0, 2000);
    } else {
      EXPECT_TRUE(r.exitCode == 1 || r.exitCode == 64) << "exit " << r.exitCode << "\n" << r.err.substr(0, 2000);
    }
    EXPECT_FALSE(r.err.empty());
    EXPECT_LT(r.err.size(), 16384u) << "an unbounded error text";
    for (const auto& m : c.mention) {
      const std::string want = replaceAll(replaceAll(m, "{ws}", *ws_), "{dir}", dir_->string());
      EXPECT_NE(r.err.find(want), std::string::npos) << "the error does not name '" << want << "':\n"
                                                      << r.err.substr(0, 2000);
    }
  }
  EXPECT_EQ(bytesOf(*dir_ / "exported.onnx"), onnxBefore) << "an existing file was overwritten";
  for (const char* never : {"typo.nasdb", "no"}) EXPECT_FALSE(fs::exists(*dir_ / never)) << never << " was created";
  EXPECT_FALSE(fs::exists(fs::path("/dev/null-wal"))) << "/dev/null was opened as a workspace";
  std::cout << "[ bad CLI arguments ] " << n << " cases\n";
}

}  // namespace
}  // namespace nas::test
