// `info`: version, LibTorch, threads, devices, plugins; `plugins`: the plugin folders and
// what each plugin registered; `methods`: registered methods and their parameter schemas.
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "common/Paths.h"
#include "engine/Engine.h"
#include "plugin/PluginApi.h"

namespace nas::cli {

void addWorkspaceOption(CLI::App* cmd, std::string& path) {
  cmd->add_option("--workspace,-w", path, "workspace file (default: the user's default workspace)");
}

void addPluginsCommand(CLI::App& app, CliState& state);

void addInfoCommand(CLI::App& app, CliState& state) {
  addPluginsCommand(app, state);  // `plugins` goes with `info`, which lists them in short
  auto* cmd = app.add_subcommand("info", "Version, LibTorch, threads, devices and plugins");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print one JSON object");
  cmd->callback([&state, json] {
    state.action = [&state, json] {
      Json info = state.engine().info();
      info["default_workspace"] = defaultWorkspacePath();
      info["plugin_folders"] = pluginDirs();
      try {
        info["resources"] = resourceDir();
      } catch (const Error&) {
        info["resources"] = nullptr;  // says so below; `info` itself still works
      }
      if (*json) {
        printJson(info);
        return 0;
      }
      std::cout << "NAS Studio " << info["version"].get<std::string>() << "\n"
                << "LibTorch " << info["libtorch"].get<std::string>() << ", " << info["threads"] << " threads\n"
                << "devices: " << info["devices"].dump() << "\n"
                << "methods: " << info["methods"].dump() << "\n"
                << "default workspace: " << info["default_workspace"].get<std::string>() << "\n"
                << "resources: " << (info["resources"].is_string() ? info["resources"].get<std::string>() : "NOT found")
                << "\n";
      for (const auto& p : info["plugins"])
        std::cout << "plugin " << p["name"].get<std::string>() << ": "
                  << (p["loaded"].get<bool>() ? "loaded" : "NOT loaded: " + p.value("error", std::string())) << "\n";
      return 0;
    };
  });
}

namespace {

// {"api_version", "folders": [...], "plugins": [{"name", "path", "loaded", "error"?,
//  "components": [{"kind": "method", "name": "sgnas"}, ...]}]}
Json pluginsJson(const Engine& engine) {
  Json plugins = Json::array();
  for (const auto& p : engine.plugins()) {
    Json components = Json::array();
    for (const auto& key : p.components) {
      const auto colon = key.find(':');
      components.push_back({{"kind", key.substr(0, colon)}, {"name", key.substr(colon + 1)}});
    }
    Json j{{"name", p.name}, {"path", p.path}, {"loaded", p.loaded}, {"components", components}};
    if (!p.loaded) j["error"] = p.error;
    plugins.push_back(j);
  }
  return Json{{"api_version", kPluginApiVersion}, {"folders", pluginDirs()}, {"plugins", plugins}};
}

}  // namespace

void addPluginsCommand(CLI::App& app, CliState& state) {
  auto* cmd = app.add_subcommand("plugins", "The plugin folders, the plugins found and what each one adds");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print one JSON object");
  cmd->callback([&state, json] {
    state.action = [&state, json] {
      const Json out = pluginsJson(state.engine());
      if (*json) {
        printJson(out);
        return 0;
      }
      std::cout << "plugin API version " << out["api_version"] << "; folders, in load order:\n";
      for (const auto& f : out["folders"]) std::cout << "  " << f.get<std::string>() << "\n";
      for (const auto& p : out["plugins"]) {
        std::cout << p["name"].get<std::string>() << " (" << p["path"].get<std::string>() << "): ";
        if (!p["loaded"].get<bool>()) {
          std::cout << "NOT loaded: " << p["error"].get<std::string>() << "\n";
          continue;
        }
        std::string list;
        for (const auto& c : p["components"])
          list += (list.empty() ? "" : ", ") + c["kind"].get<std::string>() + " " + c["name"].get<std::string>();
        std::cout << (list.empty() ? "loaded, adds nothing" : list) << "\n";
      }
      return 0;
    };
  });
}

void addMethodsCommand(CLI::App& app, CliState& state) {
  auto* cmd = app.add_subcommand("methods", "List the job methods and their parameters");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print one JSON object");
  cmd->callback([&state, json] {
    state.action = [&state, json] {
      Json out = Json::object();
      Json list = Json::array();
      for (const Method* m : state.engine().methods().all())
        list.push_back({{"name", m->name()}, {"title", m->title()}, {"description", m->description()},
                        {"params", m->schema().toJson()}, {"result_keys", m->resultKeys()}});
      out["methods"] = list;
      if (*json) {
        printJson(out);
        return 0;
      }
      for (const auto& m : list) {
        std::cout << m["name"].get<std::string>() << ": " << m["title"].get<std::string>() << "\n";
        for (const auto& p : m["params"])
          std::cout << "    " << p["name"].get<std::string>() << " (" << p["type"].get<std::string>()
                    << ", default " << p["default"].dump() << ")  " << p["help"].get<std::string>() << "\n";
      }
      return 0;
    };
  });
}

}  // namespace nas::cli
