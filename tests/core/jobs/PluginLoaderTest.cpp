#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "FakeMethods.h"
#include "jobs/Method.h"
#include "plugin/PluginApi.h"
#include "plugin/PluginLoader.h"

using namespace nas;
namespace fs = std::filesystem;

TEST(PluginLoader, LoadsAGoodPluginAndRefusesTheRest) {
  fs::path dir = fs::temp_directory_path() / ("nas-plugins-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(NAS_TEST_PLUGIN_GOOD, dir / "libgood.so");
  fs::copy_file(NAS_TEST_PLUGIN_WRONG_VERSION, dir / "libwrongversion.so");
  std::ofstream(dir / "libgarbage.so") << "not an ELF file";

  MethodRegistry registry;
  auto infos = loadPlugins({dir.string(), (dir / "missing").string()}, registry);
  ASSERT_EQ(infos.size(), 3u);
  std::map<std::string, PluginInfo> byName;
  for (const auto& i : infos) byName[i.name] = i;
  EXPECT_TRUE(byName["good"].loaded) << byName["good"].error;
  EXPECT_FALSE(byName["wrongversion"].loaded);
  const std::string wrong = "API version " + std::to_string(kPluginApiVersion + 41);  // WrongVersionPlugin.cpp
  EXPECT_NE(byName["wrongversion"].error.find(wrong), std::string::npos) << byName["wrongversion"].error;
  EXPECT_FALSE(byName["garbage"].loaded);
  EXPECT_FALSE(byName["garbage"].error.empty());
  ASSERT_NE(registry.find("echo"), nullptr);
  EXPECT_EQ(registry.all().size(), 1u);
  fs::remove_all(dir);
}

TEST(MethodRegistry, RefusesDuplicatesAndNamesKnownMethods) {
  MethodRegistry registry;
  EXPECT_THROW(registry.get("x"), Error);
  try {
    registry.get("x");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("method 'x'"), std::string::npos);
  }
}

// Registration is all or nothing: what a plugin adds is staged and committed only when its
// register function returns.
TEST(PluginHost, StagesUntilCommitAndRefusesDuplicates) {
  MethodRegistry registry;
  PluginHost host(registry, "staging");
  host.addMethod(std::make_unique<test::CountingMethod>());
  EXPECT_EQ(registry.find("count"), nullptr);
  EXPECT_EQ(host.stagedCount(), 1u);
  EXPECT_THROW(host.addMethod(std::make_unique<test::CountingMethod>()), Error);  // twice in one plugin
  host.commit();
  EXPECT_NE(registry.find("count"), nullptr);
  PluginHost other(registry, "other");
  EXPECT_THROW(other.addMethod(std::make_unique<test::CountingMethod>()), Error);  // taken by the first
  EXPECT_EQ(registry.all().size(), 1u);
}

TEST(PluginLoader, ADuplicatePluginIsRefusedAndTheFirstKept) {
  fs::path dir = fs::temp_directory_path() / ("nas-plugins-dup-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(NAS_TEST_PLUGIN_GOOD, dir / "libgood.so");
  fs::copy_file(NAS_TEST_PLUGIN_GOOD, dir / "libgood2.so");
  MethodRegistry registry;
  auto infos = loadPlugins({dir.string()}, registry);
  ASSERT_EQ(infos.size(), 2u);
  int loaded = 0;
  for (const auto& i : infos) {
    if (i.loaded) ++loaded;
    else EXPECT_NE(i.error.find("already registered"), std::string::npos) << i.error;
  }
  EXPECT_EQ(loaded, 1);
  EXPECT_EQ(registry.all().size(), 1u);
  fs::remove_all(dir);
}

namespace {
// A method that only has a name: takes the place of one a plugin registers later.
class Placeholder final : public Method {
 public:
  explicit Placeholder(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::string title() const override { return name_; }
  std::string description() const override { return "placeholder"; }
  ParamSchema schema() const override { return {}; }
  Json run(JobContext&) const override { return Json::object(); }

 private:
  std::string name_;
};
}  // namespace

// The SGNAS plugin adds "sgnas", then "sgnas-retrain": with "sgnas-retrain" taken it fails half
// way, and the "sgnas" it added first must not stay behind.
TEST(PluginLoader, APluginThatFailsHalfWayLeavesNothingRegistered) {
  const fs::path sgnas = fs::path(NAS_BINARY_DIR) / "lib/nasstudio/plugins/libsgnas.so";
  if (!fs::exists(sgnas)) GTEST_SKIP() << "not built: " << sgnas;
  fs::path dir = fs::temp_directory_path() / ("nas-plugins-half-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(sgnas, dir / "libsgnas.so");
  MethodRegistry registry;
  registry.add(std::make_unique<Placeholder>("sgnas-retrain"));
  auto infos = loadPlugins({dir.string()}, registry);
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_FALSE(infos[0].loaded);
  EXPECT_NE(infos[0].error.find("registration failed"), std::string::npos) << infos[0].error;
  EXPECT_NE(infos[0].error.find("sgnas-retrain"), std::string::npos) << infos[0].error;
  EXPECT_EQ(registry.find("sgnas"), nullptr) << "the method registered before the failure stayed";
  EXPECT_EQ(registry.all().size(), 1u);
  fs::remove_all(dir);
}

// The loader records what a plugin registered (for `nasstudio-cli plugins`), and never loads
// code from where another user could have put it: a module or folder anyone may write, or a
// relative folder (that would depend on the working directory).
TEST(PluginLoader, ListsComponentsAndRefusesWorldWritableOrRelativePlaces) {
  fs::path dir = fs::temp_directory_path() / ("nas-plugins-perm-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  fs::copy_file(NAS_TEST_PLUGIN_GOOD, dir / "libgood.so");
  {
    MethodRegistry registry;
    auto infos = loadPlugins({dir.string()}, registry);
    ASSERT_EQ(infos.size(), 1u);
    ASSERT_TRUE(infos[0].loaded) << infos[0].error;
    EXPECT_EQ(infos[0].components, std::vector<std::string>{"method:echo"});
  }
  fs::permissions(dir / "libgood.so", fs::perms::others_write, fs::perm_options::add);
  {
    MethodRegistry registry;
    auto infos = loadPlugins({dir.string()}, registry);
    ASSERT_EQ(infos.size(), 1u);
    EXPECT_FALSE(infos[0].loaded);
    EXPECT_NE(infos[0].error.find("writable by every user"), std::string::npos) << infos[0].error;
    EXPECT_TRUE(infos[0].components.empty());
    EXPECT_EQ(registry.find("echo"), nullptr);
  }
  fs::permissions(dir / "libgood.so", fs::perms::others_write, fs::perm_options::remove);
  fs::permissions(dir, fs::perms::others_all, fs::perm_options::add);
  {
    MethodRegistry registry;
    EXPECT_TRUE(loadPlugins({dir.string()}, registry).empty()) << "a world-writable folder was read";
  }
  fs::permissions(dir, fs::perms::others_all, fs::perm_options::remove);
  {
    const fs::path cwd = fs::current_path();
    fs::current_path(dir.parent_path());
    MethodRegistry registry;
    const auto infos = loadPlugins({dir.filename().string()}, registry);
    fs::current_path(cwd);
    EXPECT_TRUE(infos.empty()) << "a relative folder was read";
  }
  fs::remove_all(dir);
}
