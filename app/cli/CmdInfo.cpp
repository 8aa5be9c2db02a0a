// `info`: version, LibTorch, threads, devices, plugins; `methods`: registered methods and
// their parameter schemas.
#include <iostream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Paths.h"
#include "engine/Engine.h"

namespace nas::cli {

void addWorkspaceOption(CLI::App* cmd, std::string& path) {
  cmd->add_option("--workspace,-w", path, "workspace file (default: the user's default workspace)");
}

void addInfoCommand(CLI::App& app, CliState& state) {
  auto* cmd = app.add_subcommand("info", "Version, LibTorch, threads, devices and plugins");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print one JSON object");
  cmd->callback([&state, json] {
    state.action = [&state, json] {
      Json info = state.engine().info();
      info["default_workspace"] = defaultWorkspacePath();
      if (*json) {
        printJson(info);
        return 0;
      }
      std::cout << "NAS Studio " << info["version"].get<std::string>() << "\n"
                << "LibTorch " << info["libtorch"].get<std::string>() << ", " << info["threads"] << " threads\n"
                << "devices: " << info["devices"].dump() << "\n"
                << "methods: " << info["methods"].dump() << "\n"
                << "default workspace: " << info["default_workspace"].get<std::string>() << "\n";
      for (const auto& p : info["plugins"])
        std::cout << "plugin " << p["name"].get<std::string>() << ": "
                  << (p["loaded"].get<bool>() ? "loaded" : "NOT loaded: " + p.value("error", std::string())) << "\n";
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
