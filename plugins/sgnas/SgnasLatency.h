#pragma once
// SGNAS latency (issue 6): the latency space the plugin registers, one per space preset
// ("sgnas" = the method's default preset fashion-mnist, "sgnas:<preset>" for the others),
// and the latency part of the cost model built from a device profile's table.
//
// A layer's latency depends on how many groups are active (expansion e) and on how many
// groups use each kernel, since a deployed single-path layer runs the 1x1 expansion to e*C_in
// channels, one depthwise conv per kernel size over the n_k*C_in channels of its groups (one
// contiguous slice per kernel: group order does not change the network), a concatenation when
// there are two or more kernel sizes, and the 1x1 projection (+ residual). Table entries:
//   stem              stem conv (+ the fixed first block)                    [B, Cin, S, S]
//   head              head 1x1 conv, GAP and classifier
//   L<l>/pw1/e<e>     expansion to e*C_in, BN, ReLU6                          e = 1..G
//   L<l>/dw<k>/n<n>   depthwise k over n*C_in channels, BN, ReLU6             k = 3,5,7; n = 1..G
//   L<l>/cat/e<e>     joining the kernel slices (two or more kernels)         e = 2..G
//   L<l>/pw2/e<e>     projection from e*C_in, BN (+ the residual add)        e = 1..G
// The sum is exact in the entries an architecture uses, so the table's error is only what
// running the parts apart changes (caches, dispatch), which validation measures.
#include <torch/types.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "SgnasSpace.h"
#include "jobs/LatencySpace.h"

namespace nas {
class PluginHost;
class Workspace;
}

namespace nas::sgnas {

// "sgnas" for the default preset (fashion-mnist), "sgnas:<preset>" otherwise.
std::string latencySpaceName(const std::string& preset);
std::unique_ptr<LatencySpace> makeSgnasLatencySpace(const std::string& preset);
void registerSgnasLatencySpaces(PluginHost& host);

// The terms of an architecture (what LatencySpace::entriesOf returns for its string).
std::vector<LatencyTerm> latencyTerms(const SgnasSpace& space, const SgnasArch& arch);

// The table as numbers per layer for the cost model, with the profile's correction folded in
// (scale on every entry, offset on the base): index e-1 or n-1.
struct LayerLatency {
  std::vector<double> pw1, pw2, cat;            // cat[0] (e = 1) is 0
  std::array<std::vector<double>, kNumKernels> dw;
};
struct LatencyCostTable {
  int groups = 1;
  double baseMs = 0;  // stem + head (+ correction offset)
  std::vector<LayerLatency> layers;
};
LatencyCostTable buildLatencyCostTable(const SgnasSpace& space, const LatencyTable& table);
// For the generator artifact: a trained generator keeps the table it was trained with.
Json latencyCostTableToJson(const LatencyCostTable& t);
LatencyCostTable latencyCostTableFromJson(const Json& j);  // throws CorruptData
// The table of device profile `profile` (empty: the workspace's latest one with entries of
// the preset's latency space) for `space`; NotFound saying what to run when there is none.
LatencyCostTable loadLatencyCostTable(const Workspace& ws, const SgnasSpace& space, const std::string& profile);
// Exact predicted latency of a discrete architecture (ms).
double exactLatency(const LatencyCostTable& table, const SgnasArch& arch);
// The reachable range over the space: the minimal architecture (e=1, k3 everywhere) is the
// fastest and the maximal (all groups k7) the slowest when entries grow with size; computed
// per layer exactly by enumerating each layer's (expansion, kernel counts) choices.
struct LatencyRange {
  double minMs = 0, maxMs = 0;
};
LatencyRange latencyRange(const LatencyCostTable& table);
// Differentiable expected latency under independent per-group choice probabilities p
// ([L, G, 4] or [N, L, G, 4], skip last) -> [] or [N]. Exact for one-hot p; gradients reach
// every probability (the distributions of e and n_k are computed by dynamic programming).
torch::Tensor lutLatency(const LatencyCostTable& table, const torch::Tensor& p);

}  // namespace nas::sgnas
