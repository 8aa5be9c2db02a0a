#include "export/Exporter.h"

#include <algorithm>
#include <set>

#include "common/Error.h"
#include "export/Nb201Exporter.h"
#include "plugin/NamedRegistry.h"
#include "plugin/PluginApi.h"
#include "store/Workspace.h"

namespace nas {
ExporterRegistry::ExporterRegistry() : exporters_(std::make_unique<NamedRegistry<NetworkExporter>>("exporter")) {
  add(makeNb201Exporter());
}
ExporterRegistry::~ExporterRegistry() = default;
ExporterRegistry::ExporterRegistry(ExporterRegistry&&) noexcept = default;
ExporterRegistry& ExporterRegistry::operator=(ExporterRegistry&&) noexcept = default;

void ExporterRegistry::add(std::unique_ptr<NetworkExporter> exporter) {
  if (!exporter) throw Error(ErrorCode::PluginError, "null exporter registered");
  const std::string name = exporter->name();
  exporters_->add(name, std::move(exporter));
}

bool ExporterRegistry::remove(const std::string& name) { return exporters_->remove(name); }

bool ExporterRegistry::contains(const std::string& name) const { return exporters_->contains(name); }

const NetworkExporter& ExporterRegistry::forSpace(const std::string& space) const {
  std::string known;
  for (const auto& name : exporters_->namesInOrder()) {
    const NetworkExporter& e = exporters_->get(name);
    if (e.handles(space)) return e;
    known += (known.empty() ? "" : ", ") + name;
  }
  throw Error(ErrorCode::NotFound, "no exporter for search space '" + space + "' (exporters: " + known +
                                       "; a plugin may be missing)");
}

std::vector<std::string> ExporterRegistry::names() const { return exporters_->namesInOrder(); }

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
  if (!registries_.exporters)
    throw Error(ErrorCode::PluginError, "this host takes no exporters", "plugin '" + name_ + "'");
  if (!exporter) throw Error(ErrorCode::PluginError, "null exporter registered", "plugin '" + name_ + "'");
  const std::string name = exporter->name();
  ExporterRegistry& exporters = *registries_.exporters;
  if (exporters.contains(name))
    throw Error(ErrorCode::PluginError, "an exporter with this name is already registered", "exporter '" + name + "'");
  auto held = std::make_shared<std::unique_ptr<NetworkExporter>>(std::move(exporter));
  stage(
      "exporter:" + name, [&exporters, held] { exporters.add(std::move(*held)); },
      [&exporters, name] { exporters.remove(name); });
}

}  // namespace nas
