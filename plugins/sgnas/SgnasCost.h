#pragma once
// Cost of SGNAS architectures (methods.md §1(b)2). FLOPs are multiply-accumulates of the
// convolutions and the classifier (BN, activations and the residual add are not counted, as
// BN folds into the convolutions at inference); params are every trainable parameter of
// the single-path network (conv weights, BN affine, classifier), i.e. what the supernet's
// path for that architecture uses.
//
// The lookup table holds, per layer, the 1x1 expansion to all G*C_in hidden channels
// (F^pw1), the 1x1 projection from them (F^pw2) and one depthwise kernel on one group
// (F^dw_k). With p[l,g,c] the choice probabilities and s_l = mean_g p[l,g,skip]:
//   F(p) = F_base + sum_l [ sum_g sum_k [p>0.01] p F^dw_{l,k} + (1 - s_l)(F^pw1_l + F^pw2_l) ]
// For a one-hot p this is exact, because G(1 - s_l) is the expansion ratio and every term
// scales linearly with it. One deviation from the paper's table: it drops F^pw1 at e = 1
// (its retrained e=1 block has no expansion conv), but the supernet always runs the
// expansion, so the path we evaluate and count keeps it.
#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "SgnasLatency.h"
#include "SgnasSpace.h"

namespace nas::sgnas {

struct Cost {
  double flops = 0;        // MACs per image
  std::int64_t params = 0;
  double latencyMs = 0;    // predicted from a device profile; 0 when the table has none
};

struct LayerCostTable {
  double pw1Flops = 0, pw2Flops = 0;          // full G*C_in hidden width
  std::int64_t pw1Params = 0, pw2Params = 0;  // pw1 includes its BN over G*C_in
  double dwFlops[kNumKernels] = {};           // one group (C_in channels)
  std::int64_t dwParams[kNumKernels] = {};    // one group, with its BN
};

struct CostTable {
  int groups = 1;
  double baseFlops = 0;  // stem, fixed first block, head, classifier
  std::int64_t baseParams = 0;  // those plus each layer's one switchable BN
  std::vector<LayerCostTable> layers;
  // Latency from a device profile's lookup table (issue 6), when a job names one.
  std::optional<LatencyCostTable> latency;
};

CostTable buildCostTable(const SgnasSpace& space);
// Exact cost of a discrete architecture (throws when it does not fit the table).
Cost exactCost(const CostTable& table, const SgnasArch& arch);

// The reachable range of the space: the minimal and maximal architectures are the extremes
// of both FLOPs and params, since every choice adds a non-negative amount.
struct CostRange {
  Cost min, max;
};
CostRange costRange(const SgnasSpace& space);

// The differentiable table. p: float [L, G, 4] or [N, L, G, 4] (probabilities per group,
// skip last); returns [] or [N]. Gradients flow to p except through the 0.01 cut-off.
// cutoff=false counts every choice (for straight-through one-hot p, whose forward values are
// exact 0/1 but whose gradient must reach every choice).
torch::Tensor lutFlops(const CostTable& table, const torch::Tensor& p, bool cutoff = true);
torch::Tensor lutParams(const CostTable& table, const torch::Tensor& p, bool cutoff = true);
// By constraint name: "flops", "params" or "latency" (lutLatency, exact for one-hot p; the
// cut-off does not apply to it). "latency" without a latency table throws InvalidArgument.
torch::Tensor lutCost(const CostTable& table, const torch::Tensor& p, const std::string& name, bool cutoff = true);

// Probability threshold below which a choice is neither run by the mixed supernet forward
// nor counted by the table (the paper's cut-off).
inline constexpr double kProbabilityCutoff = 0.01;
inline constexpr float kProbabilityCutoffF = 0.01f;

}  // namespace nas::sgnas
