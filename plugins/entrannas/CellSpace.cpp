#include "CellSpace.h"

#include <algorithm>

#include "common/Error.h"

namespace nas::entrannas {

std::vector<int> CellSpec::edgesInto(int node) const {
  std::vector<int> out;
  for (int e = 0; e < numEdges(); ++e)
    if (edges[static_cast<size_t>(e)].second == node) out.push_back(e);
  return out;
}

std::string CellSpec::edgeLabel(int e) const {
  const auto& [from, to] = edges.at(static_cast<size_t>(e));
  return std::to_string(from) + "\u2192" + std::to_string(to);
}

std::string CellSpec::cellTypeName(int type) const {
  if (kind == SpaceKind::Nb201) return "cell";
  return type == 0 ? "normal" : "reduce";
}

const CellSpec& cellSpec(SpaceKind kind) {
  static const CellSpec darts = [] {
    CellSpec s;
    s.kind = SpaceKind::Darts;
    s.name = "darts";
    s.inputs = kDartsNumInputs;
    s.nodes = kDartsNumIntermediate;
    for (const DartsEdge& e : dartsEdges()) s.edges.emplace_back(e.from, e.to);
    for (int k = 0; k < kDartsNumOps; ++k) s.opNames.emplace_back(dartsOpName(static_cast<DartsOp>(k)));
    s.cellTypes = 2;
    return s;
  }();
  static const CellSpec nb201 = [] {
    CellSpec s;
    s.kind = SpaceKind::Nb201;
    s.name = "nb201";
    s.inputs = 1;
    s.nodes = kNb201NumNodes - 1;
    for (const Nb201Edge& e : nb201Edges()) s.edges.emplace_back(e.from, e.to);
    for (int k = 0; k < kNb201NumOps; ++k) s.opNames.emplace_back(nb201OpName(static_cast<Nb201Op>(k)));
    s.cellTypes = 1;
    return s;
  }();
  return kind == SpaceKind::Darts ? darts : nb201;
}

SpaceKind spaceFromName(const std::string& name) {
  if (name == "darts") return SpaceKind::Darts;
  if (name == "nb201") return SpaceKind::Nb201;
  throw Error(ErrorCode::InvalidArgument, "space '" + name + "' is not one of darts, nb201");
}

DartsCell toDartsCell(const ActiveOps& ops) {
  DartsCell cell;
  for (const auto& [e, k] : ops) {
    const DartsEdge edge = dartsEdges().at(static_cast<size_t>(e));
    cell.nodes[static_cast<size_t>(edge.to - 2)].push_back({static_cast<DartsOp>(k), edge.from});
  }
  return cell;
}

ActiveOps fromDartsCell(const DartsCell& cell) {
  cell.validate();
  if (cell.concat != std::vector<int>{2, 3, 4, 5})
    throw Error(ErrorCode::InvalidArgument, "the supernet's cells concatenate nodes 2, 3, 4, 5; this one does not");
  ActiveOps out;
  for (int k = 0; k < kDartsNumIntermediate; ++k)
    for (const DartsConnection& c : cell.nodes[static_cast<size_t>(k)]) {
      if (c.op == DartsOp::None) continue;  // contributes zeros: nothing to run
      const std::pair<int, int> p{dartsEdgeIndex(c.input, k + 2), static_cast<int>(c.op)};
      if (std::find(out.begin(), out.end(), p) != out.end())
        throw Error(ErrorCode::InvalidArgument, "node " + std::to_string(k + 2) + " lists ('" +
                                                    dartsOpName(c.op) + "', " + std::to_string(c.input) + ") twice");
      out.push_back(p);
    }
  std::sort(out.begin(), out.end());
  return out;
}

Nb201Cell toNb201Cell(const ActiveOps& ops) {
  Nb201Cell cell;
  std::vector<bool> used(kNb201NumEdges, false);
  for (const auto& [e, k] : ops) {
    if (used.at(static_cast<size_t>(e)))
      throw Error(ErrorCode::InvalidArgument, "NAS-Bench-201 edge " + std::to_string(e) + " has two ops");
    used[static_cast<size_t>(e)] = true;
    cell.setOp(e, static_cast<Nb201Op>(k));
  }
  return cell;
}

ActiveOps fromNb201Cell(const Nb201Cell& cell) {
  ActiveOps out;
  for (int e = 0; e < kNb201NumEdges; ++e)
    if (cell.op(e) != Nb201Op::None) out.emplace_back(e, static_cast<int>(cell.op(e)));
  return out;
}

std::string genotypeText(SpaceKind kind, const std::vector<ActiveOps>& cells) {
  if (kind == SpaceKind::Nb201) return toNb201Cell(cells.at(0)).toString();
  DartsGenotype g;
  g.normal = toDartsCell(cells.at(0));
  g.reduce = toDartsCell(cells.at(1));
  return g.toString();
}

std::vector<ActiveOps> parseGenotypeText(SpaceKind kind, const std::string& text) {
  if (kind == SpaceKind::Nb201) return {fromNb201Cell(Nb201Cell::parse(text))};
  const DartsGenotype g = DartsGenotype::parse(text);
  return {fromDartsCell(g.normal), fromDartsCell(g.reduce)};
}

}  // namespace nas::entrannas
