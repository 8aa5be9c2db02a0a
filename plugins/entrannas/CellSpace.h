#pragma once
// The two cell spaces both methods search, behind one description: DARTS' cell (2 input nodes,
// 4 intermediate nodes, 14 edges, 8 ops, normal and reduction cells) and the NAS-Bench-201 cell
// (1 input node, 3 further nodes, 6 edges, 5 ops, one cell type), so that the supernet, the
// derivations and the heat grids are written once. Node ids count the input nodes first.
// A derived cell is the list of (edge, op) pairs it runs ("active ops"), sorted.
#include <string>
#include <utility>
#include <vector>

#include "searchspace/DartsGenotype.h"
#include "searchspace/Nb201Cell.h"

namespace nas::entrannas {

enum class SpaceKind { Darts, Nb201 };

struct CellSpec {
  SpaceKind kind = SpaceKind::Darts;
  std::string name;                         // "darts", "nb201"
  int inputs = 2;                           // input nodes
  int nodes = 4;                            // computed nodes
  std::vector<std::pair<int, int>> edges;   // (from, to), weight-row order
  std::vector<std::string> opNames;         // weight-column order; op 0 is `none` in both spaces
  int cellTypes = 2;                        // darts: normal, reduce; nb201: one
  int numEdges() const { return static_cast<int>(edges.size()); }
  int numOps() const { return static_cast<int>(opNames.size()); }
  int totalNodes() const { return inputs + nodes; }
  std::vector<int> edgesInto(int node) const;
  std::string edgeLabel(int edge) const;    // "0→2"
  std::string cellTypeName(int type) const; // "normal", "reduce", "cell"
};

inline constexpr int kNoneOp = 0;

const CellSpec& cellSpec(SpaceKind kind);
SpaceKind spaceFromName(const std::string& name);  // InvalidArgument for others

using ActiveOps = std::vector<std::pair<int, int>>;  // (edge, op != none), sorted

// Conversions between active ops and the spaces' own cell types. toNb201Cell refuses an edge
// with two ops (InvalidArgument); fromDartsCell refuses a concat other than 2..5 and a node
// listing the same connection twice (the supernet has one module per (edge, op)).
DartsCell toDartsCell(const ActiveOps& ops);
ActiveOps fromDartsCell(const DartsCell& cell);
Nb201Cell toNb201Cell(const ActiveOps& ops);
ActiveOps fromNb201Cell(const Nb201Cell& cell);

// The genotype text of derived cells: DARTS notation (cells = {normal, reduce}) or the
// benchmark string (cells = {cell}).
std::string genotypeText(SpaceKind kind, const std::vector<ActiveOps>& cells);
// The inverse: the derived cells of a genotype text, parse errors as the spaces give them.
std::vector<ActiveOps> parseGenotypeText(SpaceKind kind, const std::string& text);

}  // namespace nas::entrannas
