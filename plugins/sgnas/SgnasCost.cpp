// The SGNAS cost model: the per-layer table, exact costs, and the differentiable table.
#include "SgnasCost.h"

#include <torch/torch.h>

#include "common/Error.h"

namespace nas::sgnas {
namespace {

double convMacs(int cin, int cout, int k, int groups, int outSize) {
  return static_cast<double>(cout) * (cin / groups) * k * k * outSize * outSize;
}
std::int64_t convParams(int cin, int cout, int k, int groups) {
  return static_cast<std::int64_t>(cout) * (cin / groups) * k * k;
}
std::int64_t bnParams(int c) { return 2 * static_cast<std::int64_t>(c); }

// Sum over layers of per-layer tensors: flops or params per (layer, kernel), pw per layer.
torch::Tensor lut(const CostTable& t, const torch::Tensor& p, bool flops, bool cutoff) {
  const auto L = static_cast<std::int64_t>(t.layers.size());
  TORCH_CHECK(p.dim() == 3 || p.dim() == 4, "lut: p must be [L,G,4] or [N,L,G,4]");
  const torch::Tensor q = p.dim() == 3 ? p.unsqueeze(0) : p;
  if (q.size(1) != L || q.size(2) != t.groups || q.size(3) != kNumChoices)
    throw Error(ErrorCode::InvalidArgument, "probabilities do not match the space's [layers, groups, 4]", "sgnas cost");
  std::vector<double> dw, pw;
  for (const auto& l : t.layers) {
    for (int k = 0; k < kNumKernels; ++k) dw.push_back(flops ? l.dwFlops[k] : static_cast<double>(l.dwParams[k]));
    pw.push_back(flops ? l.pw1Flops + l.pw2Flops : static_cast<double>(l.pw1Params + l.pw2Params));
  }
  auto opts = torch::TensorOptions().dtype(q.scalar_type()).device(q.device());
  // The table is built in double and cast to p's dtype: float32 during generator training
  // (relative error ~1e-7, far below any tolerance), double where the tests check exactness.
  const torch::Tensor dwT = torch::tensor(dw, torch::kDouble).to(opts).view({1, L, 1, kNumKernels});
  const torch::Tensor pwT = torch::tensor(pw, torch::kDouble).to(opts).view({1, L});
  const torch::Tensor kp = q.narrow(3, 0, kNumKernels);
  const torch::Tensor kept = cutoff ? kp * (kp > kProbabilityCutoff).to(kp.scalar_type()) : kp;
  const torch::Tensor dwSum = (kept * dwT).sum({1, 2, 3});
  const torch::Tensor active = 1.0 - q.select(3, kNumKernels).mean(2);  // 1 - s_l, [N, L]
  const torch::Tensor out = dwSum + (active * pwT).sum(1) + (flops ? t.baseFlops : static_cast<double>(t.baseParams));
  return p.dim() == 3 ? out.squeeze(0) : out;
}

}  // namespace

CostTable buildCostTable(const SgnasSpace& space) {
  space.validate();
  CostTable t;
  t.groups = space.groups;
  const int s0 = space.stemOutSize();
  t.baseFlops += convMacs(space.inputChannels, space.stemChannels, 3, 1, s0);
  t.baseParams += convParams(space.inputChannels, space.stemChannels, 3, 1) + bnParams(space.stemChannels);
  if (space.firstBlockChannels > 0) {  // depthwise 3x3 + BN, project + BN
    t.baseFlops += convMacs(space.stemChannels, space.stemChannels, 3, space.stemChannels, s0) +
                   convMacs(space.stemChannels, space.firstBlockChannels, 1, 1, s0);
    t.baseParams += convParams(space.stemChannels, space.stemChannels, 3, space.stemChannels) +
                    bnParams(space.stemChannels) + convParams(space.stemChannels, space.firstBlockChannels, 1, 1) +
                    bnParams(space.firstBlockChannels);
  }
  for (int l = 0; l < space.numLayers(); ++l) {
    const int cin = space.layerInChannels(l), cout = space.layers[static_cast<size_t>(l)].channels;
    const int hidden = space.groups * cin, sin = space.layerInSize(l), sout = space.layerOutSize(l);
    LayerCostTable lt;
    lt.pw1Flops = convMacs(cin, hidden, 1, 1, sin);
    lt.pw1Params = convParams(cin, hidden, 1, 1) + bnParams(hidden);
    lt.pw2Flops = convMacs(hidden, cout, 1, 1, sout);
    lt.pw2Params = convParams(hidden, cout, 1, 1);
    for (int k = 0; k < kNumKernels; ++k) {
      lt.dwFlops[k] = convMacs(cin, cin, kKernelSizes[k], cin, sout);
      lt.dwParams[k] = convParams(cin, cin, kKernelSizes[k], cin) + bnParams(cin);
    }
    t.baseParams += bnParams(cout);  // exactly one switchable BN runs per path
    t.layers.push_back(lt);
  }
  const int last = space.layers.back().channels, sl = space.layerOutSize(space.numLayers() - 1);
  t.baseFlops += convMacs(last, space.headChannels, 1, 1, sl) + static_cast<double>(space.headChannels) * space.classes;
  t.baseParams += convParams(last, space.headChannels, 1, 1) + bnParams(space.headChannels) +
                  static_cast<std::int64_t>(space.headChannels) * space.classes + space.classes;
  return t;
}

Cost exactCost(const CostTable& t, const SgnasArch& arch) {
  if (arch.choices.size() != t.layers.size())
    throw Error(ErrorCode::InvalidArgument, "architecture and cost table have different layer counts", "sgnas cost");
  Cost c{t.baseFlops, t.baseParams};
  for (size_t l = 0; l < t.layers.size(); ++l) {
    const auto& lt = t.layers[l];
    int e = 0;
    for (Choice ch : arch.choices[l]) {
      if (ch == Choice::Skip) continue;
      ++e;
      c.flops += lt.dwFlops[static_cast<int>(ch)];
      c.params += lt.dwParams[static_cast<int>(ch)];
    }
    // pw1/pw2 scale with e/G exactly: their widths are multiples of G.
    c.flops += (lt.pw1Flops + lt.pw2Flops) * e / t.groups;
    c.params += (lt.pw1Params + lt.pw2Params) * e / t.groups;
  }
  if (t.latency) c.latencyMs = exactLatency(*t.latency, arch);
  return c;
}

CostRange costRange(const SgnasSpace& space) {
  const CostTable t = buildCostTable(space);
  return {exactCost(t, minimalArch(space)), exactCost(t, maximalArch(space))};
}

torch::Tensor lutFlops(const CostTable& table, const torch::Tensor& p, bool cutoff) { return lut(table, p, true, cutoff); }
torch::Tensor lutParams(const CostTable& table, const torch::Tensor& p, bool cutoff) {
  return lut(table, p, false, cutoff);
}

torch::Tensor lutCost(const CostTable& table, const torch::Tensor& p, const std::string& name, bool cutoff) {
  if (name == "flops") return lutFlops(table, p, cutoff);
  if (name == "params") return lutParams(table, p, cutoff);
  if (name == "latency") {
    if (!table.latency)
      throw Error(ErrorCode::InvalidArgument, "no latency table: name a device profile (latency_profile)", "sgnas cost");
    return lutLatency(*table.latency, p);
  }
  throw Error(ErrorCode::InvalidArgument, "unknown cost '" + name + "' (flops, params, latency)", "sgnas cost");
}

}  // namespace nas::sgnas
