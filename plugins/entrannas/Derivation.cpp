#include "Derivation.h"

#include <torch/torch.h>

#include <algorithm>

#include "common/Error.h"

namespace nas::entrannas {

Derivation derivationFromName(const std::string& name) {
  if (name == "top2") return Derivation::Top2;
  if (name == "dst") return Derivation::Dst;
  throw Error(ErrorCode::InvalidArgument, "derivation '" + name + "' is not one of top2, dst");
}

const char* derivationName(Derivation d) { return d == Derivation::Top2 ? "top2" : "dst"; }

namespace {

void checkShapes(const CellSpec& spec, const torch::Tensor& alpha, const torch::Tensor& theta, Derivation d) {
  if (alpha.dim() != 2 || alpha.size(0) != spec.numEdges() || alpha.size(1) != spec.numOps())
    throw Error(ErrorCode::InvalidArgument, "architecture weights must be [" + std::to_string(spec.numEdges()) + ", " +
                                                std::to_string(spec.numOps()) + "]");
  if (d == Derivation::Dst && (!theta.defined() || theta.dim() != 1 || theta.size(0) != spec.nodes))
    throw Error(ErrorCode::InvalidArgument, "DST thresholds must be [" + std::to_string(spec.nodes) + "]");
}

}  // namespace

torch::Tensor engineWeights(const CellSpec& spec, const torch::Tensor& alpha, const torch::Tensor& theta,
                            Derivation d) {
  checkShapes(spec, alpha, theta, d);
  if (d == Derivation::Top2) return torch::softmax(alpha, -1);
  using torch::indexing::Slice;
  std::vector<torch::Tensor> blocks;
  for (int j = spec.inputs; j < spec.totalNodes(); ++j) {
    // Edges into a node are contiguous in both spaces' edge orders.
    const std::vector<int> into = spec.edgesInto(j);
    const std::int64_t first = into.front(), n = static_cast<std::int64_t>(into.size());
    const torch::Tensor cand = alpha.index({Slice(first, first + n), Slice(1)});  // [n, K-1], `none` left out
    torch::Tensor a = torch::softmax(cand.flatten(), 0).view_as(cand);
    if (spec.kind == SpaceKind::Nb201) {  // one op per edge: only each edge's strongest candidate may survive
      const torch::Tensor best = a.detach().argmax(1, true);
      a = a * torch::zeros_like(a).scatter_(1, best, 1.0);
    }
    const torch::Tensor t = torch::sigmoid(theta[j - spec.inputs]) * a.max();
    const torch::Tensor r = torch::relu(a - t);
    const torch::Tensor w = r / r.sum();
    blocks.push_back(torch::cat({torch::zeros({n, 1}, w.options()), w}, 1));
  }
  return torch::cat(blocks, 0);
}

ActiveOps nonZeroOps(const CellSpec& spec, const torch::Tensor& weights) {
  const torch::Tensor w = weights.detach().to(torch::kCPU, torch::kFloat).contiguous();
  const auto acc = w.accessor<float, 2>();
  ActiveOps out;
  for (int e = 0; e < spec.numEdges(); ++e)
    for (int k = 1; k < spec.numOps(); ++k)
      if (acc[e][k] != 0.0f) out.emplace_back(e, k);
  return out;
}

ActiveOps deriveCell(const CellSpec& spec, const torch::Tensor& alpha, const torch::Tensor& theta, Derivation d) {
  torch::NoGradGuard noGrad;
  if (d == Derivation::Dst) return nonZeroOps(spec, engineWeights(spec, alpha, theta, d));
  checkShapes(spec, alpha, theta, d);
  const torch::Tensor p = torch::softmax(alpha.detach().to(torch::kCPU, torch::kFloat), -1).contiguous();
  const auto acc = p.accessor<float, 2>();
  ActiveOps out;
  if (spec.kind == SpaceKind::Nb201) {
    for (int e = 0; e < spec.numEdges(); ++e) {
      int best = 0;
      for (int k = 1; k < spec.numOps(); ++k)
        if (acc[e][k] > acc[e][best]) best = k;
      if (best != kNoneOp) out.emplace_back(e, best);
    }
    return out;
  }
  for (int j = spec.inputs; j < spec.totalNodes(); ++j) {
    struct Choice {
      int edge, op;
      float strength;
    };
    std::vector<Choice> choices;
    for (int e : spec.edgesInto(j)) {
      int best = 1;
      for (int k = 2; k < spec.numOps(); ++k)
        if (acc[e][k] > acc[e][best]) best = k;
      choices.push_back({e, best, acc[e][best]});
    }
    std::stable_sort(choices.begin(), choices.end(),
                     [](const Choice& a, const Choice& b) { return a.strength > b.strength; });
    for (size_t i = 0; i < std::min<size_t>(2, choices.size()); ++i) out.emplace_back(choices[i].edge, choices[i].op);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace nas::entrannas
