#pragma once
// The composition root of the core: a method registry with the built-in methods and the
// plugins found on disk. The CLI, the worker and the GUI each make one. No torch types here.

#include <memory>
#include <vector>

#include "common/Json.h"
#include "jobs/Method.h"
#include "plugin/PluginLoader.h"

namespace nas {

class Engine {
 public:
  // loadPlugins=false for tests that want only the built-in methods.
  explicit Engine(bool loadPlugins = true);

  MethodRegistry& methods() { return registry_; }
  const MethodRegistry& methods() const { return registry_; }
  const std::vector<PluginInfo>& plugins() const { return plugins_; }

  // version, libtorch, threads, devices, plugins, methods: what `nasstudio-cli info` prints.
  Json info() const;

 private:
  MethodRegistry registry_;
  std::vector<PluginInfo> plugins_;
};

}  // namespace nas
