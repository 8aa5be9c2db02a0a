// SgnasLiveGenerator: load once, one forward pass per request (or per sweep).
#include "SgnasLiveGenerator.h"

#include <torch/torch.h>

#include "SgnasMethod.h"
#include "SgnasSampling.h"
#include "common/Error.h"
#include "searchspace/GraphFormJson.h"
#include "store/Workspace.h"

namespace nas::sgnas {

namespace {

// Display names of the known constraints; a constraint added later shows under its own name
// until it gets one here, so the panel never needs to know the list.
std::pair<std::string, std::string> labelAndUnit(const std::string& name) {
  if (name == "flops") return {"FLOPs", "MACs"};
  if (name == "params") return {"Parameters", "params"};
  if (name == "latency") return {"Latency", "ms"};
  return {name, ""};
}

// What the job's spec says about its data, with the method's defaults filled in.
EstimatorSource estimatorSource(Workspace& ws, JobId job, const SgnasSpace& space, std::string supernet) {
  EstimatorSource s;
  s.space = space;
  s.supernetBytes = std::move(supernet);
  const Json spec = parseJson(ws.job(job).specJson, "job " + std::to_string(job) + " spec");
  const Json params = SgnasMethod().schema().resolve(spec.is_object() && spec.contains("params") ? spec.at("params") : Json::object());
  s.dataset = params.at("dataset").get<std::string>();
  s.dataDir = params.at("data_dir").get<std::string>();
  s.seed = params.at("seed").get<std::uint64_t>();
  return s;
}

}  // namespace

std::unique_ptr<SgnasLiveGenerator> SgnasLiveGenerator::open(Workspace& ws, JobId job) {
  const auto bytes = ws.artifact(job, "generator", "best");
  if (!bytes)
    throw Error(ErrorCode::NotFound, "has no trained generator (artifact generator/best); did its generator phase finish?",
                "job " + std::to_string(job));
  std::map<std::string, double> known;
  for (const auto& e : ws.evaluationsOfJob(job))
    if (e.metric == "supernet_val_accuracy") known[ws.architecture(e.archId).canonical] = e.value;
  LoadedGenerator loaded = loadGeneratorArtifact(*bytes);
  std::unique_ptr<SgnasSupernetEstimator> estimator;
  if (auto supernet = ws.artifact(job, "supernet", "supernet"))
    estimator = std::make_unique<SgnasSupernetEstimator>(estimatorSource(ws, job, loaded.setup.space, std::move(*supernet)));
  return std::make_unique<SgnasLiveGenerator>(std::move(loaded), std::move(known), std::move(estimator));
}

SgnasLiveGenerator::SgnasLiveGenerator(LoadedGenerator loaded, std::map<std::string, double> knownAccuracy,
                                       std::unique_ptr<SgnasSupernetEstimator> estimator)
    : g_(std::move(loaded)), known_(std::move(knownAccuracy)), estimator_(std::move(estimator)) {
  g_.generator->eval();
}

std::vector<ControlSpec> SgnasLiveGenerator::controls() const {
  std::vector<ControlSpec> out;
  for (const auto& c : g_.setup.constraints) {
    const auto [label, unit] = labelAndUnit(c.name);
    out.push_back({c.name, label, unit, c.min, c.max, 0.5 * (c.min + c.max)});
  }
  return out;
}

Json SgnasLiveGenerator::describe(const Generated& g, bool withGraph) const {
  const std::string canonical = archToString(g_.setup.space, g.arch);
  Json out{{"arch", canonical},
           {"space", "sgnas"},
           {"flops", g.cost.flops},
           {"params", g.cost.params},
           {"layers", archToJson(g_.setup.space, g.arch).at("layers")}};
  // Every constraint's achieved cost under the constraint's own name, so a panel can set
  // target against achieved for any control without knowing it.
  for (const auto& c : g_.setup.constraints) out[c.name] = costValue(g.cost, c.name);
  if (withGraph) out["graph"] = graphFormToJson(archGraph(g_.setup.space, g.arch));
  if (auto it = known_.find(canonical); it != known_.end()) out["estimated_accuracy"] = it->second;
  return out;
}

Json SgnasLiveGenerator::generate(const Json& targets) {
  const Targets t = targetsFromJson(g_.setup.constraints, targets);
  Json out = describe(generateArch(g_.generator, g_.setup, t), true);
  out["targets"] = targets;
  return out;
}

Json SgnasLiveGenerator::sweep(const std::string& control, int points, const Json& fixed) {
  const auto& cs = g_.setup.constraints;
  size_t k = 0;
  while (k < cs.size() && cs[k].name != control) ++k;
  if (k == cs.size()) throw Error(ErrorCode::InvalidArgument, "no such control", "sweep '" + control + "'");
  if (points < 1 || points > 1000) throw Error(ErrorCode::InvalidArgument, "points must be 1..1000", "sweep");
  Json base = fixed.is_object() ? fixed : Json::object();
  base.erase(control);
  std::vector<Targets> requests;
  std::vector<double> values;
  for (int i = 0; i < points; ++i) {
    Json t = base;
    values.push_back(cs[k].denormalize((i + 0.5) / points));
    t[control] = values.back();
    requests.push_back(targetsFromJson(cs, t));
  }
  // One batched forward: priors and condition rows stacked. With one point the row goes in
  // twice (see generateArch: a batch of one takes a much slower convolution path).
  const size_t rows = std::max<size_t>(requests.size(), 2);
  std::vector<float> prior, cond;
  for (size_t i = 0; i < rows; ++i) {
    const Targets& t = requests[std::min(i, requests.size() - 1)];
    const auto p = archOneHot(g_.setup.pool.nearest(cs, t).arch);
    const auto c = conditionRow(cs, t);
    prior.insert(prior.end(), p.begin(), p.end());
    cond.insert(cond.end(), c.begin(), c.end());
  }
  const auto n = static_cast<std::int64_t>(rows);
  torch::Tensor logits;
  {
    torch::NoGradGuard ng;
    logits = g_.generator->forward(
        torch::tensor(prior).view({n, g_.setup.config.layers, g_.setup.config.groups * kNumChoices}),
        torch::tensor(cond).view({n, -1}));
  }
  Json out = Json::array();
  for (size_t i = 0; i < requests.size(); ++i) {
    const Generated g = decodeForTargets(logits[static_cast<std::int64_t>(i)], g_.setup, requests[i]);
    Json row = describe(g, false);
    row["target"] = values[i];
    out.push_back(std::move(row));
  }
  return out;
}

std::optional<Json> SgnasLiveGenerator::estimate(const std::string& arch) {
  if (!estimator_) throw Error(ErrorCode::NotFound, "the job has no trained supernet to estimate with", "sgnas estimate");
  return estimator_->estimate(arch);
}

}  // namespace nas::sgnas
