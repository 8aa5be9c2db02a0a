#pragma once
// The NAS-Bench-201 latency space ("nb201"): the benchmark's macro network (stem, three
// stages of N cells at C/2C/4C and H/H2/H4, residual reduction blocks, head). Entries:
//   fixed            the network without its cells (stem, reductions, head), end to end
//   s<k>/<op>        one edge op of stage k on [B, C_k, H_k, W_k] (conv 1x1, conv 3x3,
//                    avg pool, skip); `none` costs nothing
//   s<k>/add         adding two node inputs (a node with n inputs does n-1 adds)
//   s<k>/zeros       the zero tensor of a node without inputs
// An architecture is fixed + per stage N x (its cell's ops, adds and zeros). No torch here.
#include <memory>

#include "jobs/LatencySpace.h"
#include "searchspace/Nb201Cell.h"

namespace nas {

std::unique_ptr<LatencySpace> makeNb201LatencySpace(const Nb201MacroConfig& macro = {}, std::string name = "nb201");
// Registers "nb201" (3x32x32, C=16, N=5, 10 classes).
void registerBuiltinLatencySpaces(LatencySpaceRegistry& registry);

}  // namespace nas
