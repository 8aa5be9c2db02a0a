#include "export/Exporter.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <typeinfo>

#include "common/Error.h"
#include "export/Nb201Exporter.h"
#include "plugin/PluginApi.h"
#include "store/Workspace.h"

namespace nas {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<const NetworkExporter>> exporters;
  Registry() { exporters.push_back(makeNb201Exporter()); }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void registerExporter(std::shared_ptr<const NetworkExporter> exporter) {
  if (!exporter) throw Error(ErrorCode::PluginError, "null exporter registered");
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto& e : r.exporters)
    if (e->name() == exporter->name())
      throw Error(ErrorCode::PluginError, "exporter '" + exporter->name() + "' is already registered");
  r.exporters.push_back(std::move(exporter));
}

std::shared_ptr<const NetworkExporter> exporterFor(const std::string& space) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::string known;
  for (const auto& e : r.exporters) {
    if (e->handles(space)) return e;
    known += (known.empty() ? "" : ", ") + e->name();
  }
  throw Error(ErrorCode::NotFound, "no exporter for search space '" + space + "' (exporters: " + known +
                                       "; a plugin may be missing)");
}

std::vector<std::string> exporterNames() {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& e : r.exporters) out.push_back(e->name());
  return out;
}

std::vector<JobRecord> jobsOfArchitecture(const Workspace& ws, ArchId arch) {
  std::set<JobId> ids;
  for (const auto& e : ws.evaluations(arch))
    if (e.jobId) ids.insert(*e.jobId);
  std::vector<JobRecord> out;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    try {
      out.push_back(ws.job(*it));
    } catch (const Error&) {
      // the job was deleted; its evaluations remain
    }
  }
  return out;
}

void PluginHost::addExporter(std::unique_ptr<NetworkExporter> exporter) {
  if (!exporter) throw Error(ErrorCode::PluginError, "null exporter registered", "plugin '" + pluginName() + "'");
  const std::string name = exporter->name();
  {
    // Plugins register per Engine, but exporters live process-wide: a second Engine in the same
    // process (one per window) loads the same module again, whose exporter is already here.
    // That is no conflict; another class under the same name is.
    auto& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (const auto& e : r.exporters)
      if (e->name() == name) {
        const NetworkExporter& existing = *e;
        const NetworkExporter& added = *exporter;
        if (typeid(existing) == typeid(added)) return;
        throw Error(ErrorCode::PluginError, "an exporter with this name is already registered", "exporter '" + name + "'");
      }
  }
  auto held = std::make_shared<std::shared_ptr<const NetworkExporter>>(std::move(exporter));
  stage("exporter:" + name, [held] { registerExporter(std::move(*held)); });
}

}  // namespace nas
