#include "common/Paths.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "common/BuildInfo.h"
#include "common/Error.h"

namespace fs = std::filesystem;

namespace nas {

namespace {
std::string envOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::string(v) : fallback;
}
}  // namespace

std::string executableDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return fs::current_path().string();
  return exe.parent_path().string();
}

std::string userDataDir() {
  std::string home = envOr("HOME", "/tmp");
  fs::path dir = fs::path(envOr("XDG_DATA_HOME", home + "/.local/share")) / "nasstudio";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorCode::IoError, "cannot create data folder: " + ec.message(), dir.string());
  return dir.string();
}

std::string defaultWorkspacePath() { return (fs::path(userDataDir()) / "default.nasdb").string(); }

std::string resourceDir() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("NASSTUDIO_RESOURCES"); env && *env) candidates.emplace_back(env);
  fs::path exeDir = executableDir();
  candidates.push_back(exeDir / ".." / "share" / "nasstudio");
  candidates.push_back(fs::path(kSourceDir) / "resources");
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_directory(c / "data", ec)) return fs::weakly_canonical(c).string();
  }
  std::ostringstream where;
  for (const auto& c : candidates) where << " " << c.string();
  throw Error(ErrorCode::NotFound, "no resource folder found; looked in" + where.str(), "resources");
}

std::string resourcePath(const std::string& relative) {
  fs::path p = fs::path(resourceDir()) / relative;
  if (!fs::exists(p)) throw Error(ErrorCode::NotFound, "missing resource file", p.string());
  return p.string();
}

std::vector<std::string> pluginDirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("NASSTUDIO_PLUGIN_PATH"); env && *env) {
    std::stringstream ss(env);
    std::string item;
    while (std::getline(ss, item, ':'))
      if (!item.empty()) dirs.push_back(item);
  }
  fs::path exeDir = executableDir();
  std::vector<std::string> more{
      (exeDir / ".." / "lib" / "nasstudio" / "plugins").lexically_normal().string(),
      (exeDir / ".." / kLibDirName / "nasstudio" / "plugins").lexically_normal().string(),
      (fs::path(envOr("XDG_DATA_HOME", envOr("HOME", "/tmp") + "/.local/share")) / "nasstudio" / "plugins").string()};
  for (auto& d : more)  // lib and the install's libdir are often the same folder
    if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(std::move(d));
  return dirs;
}

}  // namespace nas
