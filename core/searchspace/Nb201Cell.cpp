// The NAS-Bench-201 cell: encodings, connectivity and the drawable graph form.
// Parsing lives in Nb201Parse.cpp, costs in Nb201Cost.cpp.
#include "searchspace/Nb201Cell.h"

#include <string>

#include "common/Error.h"

namespace nas {

Nb201Cell::Nb201Cell() { ops_.fill(Nb201Op::None); }

Nb201Cell::Nb201Cell(const std::array<Nb201Op, kNb201NumEdges>& ops) : ops_(ops) {
  // The enum is a byte: a cast from an arbitrary integer could smuggle in a code >= 5.
  for (int e = 0; e < kNb201NumEdges; ++e)
    if (static_cast<int>(ops[e]) >= kNb201NumOps)
      throw Error(ErrorCode::InvalidArgument,
                  "edge " + std::to_string(e) + ": op code " + std::to_string(static_cast<int>(ops[e])) +
                      " outside 0..4");
}

Nb201Cell Nb201Cell::fromIndex(int index) {
  if (index < 0 || index >= kNb201NumCells)
    throw Error(ErrorCode::InvalidArgument,
                "cell index " + std::to_string(index) + " outside 0.." + std::to_string(kNb201NumCells - 1));
  std::array<Nb201Op, kNb201NumEdges> ops{};
  for (int e = 0; e < kNb201NumEdges; ++e) {
    ops[e] = static_cast<Nb201Op>(index % kNb201NumOps);
    index /= kNb201NumOps;
  }
  return Nb201Cell(ops);
}

Nb201Cell Nb201Cell::fromEncoding(const std::array<int, kNb201NumEdges>& enc) {
  std::array<Nb201Op, kNb201NumEdges> ops{};
  for (int e = 0; e < kNb201NumEdges; ++e) {
    if (enc[e] < 0 || enc[e] >= kNb201NumOps)
      throw Error(ErrorCode::InvalidArgument,
                  "edge " + std::to_string(e) + ": op code " + std::to_string(enc[e]) + " outside 0..4");
    ops[e] = static_cast<Nb201Op>(enc[e]);
  }
  return Nb201Cell(ops);
}

std::string Nb201Cell::toString() const {
  // Edges in string order are grouped by target node: node 1 <- {0}, node 2 <- {0,1},
  // node 3 <- {0,1,2}; that is exactly nb201Edges() order.
  std::string out;
  out.reserve(100);
  const auto& edges = nb201Edges();
  int e = 0;
  for (int node = 1; node < kNb201NumNodes; ++node) {
    if (node > 1) out += '+';
    out += '|';
    for (int src = 0; src < node; ++src, ++e) {
      out += nb201OpName(ops_[e]);
      out += '~';
      out += static_cast<char>('0' + edges[e].from);
      out += '|';
    }
  }
  return out;
}

int Nb201Cell::index() const {
  int index = 0;
  for (int e = kNb201NumEdges - 1; e >= 0; --e) index = index * kNb201NumOps + static_cast<int>(ops_[e]);
  return index;
}

std::array<int, kNb201NumEdges> Nb201Cell::encoding() const {
  std::array<int, kNb201NumEdges> enc{};
  for (int e = 0; e < kNb201NumEdges; ++e) enc[e] = static_cast<int>(ops_[e]);
  return enc;
}

bool Nb201Cell::connected() const {
  // Edges go from lower to higher node, so one pass in edge order settles reachability.
  std::array<bool, kNb201NumNodes> reached{true, false, false, false};
  const auto& edges = nb201Edges();
  for (int e = 0; e < kNb201NumEdges; ++e)
    if (ops_[e] != Nb201Op::None && reached[edges[e].from]) reached[edges[e].to] = true;
  return reached[kNb201NumNodes - 1];
}

GraphForm Nb201Cell::graph() const {
  GraphForm g;
  g.space = "nb201";
  g.nodes = {{0, "in", "input"}, {1, "1", "intermediate"}, {2, "2", "intermediate"}, {3, "out", "output"}};
  const auto& edges = nb201Edges();
  for (int e = 0; e < kNb201NumEdges; ++e) {
    GraphEdge edge;
    edge.from = edges[e].from;
    edge.to = edges[e].to;
    edge.op = nb201OpName(ops_[e]);
    edge.label = nb201OpShortLabel(ops_[e]);
    edge.active = ops_[e] != Nb201Op::None;
    g.edges.push_back(std::move(edge));
  }
  return g;
}

}  // namespace nas
