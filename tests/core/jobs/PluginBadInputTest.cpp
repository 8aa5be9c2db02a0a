// Plugin files in the bad-input matrix (issue 19): broken modules and unsafe places. Every case
// must leave the plugin unloaded with an error that says what is wrong (PluginInfo carries the
// file's path, which `nasstudio-cli plugins` and the log print with it), register nothing, and
// never crash the host. PluginLoaderTest.cpp holds the first cases (a text file named .so, a
// wrong API version, a world-writable module and folder, a relative folder, a registration that
// throws half way); these add the rest.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/Paths.h"
#include "jobs/Method.h"
#include "plugin/PluginLoader.h"

using namespace nas;
namespace fs = std::filesystem;

namespace {

class PluginBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nas-plugin-bad-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Loads `dir_` alone; expects exactly one module, refused, with `why` in its error.
  void expectRefused(const std::string& file, const std::string& why) {
    MethodRegistry registry;
    const auto infos = loadPlugins({dir_.string()}, registry);
    ASSERT_EQ(infos.size(), 1u) << file;
    EXPECT_FALSE(infos[0].loaded) << file;
    EXPECT_EQ(infos[0].path, (dir_ / file).string());
    EXPECT_NE(infos[0].error.find(why), std::string::npos) << file << ": " << infos[0].error;
    EXPECT_TRUE(infos[0].components.empty());
    EXPECT_TRUE(registry.all().empty()) << file << " registered something";
  }

  std::string good() const {
    std::ifstream in(NAS_TEST_PLUGIN_GOOD, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
};

TEST_F(PluginBadInput, AnEmptyFile) {
  std::ofstream(dir_ / "libempty.so");
  expectRefused("libempty.so", "too short");
}

// Cut inside its loadable segments (an interrupted copy): dlopen would map the missing pages
// and the first touch would kill the process with SIGBUS; the loader refuses it first.
TEST_F(PluginBadInput, ATruncatedModule) {
  const std::string bytes = good();
  ASSERT_GT(bytes.size(), 8192u);
  std::ofstream(dir_ / "libcut.so", std::ios::binary) << bytes.substr(0, 8192);
  expectRefused("libcut.so", "truncated");
}

TEST_F(PluginBadInput, OnlyTheElfHeaderOfAModule) {
  std::ofstream(dir_ / "libheader.so", std::ios::binary) << good().substr(0, 64);
  expectRefused("libheader.so", "truncated");
}

TEST_F(PluginBadInput, AScriptNamedSo) {
  std::ofstream(dir_ / "libscript.so") << "#!/bin/sh\nrm -rf \"$HOME\"\n";
  fs::permissions(dir_ / "libscript.so", fs::perms::owner_exec, fs::perm_options::add);
  expectRefused("libscript.so", "not a shared library");
}

TEST_F(PluginBadInput, ARealLibraryThatIsNoPlugin) {
  // The C library's math part: a valid shared object without the plugin entry points.
  const fs::path libm = "/lib/x86_64-linux-gnu/libm.so.6";
  if (!fs::exists(libm)) GTEST_SKIP() << libm << " is not here";
  fs::copy_file(libm, dir_ / "libm.so");
  expectRefused("libm.so", "not a NAS Studio plugin");
}

TEST_F(PluginBadInput, AFolderNamedSoIsNotAModule) {
  fs::create_directories(dir_ / "libfolder.so");
  MethodRegistry registry;
  EXPECT_TRUE(loadPlugins({dir_.string()}, registry).empty());
}

TEST_F(PluginBadInput, AFolderLinkedToAWorldWritableOneIsNotRead) {
  const fs::path open = dir_ / "open";
  fs::create_directories(open);
  fs::copy_file(NAS_TEST_PLUGIN_GOOD, open / "libgood.so");
  fs::permissions(open, fs::perms::all);  // o+w
  const fs::path safe = dir_ / "safe";
  fs::create_directory_symlink(open, safe);
  MethodRegistry registry;
  EXPECT_TRUE(loadPlugins({safe.string()}, registry).empty()) << "read a world-writable folder through a link";
  EXPECT_TRUE(registry.all().empty());
}

// The working directory is never a plugin folder: neither by default nor when the plugin path
// variable names it relatively ("." or ""), even when it holds a valid plugin.
TEST_F(PluginBadInput, NeverFromTheWorkingDirectory) {
  fs::copy_file(NAS_TEST_PLUGIN_GOOD, dir_ / "libgood.so");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir_);
  const char* old = std::getenv("NASSTUDIO_PLUGIN_PATH");
  const std::string saved = old ? old : "";
  for (const char* value : {"", ".", "./", "::.:", "nas-plugins-here"}) {
    ::setenv("NASSTUDIO_PLUGIN_PATH", value, 1);
    const auto dirs = pluginDirs();  // may hold "." as given: the loader must skip it
    MethodRegistry registry;
    for (const auto& info : loadPlugins(dirs, registry))
      EXPECT_NE(info.path, (dir_ / "libgood.so").string()) << "loaded from the working directory with '" << value << "'";
    EXPECT_EQ(registry.find("echo"), nullptr) << "plugin path '" << value << "'";
  }
  if (old) ::setenv("NASSTUDIO_PLUGIN_PATH", saved.c_str(), 1);
  else ::unsetenv("NASSTUDIO_PLUGIN_PATH");
  fs::current_path(cwd);
}

}  // namespace
