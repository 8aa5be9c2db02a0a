// Pins as workspace rows: architecture + evaluations + a "pinned" sample, one transaction.
#include "engine/PinnedArchitectures.h"

#include "common/Error.h"
#include "store/Workspace.h"

namespace nas {

namespace {
constexpr const char* kPinnedKind = "pinned";

bool isPin(const SampleRecord& s, Json* payload) {
  if (!s.archId) return false;
  try {
    Json p = Json::parse(s.payloadJson);
    if (!p.is_object() || p.value("kind", "") != kPinnedKind) return false;
    if (payload) *payload = std::move(p);
    return true;
  } catch (const std::exception&) {
    return false;  // another method's payload that is not JSON: not ours
  }
}
}  // namespace

ArchId pinArchitecture(Workspace& ws, JobId job, const Json& generated, const std::optional<Json>& estimate,
                       const std::string& fallbackSpace) {
  const char* ctx = "pin";
  if (!generated.is_object() || !generated.contains("arch") || !generated.at("arch").is_string() ||
      !generated.contains("flops") || !generated.contains("params"))
    throw Error(ErrorCode::InvalidArgument, "needs a generated architecture with arch, flops and params", ctx);
  const std::string canonical = generated.at("arch").get<std::string>();
  const std::string space = generated.value("space", fallbackSpace);
  const double flops = generated.at("flops").get<double>();
  const auto params = static_cast<std::int64_t>(generated.at("params").get<double>());
  const std::string dataset = estimate ? estimate->value("dataset", "") : std::string();
  ArchId id = 0;
  ws.transaction([&] {
    id = ws.upsertArchitecture(space, canonical, flops, params);
    int pins = 0;
    for (const SampleRecord& s : ws.samples(job)) {
      if (!isPin(s, nullptr)) continue;
      if (*s.archId == id) return;  // pinned before: keep the first pin
      ++pins;
    }
    std::vector<EvaluationRecord> evals;
    auto add = [&](const std::string& metric, double value) {
      evals.push_back(EvaluationRecord::of(id, job, "supernet", dataset, metric, value));
    };
    std::optional<double> accuracy;
    if (estimate && estimate->contains("accuracy") && estimate->at("accuracy").is_number())
      accuracy = estimate->at("accuracy").get<double>();
    if (accuracy) add("supernet_estimated_accuracy", *accuracy);
    const Json targets = generated.value("targets", Json::object());
    for (const auto& [name, value] : targets.items())
      if (value.is_number()) add("target_" + name, value.get<double>());
    Json kept = generated;
    kept.erase("graph");  // drawable again from "layers"; the graph is the largest part
    Json payload{{"kind", kPinnedKind}, {"pinned_by", "user"}, {"targets", targets}, {"generated", kept}};
    if (accuracy) payload["accuracy"] = *accuracy;
    if (estimate) payload["estimate"] = *estimate;
    ws.addEvaluations(evals);
    ws.addSamples({SampleRecord::of(job, pins, id, payload.dump())});
  });
  return id;
}

std::vector<PinnedArchitecture> pinnedArchitectures(const Workspace& ws, JobId job) {
  std::vector<PinnedArchitecture> out;
  for (const SampleRecord& s : ws.samples(job)) {
    Json payload;
    if (!isPin(s, &payload)) continue;
    const ArchitectureRecord a = ws.architecture(*s.archId);
    PinnedArchitecture p;
    p.arch = a.id;
    p.canonical = a.canonical;
    p.flops = a.flops;
    p.params = a.params;
    p.generated = payload.value("generated", Json::object());
    p.targets = payload.value("targets", Json::object());
    if (payload.contains("accuracy") && payload.at("accuracy").is_number()) p.accuracy = payload.at("accuracy").get<double>();
    p.sampleId = s.id;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace nas
