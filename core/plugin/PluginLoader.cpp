#include "plugin/PluginLoader.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "common/Error.h"
#include "common/Log.h"
#include "jobs/LatencySpace.h"
#include "jobs/Method.h"
#include "plugin/ElfCheck.h"
#include "plugin/PluginApi.h"

namespace fs = std::filesystem;

namespace nas {

PluginHost::PluginHost(const Registries& registries, std::string pluginName)
    : registries_(registries), name_(std::move(pluginName)) {}

void PluginHost::stage(const std::string& key, std::function<void()> apply, std::function<void()> undo) {
  for (const auto& k : stagedKeys_)
    if (k == key)
      throw Error(ErrorCode::PluginError, "registered twice by the same plugin", "plugin '" + name_ + "', " + key);
  stagedKeys_.push_back(key);
  staged_.push_back({std::move(apply), std::move(undo)});
}

void PluginHost::commit() {
  auto staged = std::move(staged_);
  staged_.clear();
  stagedKeys_.clear();
  std::size_t applied = 0;
  try {
    for (; applied < staged.size(); ++applied) staged[applied].apply();
  } catch (...) {
    // A component refused now (another host committed the same name after this one staged
    // it): take out what this plugin committed before it, newest first.
    while (applied > 0) staged[--applied].undo();
    throw;
  }
}

void PluginHost::addMethod(std::unique_ptr<Method> method) {
  if (!method) throw Error(ErrorCode::PluginError, "null method registered", "plugin '" + name_ + "'");
  const std::string name = method->name();
  MethodRegistry& methods = registries_.methods;
  if (methods.find(name))
    throw Error(ErrorCode::PluginError, "a method with this name is already registered", "method '" + name + "'");
  auto held = std::make_shared<std::unique_ptr<Method>>(std::move(method));
  stage(
      "method:" + name, [&methods, held] { methods.add(std::move(*held)); }, [&methods, name] { methods.remove(name); });
}

void PluginHost::addLatencySpace(std::unique_ptr<LatencySpace> space) {
  if (!registries_.latencySpaces)
    throw Error(ErrorCode::PluginError, "this host takes no latency spaces", "plugin '" + name_ + "'");
  if (!space) throw Error(ErrorCode::PluginError, "null latency space registered", "plugin '" + name_ + "'");
  const std::string name = space->name();
  LatencySpaceRegistry& spaces = *registries_.latencySpaces;
  if (spaces.find(name))
    throw Error(ErrorCode::PluginError, "a latency space with this name is already registered",
                "latency space '" + name + "'");
  auto held = std::make_shared<std::unique_ptr<LatencySpace>>(std::move(space));
  stage(
      "latency-space:" + name, [&spaces, held] { spaces.add(std::move(*held)); },
      [&spaces, name] { spaces.remove(name); });
}

namespace {

using ApiVersionFn = int (*)();
using RegisterFn = void (*)(PluginHost*);

bool worldWritable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IWOTH) != 0;
}

std::string pluginNameOf(const fs::path& file) {
  std::string stem = file.stem().string();
  return stem.rfind("lib", 0) == 0 ? stem.substr(3) : stem;
}

// Loads one module; fills info.error instead of throwing so that one broken plugin never
// stops the others (or the application) from loading.
void loadOne(PluginInfo& info, const Registries& registries) {
  if (worldWritable(info.path)) {
    info.error = "refused: the file is writable by every user (chmod o-w it)";
    return;
  }
  if (std::string why = elfModuleProblem(info.path); !why.empty()) {  // before dlopen maps it
    info.error = "refused: " + why;
    return;
  }
  // RTLD_NODELETE keeps the code mapped after dlclose-less shutdown; methods registered by
  // the plugin live in the registries until the process ends.
  void* handle = dlopen(info.path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!handle) {
    const char* why = dlerror();
    info.error = why ? why : "dlopen failed";
    return;
  }
  auto version = reinterpret_cast<ApiVersionFn>(dlsym(handle, "nasstudio_plugin_api_version"));
  auto reg = reinterpret_cast<RegisterFn>(dlsym(handle, "nasstudio_plugin_register"));
  if (!version || !reg) {
    info.error = "not a NAS Studio plugin (missing nasstudio_plugin_api_version or nasstudio_plugin_register)";
    dlclose(handle);
    return;
  }
  int v = version();
  if (v != kPluginApiVersion) {
    info.error = "built for plugin API version " + std::to_string(v) + ", this NAS Studio needs version " +
                 std::to_string(kPluginApiVersion) + "; rebuild the plugin against this version";
    dlclose(handle);
    return;
  }
  try {
    PluginHost host(registries, info.name);
    reg(&host);
    info.components = host.stagedKeys();
    host.commit();  // all or nothing: a throw above drops everything the plugin staged
    info.loaded = true;
  } catch (const std::exception& e) {
    info.error = std::string("registration failed: ") + e.what();
  }
}

}  // namespace

std::vector<PluginInfo> loadPlugins(const std::vector<std::string>& dirs, MethodRegistry& methods) {
  return loadPlugins(dirs, Registries{methods});
}

std::vector<PluginInfo> loadPlugins(const std::vector<std::string>& dirs, const Registries& registries) {
  std::vector<PluginInfo> out;
  std::vector<std::string> seenNames;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    if (!fs::path(dir).is_absolute()) {
      log::warn("plugin folder " + dir + " skipped: not an absolute path");
      continue;
    }
    if (worldWritable(dir)) {
      log::warn("plugin folder " + dir + " skipped: writable by every user");
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_regular_file() && entry.path().extension() == ".so") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      PluginInfo info;
      info.name = pluginNameOf(file);
      info.path = file.string();
      // The same plugin in two folders (build tree and install): the first one wins.
      if (std::find(seenNames.begin(), seenNames.end(), info.name) != seenNames.end()) continue;
      seenNames.push_back(info.name);
      loadOne(info, registries);
      if (!info.loaded) {
        info.components.clear();
        log::warn("plugin " + info.path + " not loaded: " + info.error);
      }
      out.push_back(std::move(info));
    }
  }
  return out;
}

}  // namespace nas
