#include "AgnetEncoding.h"

#include <string>

#include "common/Error.h"

namespace nas::agnet {

int nodeTypeOf(Nb201Op op) {
  switch (op) {
    case Nb201Op::None: return kNone;
    case Nb201Op::SkipConnect: return kSkip;
    case Nb201Op::Conv1x1: return kConv1x1;
    case Nb201Op::Conv3x3: return kConv3x3;
    case Nb201Op::AvgPool3x3: return kAvgPool;
  }
  throw Error(ErrorCode::Internal, "unknown NAS-Bench-201 op " + std::to_string(int(op)));
}

Nb201Op opOfNodeType(int type) {
  switch (type) {
    case kNone: return Nb201Op::None;
    case kSkip: return Nb201Op::SkipConnect;
    case kConv1x1: return Nb201Op::Conv1x1;
    case kConv3x3: return Nb201Op::Conv3x3;
    case kAvgPool: return Nb201Op::AvgPool3x3;
    default:
      throw Error(ErrorCode::InvalidArgument,
                  "node type " + std::to_string(type) + " is not an op (ops are 2..6; 0 output, 1 input)");
  }
}

const std::array<bool, kEdgeSlots>& nb201Adjacency() {
  static const std::array<bool, kEdgeSlots> adj = [] {
    std::array<bool, kEdgeSlots> a{};
    const int edges[][2] = {{0, 1}, {0, 2}, {0, 4}, {1, 3}, {1, 5}, {2, 6}, {3, 6}, {4, 7}, {5, 7}, {6, 7}};
    for (const auto& e : edges) a[edgeSlot(e[0], e[1])] = true;
    return a;
  }();
  return adj;
}

Nb201Graph encodeCell(const Nb201Cell& cell) {
  Nb201Graph g;
  g.types[0] = kInput;
  for (int e = 0; e < kNb201NumEdges; ++e) g.types[1 + e] = nodeTypeOf(cell.op(e));
  g.types[kNodes - 1] = kOutput;
  g.edges = nb201Adjacency();
  return g;
}

std::array<float, kGraphVector> graphVector(const Nb201Graph& graph) {
  std::array<float, kGraphVector> v{};
  for (int n = 0; n < kNodes; ++n) v[n * kNodeTypes + graph.types[n]] = 1.0f;
  for (int s = 0; s < kEdgeSlots; ++s) v[kNodes * kNodeTypes + s] = graph.edges[s] ? 1.0f : 0.0f;
  return v;
}

std::optional<Nb201Cell> decodeGraph(const std::vector<int>& types, const std::array<bool, kEdgeSlots>& edges) {
  if (types.size() != kNodes || types.front() != kInput || types.back() != kOutput) return std::nullopt;
  std::array<Nb201Op, kNb201NumEdges> ops{};
  for (int n = 1; n < kNodes - 1; ++n) {
    if (types[n] < kConv1x1 || types[n] > kNone) return std::nullopt;
    ops[n - 1] = opOfNodeType(types[n]);
  }
  if (edges != nb201Adjacency()) return std::nullopt;
  return Nb201Cell(ops);
}

}  // namespace nas::agnet
