// The plugin registers the "dbb" latency space: loaded by core's plugin loader, and through the
// real CLI a tiny `latency profile --space dbb` then `latency validate --space dbb` round trip.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cli/CliRunner.h"
#include "common/Json.h"
#include "jobs/LatencySpace.h"
#include "jobs/Method.h"
#include "export/Exporter.h"
#include "plugin/PluginApi.h"
#include "plugin/PluginLoader.h"

namespace nas::repnas {
namespace {

namespace fs = std::filesystem;

fs::path freshDir(const std::string& what) {
  const fs::path dir = fs::temp_directory_path() / (what + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(RepnasPlugin, LoaderRegistersTheDbbSpace) {
  // A folder holding only this plugin, so that the test sees what it registers and nothing else.
  const fs::path dir = freshDir("repnas-plugin");
  fs::copy_file(NAS_REPNAS_PLUGIN, dir / fs::path(NAS_REPNAS_PLUGIN).filename());
  MethodRegistry methods;
  LatencySpaceRegistry spaces;
  ExporterRegistry exporters;
  const auto infos = loadPlugins({dir.string()}, Registries{methods, &spaces, nullptr, &exporters});
  ASSERT_EQ(1u, infos.size());
  EXPECT_TRUE(infos[0].loaded) << infos[0].error;
  EXPECT_EQ(std::vector<std::string>{"dbb"}, spaces.names());
  EXPECT_FALSE(spaces.get("dbb").entries().empty());
  EXPECT_EQ(exporters.names(), (std::vector<std::string>{"nb201", "repnas"}));
  // A host without a latency registry still loads it (nothing to add), into registries of
  // its own (a second engine in the process).
  MethodRegistry otherMethods;
  ExporterRegistry otherExporters;
  const auto again = loadPlugins({dir.string()}, Registries{otherMethods, nullptr, nullptr, &otherExporters});
  EXPECT_TRUE(again[0].loaded) << again[0].error;
  EXPECT_TRUE(otherExporters.contains("repnas"));
  fs::remove_all(dir);
}

TEST(RepnasPlugin, CliProfileAndValidateDbb) {
  const fs::path dir = freshDir("repnas-cli");
  const std::string ws = (dir / "ws.nasws").string();
  auto r = test::runCli("latency profile --space dbb --profile t --repeats 2 --budget-ms 0 --warmup 0 --workspace " + ws +
                        " --json");
  ASSERT_EQ(0, r.exitCode) << r.out << r.err;
  EXPECT_EQ(38, Json::parse(r.out).at("measured").get<int>()) << r.out;
  r = test::runCli("latency validate --space dbb --samples 4 --calibration 0 --rounds 1 --repeats 1 --workspace " + ws +
                   " --json");
  ASSERT_EQ(0, r.exitCode) << r.out << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(4, j.at("samples").get<int>()) << r.out;
  EXPECT_GE(j.at("mape").get<double>(), 0.0) << r.out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nas::repnas
