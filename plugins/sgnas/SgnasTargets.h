#pragma once
// Constraints, targets and the hardware-constraint loss of SGNAS (methods.md §1(b)3,5).
// A constraint is a cost the generator can be asked to hit ("flops" in MACs, "params");
// its reachable range [min, max] is measured from the space (the minimal and maximal
// architectures), and targets are normalised to t = (T - min) / (max - min) before they
// reach the generator or the loss, so one alpha works for any space and unit.
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "SgnasCost.h"
#include "SgnasSpace.h"
#include "common/Json.h"

namespace nas::sgnas {

struct Constraint {
  std::string name;  // "flops" or "params"
  double min = 0, max = 0;
  double normalize(double v) const { return (v - min) / (max - min); }
  double denormalize(double t) const { return min + t * (max - min); }
};

// "flops" or "flops+params" (or "params") -> constraints with ranges measured from the space.
std::vector<Constraint> makeConstraints(const SgnasSpace& space, const std::string& names);
// The same with "latency" (ms, from table.latency: its exact reachable range) allowed, e.g.
// "latency", "flops+latency"; "latency" without a latency table throws InvalidArgument.
std::vector<Constraint> makeConstraints(const SgnasSpace& space, const CostTable& table, const std::string& names);
double costValue(const Cost& c, const std::string& name);  // throws on an unknown name

// One request: a target per constraint, or none ("don't care").
using Targets = std::vector<std::optional<double>>;  // raw units, in constraint order
// Reads {"flops": N, "params": N}; unknown keys, non-numbers and an empty request throw
// Error(InvalidArgument) naming the key.
Targets targetsFromJson(const std::vector<Constraint>& cs, const Json& j);
// The generator's condition row: (t_c, 1) for a given target, (0, 0) for don't care.
std::vector<float> conditionRow(const std::vector<Constraint>& cs, const Targets& t);

// The paper's asymmetric penalty (methods.md §1(b)5, `cal_hc_loss`): alpha d^2 lambda when the
// cost is over its target by more than the tolerance, alpha d^2 when under, 0 inside, with
//   relative (default): d = (F - T) / T            (error as a fraction of the target)
//   range:              d = (F - T) / (max - min)  (error as a fraction of the reachable range)
// Why relative: the paper writes d in MFLOPs, alpha = 3e-4, on a [270, 450] M range (max/min
// 1.67), where absolute and relative errors weigh nearly alike across the range. The
// Fashion-MNIST space spans 0.82..4.73 M MACs (max/min 5.8): with the range-normalised d, one
// percent of error at the lowest evaluation target (0.91 M) cost (4.63/0.91)^2 ~ 26x less than
// at the highest (4.63 M), so the cross-entropy term (the smallest architectures lose the most
// accuracy) pulled low targets 10-25 % over budget while the high end met 5 %. With d relative
// to T every target pays the same per percent, which is also how success is measured ("within
// 5 % of the target"). alpha = 40 is the paper's 3e-4/MFLOPs^2 at its mid target 360 M in
// relative units (3e-4 * 360^2 = 38.9); the tolerance is a fraction of T (paper: 0.1/360).
struct HcLossOptions {
  bool relative = true;
  double alpha = 40.0;  // range mode: the paper's 3e-4 x 180^2 ~= 9.7; 30 was used before
  double penalty = 1.2;
  double tolerance = 0.002;  // fraction of the target (relative) or of the range
  double scale(double target, const Constraint& c) const;  // the denominator of d
};
torch::Tensor hcLoss(const torch::Tensor& cost, double target, const Constraint& c, const HcLossOptions& o);
double hcLossValue(double cost, double target, const Constraint& c, const HcLossOptions& o);

// The prior pool (methods.md §1(b)3): architectures whose FLOPs lie near evenly spaced keys
// across the reachable range; a request takes the prior nearest its FLOPs target (or its
// params target when FLOPs is "don't care").
struct PriorEntry {
  SgnasArch arch;
  Cost cost;
};
struct PriorPool {
  std::vector<PriorEntry> entries;
  const PriorEntry& nearest(const std::vector<Constraint>& cs, const Targets& t) const;
  Json toJson(const SgnasSpace& space) const;
  static PriorPool fromJson(const SgnasSpace& space, const Json& j);
  // With the costs from `table` (its latency too, when it has a latency table).
  static PriorPool fromJson(const SgnasSpace& space, const CostTable& table, const Json& j);
};
// `size` keys at min + (i+1)(max-min)/(size+1); each a random architecture within 1 % of the
// range of its key (the paper's +-1 MFLOPs), drawn with `seed`.
PriorPool buildPriorPool(const SgnasSpace& space, const CostTable& table, int size, std::uint64_t seed);

}  // namespace nas::sgnas
