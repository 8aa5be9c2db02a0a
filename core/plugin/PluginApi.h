#pragma once
// The plugin interface. A plugin is a shared module (`add_library(x MODULE)`) exporting two
// C symbols:
//   int  nasstudio_plugin_api_version();            // must return kPluginApiVersion
//   void nasstudio_plugin_register(nas::PluginHost*); // adds methods to the host
// Plugins exchange C++ and torch types with core, so they must be built with the same
// compiler, the same standard library and the same LibTorch as the core they load into.

#include <memory>
#include <string>

namespace nas {

class Method;
class MethodRegistry;

inline constexpr int kPluginApiVersion = 1;

class PluginHost {
 public:
  PluginHost(MethodRegistry& registry, std::string pluginName) : registry_(registry), name_(std::move(pluginName)) {}
  void addMethod(std::unique_ptr<Method> method);
  const std::string& pluginName() const { return name_; }

 private:
  MethodRegistry& registry_;
  std::string name_;
};

}  // namespace nas

#define NASSTUDIO_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
