// `nasstudio-cli export` of a DARTS-space architecture end to end: a tiny real darts-eval job
// (the entrannas plugin, C=4, 3 cells, 1 epoch on 48 synthetic images, with the auxiliary head
// that training uses and the export leaves out) and every network format with its trained
// weights, each self-checked against the app's forward within 1e-4.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "CliRunner.h"
#include "common/Json.h"

namespace nas::test {
namespace {

namespace fs = std::filesystem;

TEST(CliExportDarts, EveryNetworkFormatOfADartsEvalResultMatchesTheApp) {
  const std::string dir = fs::temp_directory_path() / ("nas-cli-export-darts-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string ws = dir + "/w.db";
  const CliResult job = runCli(
      "run darts-eval -p space=darts -p dataset=synthetic -p train_limit=48 -p test_images=16 -p eval_epochs=1"
      " -p eval_channels=4 -p eval_layers=3 -p eval_batch_size=16 -p threads=1 -p device=cpu --workspace " + ws +
      " --json");
  ASSERT_EQ(job.exitCode, 0) << job.err << job.out;
  for (const std::string format : {"onnx", "torchscript", "pytorch"}) {
    const std::string out = dir + "/darts-" + format + (format == "pytorch" ? ".py" : ".bin");
    const CliResult r = runCli("export --workspace " + ws + " --arch 1 --format " + format + " --out " + out + " --json");
    ASSERT_EQ(r.exitCode, 0) << format << ": " << r.err;
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j["format"], format);
    ASSERT_TRUE(j["max_abs_diff"].is_number()) << j.dump();
    EXPECT_LE(j["max_abs_diff"].get<double>(), 1e-4) << format;
    EXPECT_EQ(j["weights"], "trained") << j.dump();
    EXPECT_EQ(j["weights_job"], 1);
    EXPECT_TRUE(fs::exists(out));
  }
  EXPECT_TRUE(fs::exists(dir + "/darts-pytorch.pt"));  // the module's weights beside it
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace nas::test
