// A plugin's registration is one transaction over the four registries an engine owns
// (methods, latency spaces, query strategies, exporters; issue 13, item 5): duplicates are
// refused, and a plugin that fails half way leaves nothing of any kind behind.
#include <gtest/gtest.h>

#include <filesystem>

#include "SgnasExport.h"
#include "common/Error.h"
#include "eval/Nb201Latency.h"
#include "export/Exporter.h"
#include "jobs/LatencySpace.h"
#include "jobs/Method.h"
#include "plugin/PluginApi.h"
#include "plugin/PluginLoader.h"
#include "search/QueryStrategy.h"

namespace nas {
namespace {

class NamedMethod final : public Method {
 public:
  explicit NamedMethod(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::string title() const override { return name_; }
  std::string description() const override { return "a test method"; }
  ParamSchema schema() const override { return {}; }
  Json run(JobContext&) const override { return Json::object(); }

 private:
  std::string name_;
};

struct EngineRegistries {
  MethodRegistry methods;
  LatencySpaceRegistry spaces;
  QueryStrategyRegistry strategies;
  ExporterRegistry exporters;
  Registries all() { return Registries{methods, &spaces, &strategies, &exporters}; }
};

ParamStrategyFactory randomFactory() {
  return [](const Json&) -> std::unique_ptr<QueryStrategy> { return std::make_unique<RandomSearch>(); };
}

TEST(PluginRegistration, EveryKindRefusesADuplicate) {
  EngineRegistries r;
  PluginHost first(r.all(), "first");
  first.addMethod(std::make_unique<NamedMethod>("m"));
  first.addLatencySpace(makeNb201LatencySpace({}, "space"));
  first.addQueryStrategy("s", randomFactory());
  first.addExporter(sgnas::makeSgnasExporter());
  // Twice in one plugin, before anything is committed.
  EXPECT_THROW(first.addMethod(std::make_unique<NamedMethod>("m")), Error);
  EXPECT_THROW(first.addLatencySpace(makeNb201LatencySpace({}, "space")), Error);
  EXPECT_THROW(first.addQueryStrategy("s", randomFactory()), Error);
  EXPECT_THROW(first.addExporter(sgnas::makeSgnasExporter()), Error);
  EXPECT_EQ(first.stagedKeys(),
            (std::vector<std::string>{"method:m", "latency-space:space", "strategy:s", "exporter:sgnas"}));
  first.commit();
  // Taken by a committed plugin, or built in.
  PluginHost second(r.all(), "second");
  EXPECT_THROW(second.addMethod(std::make_unique<NamedMethod>("m")), Error);
  EXPECT_THROW(second.addLatencySpace(makeNb201LatencySpace({}, "space")), Error);
  EXPECT_THROW(second.addQueryStrategy("s", randomFactory()), Error);
  EXPECT_THROW(second.addQueryStrategy("evolution", randomFactory()), Error);
  EXPECT_THROW(second.addExporter(sgnas::makeSgnasExporter()), Error);
  EXPECT_EQ(second.stagedCount(), 0u);
  EXPECT_EQ(r.methods.size(), 1u);
  EXPECT_EQ(r.spaces.size(), 1u);
  EXPECT_EQ(r.strategies.names(), (std::vector<std::string>{"random", "evolution", "s"}));
  EXPECT_EQ(r.exporters.names(), (std::vector<std::string>{"nb201", "sgnas"}));
}

// A component refused at the commit (another plugin committed its name after this one staged
// it) takes out the components of every kind this plugin committed before it.
TEST(PluginRegistration, ACommitRefusedHalfWayTakesBackEveryKind) {
  EngineRegistries r;
  PluginHost late(r.all(), "late");
  late.addMethod(std::make_unique<NamedMethod>("m"));
  late.addLatencySpace(makeNb201LatencySpace({}, "space"));
  late.addQueryStrategy("s", randomFactory());
  late.addExporter(sgnas::makeSgnasExporter());
  late.addMethod(std::make_unique<NamedMethod>("after"));
  PluginHost early(r.all(), "early");
  early.addExporter(sgnas::makeSgnasExporter());
  early.commit();
  try {
    late.commit();
    FAIL() << "the taken exporter name was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sgnas"), std::string::npos) << e.what();
  }
  EXPECT_EQ(r.methods.size(), 0u);
  EXPECT_EQ(r.spaces.size(), 0u);
  EXPECT_EQ(r.strategies.names(), (std::vector<std::string>{"random", "evolution"}));
  EXPECT_EQ(r.exporters.names(), (std::vector<std::string>{"nb201", "sgnas"}));  // the early plugin's stays
  // The names are free again.
  PluginHost retry(r.all(), "retry");
  retry.addMethod(std::make_unique<NamedMethod>("m"));
  retry.addQueryStrategy("s", randomFactory());
  retry.commit();
  EXPECT_TRUE(r.strategies.contains("s"));
}

// The real SGNAS plugin adds the method "sgnas", its latency spaces, "sgnas-retrain" and its
// exporter, in that order: with "sgnas-retrain" taken, its register function throws half way
// and neither the method nor the latency spaces it added before stay.
TEST(PluginRegistration, APluginModuleThatFailsHalfWayLeavesNoKindBehind) {
  namespace fs = std::filesystem;
  const fs::path sgnas = fs::path(NAS_BINARY_DIR) / "lib/nasstudio/plugins/libsgnas.so";
  if (!fs::exists(sgnas)) GTEST_SKIP() << "not built: " << sgnas;
  const fs::path dir = fs::temp_directory_path() / ("nas-registration-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(sgnas, dir / "libsgnas.so");
  EngineRegistries r;
  r.methods.add(std::make_unique<NamedMethod>("sgnas-retrain"));
  const auto infos = loadPlugins({dir.string()}, r.all());
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_FALSE(infos[0].loaded);
  EXPECT_NE(infos[0].error.find("sgnas-retrain"), std::string::npos) << infos[0].error;
  EXPECT_EQ(r.methods.size(), 1u);
  EXPECT_EQ(r.spaces.size(), 0u);
  EXPECT_EQ(r.exporters.names(), std::vector<std::string>{"nb201"});
  // Into registries where nothing is taken it loads, every kind at once.
  EngineRegistries fresh;
  const auto ok = loadPlugins({dir.string()}, fresh.all());
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_TRUE(ok[0].loaded) << ok[0].error;
  EXPECT_NE(fresh.methods.find("sgnas"), nullptr);
  EXPECT_TRUE(fresh.spaces.contains("sgnas"));
  EXPECT_TRUE(fresh.exporters.contains("sgnas"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nas
