// `nasstudio-cli export` and `import` end to end on a real (tiny) training job: every format
// with the trained weights and a self-check within 1e-4, the keys scripts rely on, no overwrite
// without --force, an unwritable folder, and a genotype carried into another workspace.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "CliRunner.h"
#include "common/Json.h"

namespace nas::test {
namespace {

namespace fs = std::filesystem;

const char* kCell = "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliExport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(fs::temp_directory_path() / ("nas-cli-export-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    ws_ = new std::string(*dir_ + "/w.db");
    const CliResult r = runCli(std::string("train --space nb201 --arch '") + kCell +
                               "' --dataset synthetic --epochs 1 --train-limit 128 --channels 4 --cells 1 --threads 1"
                               " --workspace " + *ws_ + " --json");
    trained_ = r.exitCode == 0;
    if (!trained_) std::cerr << r.err << r.out;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
    delete ws_;
  }
  void SetUp() override { ASSERT_TRUE(trained_) << "the training job failed"; }

  static CliResult exportArch(const std::string& format, const std::string& out, const std::string& extra = "") {
    return runCli("export --workspace " + *ws_ + " --arch '" + kCell + "' --format " + format + " --out " + out +
                  " --json " + extra);
  }
  static inline std::string* dir_ = nullptr;
  static inline std::string* ws_ = nullptr;
  static inline bool trained_ = false;
};

TEST_F(CliExport, EveryFormatWithTrainedWeightsMatchesTheApp) {
  for (const std::string format : {"onnx", "torchscript", "pytorch", "json"}) {
    const std::string out = *dir_ + "/net-" + format + (format == "pytorch" ? ".py" : ".bin");
    const CliResult r = exportArch(format, out);
    ASSERT_EQ(r.exitCode, 0) << format << ": " << r.err;
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j["path"], out);
    EXPECT_EQ(j["format"], format);
    std::int64_t onDisk = 0;
    for (const auto& f : j["files"]) onDisk += static_cast<std::int64_t>(fs::file_size(f.get<std::string>()));
    EXPECT_EQ(j["bytes"].get<std::int64_t>(), onDisk);
    ASSERT_TRUE(j.contains("max_abs_diff"));
    if (format == "json") {
      EXPECT_TRUE(j["max_abs_diff"].is_null());
      continue;
    }
    EXPECT_LE(j["max_abs_diff"].get<double>(), 1e-4) << format;
    EXPECT_EQ(j["weights"], "trained") << j.dump();
    EXPECT_EQ(j["weights_job"], 1);
  }
  EXPECT_TRUE(fs::exists(*dir_ + "/net-pytorch.pt"));  // the module's weights beside it
}

TEST_F(CliExport, AnExistingFileIsKeptWithoutForce) {
  const std::string out = *dir_ + "/keep.onnx";
  std::ofstream(out) << "mine";
  const CliResult r = exportArch("onnx", out);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(out), "mine");
  const CliResult forced = exportArch("onnx", out, "--force");
  ASSERT_EQ(forced.exitCode, 0) << forced.err;
  EXPECT_GT(fs::file_size(out), 1000u);
}

TEST_F(CliExport, AnUnwritableFolderGivesAClearErrorAndLeavesNothing) {
  const std::string ro = *dir_ + "/ro";
  fs::create_directories(ro);
  ::chmod(ro.c_str(), 0555);
  // root ignores permission bits; /proc takes no new files from anyone.
  const std::string folder = ::geteuid() == 0 ? std::string("/proc") : ro;
  const CliResult r = exportArch("pytorch", folder + "/net.py");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find(folder), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(folder + "/net.py"));
  EXPECT_FALSE(fs::exists(folder + "/net.pt"));
  EXPECT_TRUE(fs::is_empty(ro));
  ::chmod(ro.c_str(), 0755);
}

TEST_F(CliExport, GenotypeJsonGoesIntoAnotherWorkspaceLosslessly) {
  const std::string first = *dir_ + "/g1.json", second = *dir_ + "/g2.json", other = *dir_ + "/other.db";
  ASSERT_EQ(exportArch("json", first).exitCode, 0);
  const CliResult imp = runCli("import " + first + " --workspace " + other + " --json");
  ASSERT_EQ(imp.exitCode, 0) << imp.err;
  const Json j = Json::parse(imp.out);
  EXPECT_EQ(j["evaluations_added"], 2);  // test and validation accuracy
  const CliResult again = runCli("export --workspace " + other + " --arch " + std::to_string(j["arch_id"].get<long>()) +
                                 " --format json --out " + second + " --json");
  ASSERT_EQ(again.exitCode, 0) << again.err;
  EXPECT_EQ(Json::parse(slurp(second)), Json::parse(slurp(first)));
  const Json doc = Json::parse(slurp(first));
  EXPECT_EQ(doc["provenance"]["jobs"][0]["method"], "train");
  EXPECT_EQ(doc["provenance"]["jobs"][0]["dataset"], "synthetic");
  EXPECT_EQ(doc["provenance"]["jobs"][0]["seed"], 0);
}

TEST_F(CliExport, AnUnknownArchitectureIsNamed) {
  const CliResult r = runCli("export --workspace " + *ws_ + " --arch 'tiny:333|333|333' --format onnx --out " + *dir_ +
                             "/x.onnx");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("tiny:333|333|333"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(*dir_ + "/x.onnx"));
}

}  // namespace
}  // namespace nas::test
