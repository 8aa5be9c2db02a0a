#pragma once
// AG-Net's graph form of the NAS-Bench-201 cell (AG-Net: datasets/NASBench201.py): ops on
// nodes, 8 nodes [input, op(0->1), op(0->2), op(1->2), op(0->3), op(1->3), op(2->3), output]
// with one fixed adjacency (input->{1,2,4}, 1->{3,5}, 2->6, 3->6, {4,5,6}->output), node types
// [output, input, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3, skip_connect, none]. The graph
// vector is the 8x7 one-hot types followed by the 28 strictly-lower-triangular adjacency
// entries in the decoder's order (for node v = 1..7, the edges u->v for u = 0..v-1). No torch.

#include <array>
#include <optional>
#include <vector>

#include "searchspace/Nb201Cell.h"

namespace nas::agnet {

inline constexpr int kNodes = 8;
inline constexpr int kNodeTypes = 7;
inline constexpr int kEdgeSlots = kNodes * (kNodes - 1) / 2;       // 28
inline constexpr int kGraphVector = kNodes * kNodeTypes + kEdgeSlots;  // 84

enum NodeType : int { kOutput = 0, kInput = 1, kConv1x1 = 2, kConv3x3 = 3, kAvgPool = 4, kSkip = 5, kNone = 6 };

int nodeTypeOf(Nb201Op op);
// The op of an op node type (2..6); InvalidArgument for input, output or out of range.
Nb201Op opOfNodeType(int type);
// Slot of the edge from -> to (0 <= from < to < 8) in the 28 adjacency entries.
constexpr int edgeSlot(int from, int to) { return to * (to - 1) / 2 + from; }
// The fixed adjacency every NAS-Bench-201 cell has in this form.
const std::array<bool, kEdgeSlots>& nb201Adjacency();

struct Nb201Graph {
  std::array<int, kNodes> types{};
  std::array<bool, kEdgeSlots> edges{};
};

Nb201Graph encodeCell(const Nb201Cell& cell);
std::array<float, kGraphVector> graphVector(const Nb201Graph& graph);

// A generated graph: node types as sampled (the decoder truncates after the first output
// node, so there may be fewer than 8) and the sampled edges among them (slots of nodes
// beyond types.size() are ignored). A cell when the graph has exactly the benchmark's shape
// (8 nodes, input first, output last, op nodes between, the fixed adjacency), else nullopt:
// an invalid sample.
std::optional<Nb201Cell> decodeGraph(const std::vector<int>& types, const std::array<bool, kEdgeSlots>& edges);

}  // namespace nas::agnet
