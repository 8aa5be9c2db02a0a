#include "jobs/Method.h"

#include <algorithm>

#include "common/Error.h"
#include "jobs/WorkspaceSink.h"
#include "store/Workspace.h"

namespace nas {

namespace {
constexpr const char* kCheckpointKind = "checkpoint";
constexpr const char* kCheckpointName = "latest";
}  // namespace

JobContext::JobContext(Workspace& ws, JobId id, Json params, ProgressSink& sink, CancelToken cancel)
    : ws_(ws), id_(id), params_(std::move(params)), sink_(sink), cancel_(std::move(cancel)) {}

void JobContext::saveCheckpoint(const std::string& bytes) {
  // The metric points and log lines the job's sink still buffers were reported before this
  // state: they are committed together with it, else a kill before the sink's next flush
  // would lose them for good (a run resumed from here does not compute them again).
  ws_.transaction([&] {
    if (auto* buffered = dynamic_cast<WorkspaceSink*>(&sink_)) buffered->flush();
    ws_.putArtifact(id_, kCheckpointKind, kCheckpointName, bytes);
  });
}

std::optional<std::string> JobContext::loadCheckpoint() const { return ws_.artifact(id_, kCheckpointKind, kCheckpointName); }

Json LiveGenerator::sweep(const std::string& control, int points, const Json& fixed) {
  const auto specs = controls();
  const auto it = std::find_if(specs.begin(), specs.end(), [&](const ControlSpec& c) { return c.name == control; });
  if (it == specs.end()) throw Error(ErrorCode::InvalidArgument, "no such control", "sweep '" + control + "'");
  if (points < 1) throw Error(ErrorCode::InvalidArgument, "needs at least one point", "sweep '" + control + "'");
  Json out = Json::array();
  for (int i = 0; i < points; ++i) {
    Json targets = fixed.is_object() ? fixed : Json::object();
    const double t = it->min + (i + 0.5) / points * (it->max - it->min);
    targets[control] = t;
    Json g = generate(targets);
    g["target"] = t;
    out.push_back(std::move(g));
  }
  return out;
}

void MethodRegistry::add(std::unique_ptr<Method> method) {
  if (!method) throw Error(ErrorCode::PluginError, "null method registered");
  const std::string name = method->name();
  NamedRegistry<Method>::add(name, std::move(method));
}

}  // namespace nas
