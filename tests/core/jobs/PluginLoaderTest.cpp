#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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
