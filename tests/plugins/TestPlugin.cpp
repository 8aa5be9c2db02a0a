// A minimal plugin used by the loader tests: registers one method.
#include "common/Json.h"
#include "jobs/Method.h"
#include "plugin/PluginApi.h"

namespace {
class EchoMethod final : public nas::Method {
 public:
  std::string name() const override { return "echo"; }
  std::string title() const override { return "Echo"; }
  std::string description() const override { return "Returns its parameter (test plugin)."; }
  nas::ParamSchema schema() const override {
    nas::ParamSchema s;
    s.add({"text", nas::ParamType::String, "hello", {}, {}, {}, "", "Text", ""});
    return s;
  }
  nas::Json run(nas::JobContext& ctx) const override { return nas::Json{{"text", ctx.params()["text"]}}; }
};
}  // namespace

NASSTUDIO_PLUGIN_EXPORT int nasstudio_plugin_api_version() { return nas::kPluginApiVersion; }
NASSTUDIO_PLUGIN_EXPORT void nasstudio_plugin_register(nas::PluginHost* host) {
  host->addMethod(std::make_unique<EchoMethod>());
}
