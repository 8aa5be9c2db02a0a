// Constraints, targets, the hc loss and the prior pool.
#include "SgnasTargets.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "SgnasSampling.h"
#include "common/Error.h"

namespace nas::sgnas {

std::vector<Constraint> makeConstraints(const SgnasSpace& space, const std::string& names) {
  return makeConstraints(space, buildCostTable(space), names);
}

std::vector<Constraint> makeConstraints(const SgnasSpace& space, const CostTable& table, const std::string& names) {
  const CostRange r = costRange(space);
  std::vector<Constraint> out;
  std::stringstream ss(names);
  std::string name;
  while (std::getline(ss, name, '+')) {
    if (name != "flops" && name != "params" && name != "latency")
      throw Error(ErrorCode::InvalidArgument, "unknown constraint '" + name + "' (flops, params, latency)", "constraints");
    for (const auto& c : out)
      if (c.name == name) throw Error(ErrorCode::InvalidArgument, "constraint '" + name + "' twice", "constraints");
    if (name == "latency") {
      if (!table.latency)
        throw Error(ErrorCode::InvalidArgument,
                    "constraint 'latency' needs a device profile with this space's lookup table (latency_profile)",
                    "constraints");
      const LatencyRange lr = latencyRange(*table.latency);
      out.push_back({name, lr.minMs, lr.maxMs});
      continue;
    }
    out.push_back({name, costValue(r.min, name), costValue(r.max, name)});
  }
  if (out.empty()) throw Error(ErrorCode::InvalidArgument, "no constraint named", "constraints");
  return out;
}

double costValue(const Cost& c, const std::string& name) {
  if (name == "flops") return c.flops;
  if (name == "params") return static_cast<double>(c.params);
  if (name == "latency") return c.latencyMs;
  throw Error(ErrorCode::InvalidArgument, "unknown constraint '" + name + "'", "sgnas");
}

Targets targetsFromJson(const std::vector<Constraint>& cs, const Json& j) {
  if (!j.is_object()) throw Error(ErrorCode::InvalidArgument, "targets must be an object like {\"flops\": N}", "targets");
  Targets t(cs.size());
  bool any = false;
  for (auto it = j.begin(); it != j.end(); ++it) {
    size_t i = 0;
    while (i < cs.size() && cs[i].name != it.key()) ++i;
    if (i == cs.size()) {
      std::string known;
      for (const auto& c : cs) known += (known.empty() ? "" : ", ") + c.name;
      throw Error(ErrorCode::InvalidArgument, "this generator has no constraint '" + it.key() + "' (it has " + known + ")",
                  "targets");
    }
    if (it->is_null()) continue;  // explicit "don't care"
    if (!it->is_number() || !std::isfinite(it->get<double>()))
      throw Error(ErrorCode::InvalidArgument, "target must be a finite number", "target '" + it.key() + "'");
    t[i] = it->get<double>();
    any = true;
  }
  if (!any) throw Error(ErrorCode::InvalidArgument, "give at least one target", "targets");
  return t;
}

std::vector<float> conditionRow(const std::vector<Constraint>& cs, const Targets& t) {
  std::vector<float> row;
  for (size_t i = 0; i < cs.size(); ++i) {
    row.push_back(t[i] ? static_cast<float>(cs[i].normalize(*t[i])) : 0.f);
    row.push_back(t[i] ? 1.f : 0.f);
  }
  return row;
}

double HcLossOptions::scale(double target, const Constraint& c) const {
  // Relative: |T| floored at 1 % of the range so that a target at or below 0 (a latency or
  // params request out of range) cannot blow the loss up or flip its sign.
  return relative ? std::max(std::abs(target), 0.01 * (c.max - c.min)) : (c.max - c.min);
}

torch::Tensor hcLoss(const torch::Tensor& cost, double target, const Constraint& c, const HcLossOptions& o) {
  const torch::Tensor d = (cost - target) / o.scale(target, c);
  const double dv = d.item<double>();
  const double w = dv > o.tolerance ? o.alpha * o.penalty : dv < -o.tolerance ? o.alpha : 0.0;
  return w * d * d;
}

double hcLossValue(double cost, double target, const Constraint& c, const HcLossOptions& o) {
  const double d = (cost - target) / o.scale(target, c);
  const double w = d > o.tolerance ? o.alpha * o.penalty : d < -o.tolerance ? o.alpha : 0.0;
  return w * d * d;
}

const PriorEntry& PriorPool::nearest(const std::vector<Constraint>& cs, const Targets& t) const {
  if (entries.empty()) throw Error(ErrorCode::Internal, "empty prior pool", "sgnas");
  size_t key = 0;  // the first given constraint decides (FLOPs when given)
  while (key < cs.size() && !t[key]) ++key;
  if (key == cs.size()) return entries[entries.size() / 2];
  size_t best = 0;
  double bestErr = INFINITY;
  for (size_t i = 0; i < entries.size(); ++i) {
    const double err = std::abs(costValue(entries[i].cost, cs[key].name) - *t[key]);
    if (err < bestErr) best = i, bestErr = err;
  }
  return entries[best];
}

Json PriorPool::toJson(const SgnasSpace& space) const {
  Json a = Json::array();
  for (const auto& e : entries) a.push_back(archToString(space, e.arch));
  return a;
}

PriorPool PriorPool::fromJson(const SgnasSpace& space, const Json& j) {
  return fromJson(space, buildCostTable(space), j);
}

PriorPool PriorPool::fromJson(const SgnasSpace& space, const CostTable& t, const Json& j) {
  if (!j.is_array() || j.empty()) throw Error(ErrorCode::ParseError, "expected a non-empty array", "sgnas prior pool");
  PriorPool p;
  for (const auto& s : j) {
    SgnasArch a = parseArch(space, s.get<std::string>());
    p.entries.push_back({a, exactCost(t, a)});
  }
  return p;
}

PriorPool buildPriorPool(const SgnasSpace& space, const CostTable& table, int size, std::uint64_t seed) {
  if (size < 1) throw Error(ErrorCode::InvalidArgument, "must be at least 1", "pool_size");
  const CostRange r = costRange(space);
  const double span = r.max.flops - r.min.flops;
  Rng rng(seed);
  PriorPool pool;
  for (int i = 0; i < size; ++i) {
    const double key = r.min.flops + span * (i + 1) / (size + 1);
    SgnasArch a = randomArchNear(
        space, key, 0.01 * span, [&](const SgnasArch& x) { return exactCost(table, x).flops; }, rng);
    pool.entries.push_back({a, exactCost(table, a)});
  }
  return pool;
}

}  // namespace nas::sgnas
