#pragma once
// Where things live on disk: the user's default workspace (XDG), the shipped resources
// (reference tables), and plugin folders. Resolved the same way by CLI and GUI.

#include <string>
#include <vector>

namespace nas {

// $XDG_DATA_HOME/nasstudio (default ~/.local/share/nasstudio); created on demand.
std::string userDataDir();
// userDataDir()/default.nasdb
std::string defaultWorkspacePath();
// The folder holding shipped resources (data/nb201/cifar10.csv ...). Looks, in order, at
// $NASSTUDIO_RESOURCES, <exe>/../share/nasstudio (install), and the source tree's resources/.
std::string resourceDir();
// A resource file by relative path; throws Error(NotFound) naming the places searched.
std::string resourcePath(const std::string& relative);
// Plugin folders, in load order: $NASSTUDIO_PLUGIN_PATH (colon-separated), the build or
// install folder next to the executable, and userDataDir()/plugins, each once. The loader
// skips relative and world-writable ones (plugin/PluginLoader.h).
std::vector<std::string> pluginDirs();
// Absolute path of the running executable's folder.
std::string executableDir();

}  // namespace nas
