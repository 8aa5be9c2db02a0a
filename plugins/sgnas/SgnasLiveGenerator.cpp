// SgnasLiveGenerator: load once, one forward pass per request.
#include "SgnasLiveGenerator.h"

#include <torch/torch.h>

#include "common/Error.h"
#include "searchspace/GraphFormJson.h"
#include "store/Workspace.h"

namespace nas::sgnas {

std::unique_ptr<SgnasLiveGenerator> SgnasLiveGenerator::open(Workspace& ws, JobId job) {
  const auto bytes = ws.artifact(job, "generator", "best");
  if (!bytes)
    throw Error(ErrorCode::NotFound, "has no trained generator (artifact generator/best); did its generator phase finish?",
                "job " + std::to_string(job));
  std::map<std::string, double> known;
  for (const auto& e : ws.evaluationsOfJob(job))
    if (e.metric == "supernet_val_accuracy") known[ws.architecture(e.archId).canonical] = e.value;
  return std::make_unique<SgnasLiveGenerator>(loadGeneratorArtifact(*bytes), std::move(known));
}

SgnasLiveGenerator::SgnasLiveGenerator(LoadedGenerator loaded, std::map<std::string, double> knownAccuracy)
    : g_(std::move(loaded)), known_(std::move(knownAccuracy)) {
  g_.generator->eval();
}

std::vector<ControlSpec> SgnasLiveGenerator::controls() const {
  std::vector<ControlSpec> out;
  for (const auto& c : g_.setup.constraints) {
    const bool flops = c.name == "flops";
    out.push_back({c.name, flops ? "FLOPs" : "Parameters", flops ? "MACs" : "params", c.min, c.max, 0.5 * (c.min + c.max)});
  }
  return out;
}

Json SgnasLiveGenerator::generate(const Json& targets) {
  const Targets t = targetsFromJson(g_.setup.constraints, targets);
  const Generated g = generateArch(g_.generator, g_.setup, t);
  const std::string canonical = archToString(g_.setup.space, g.arch);
  Json out{{"arch", canonical},
           {"flops", g.cost.flops},
           {"params", g.cost.params},
           {"layers", archToJson(g_.setup.space, g.arch).at("layers")},
           {"graph", graphFormToJson(archGraph(g_.setup.space, g.arch))},
           {"targets", targets}};
  if (auto it = known_.find(canonical); it != known_.end()) out["estimated_accuracy"] = it->second;
  return out;
}

}  // namespace nas::sgnas
