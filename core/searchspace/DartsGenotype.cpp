// The DARTS cell: op names, the supernet's edge list, validation, the text form and the drawable
// graph. Parsing lives in DartsGenotypeParse.cpp, costs in DartsCost.cpp.
#include "searchspace/DartsGenotype.h"

#include <algorithm>
#include <string>

#include "common/Error.h"

namespace nas {

const char* dartsOpName(DartsOp op) {
  switch (op) {
    case DartsOp::None: return "none";
    case DartsOp::MaxPool3x3: return "max_pool_3x3";
    case DartsOp::AvgPool3x3: return "avg_pool_3x3";
    case DartsOp::SkipConnect: return "skip_connect";
    case DartsOp::SepConv3x3: return "sep_conv_3x3";
    case DartsOp::SepConv5x5: return "sep_conv_5x5";
    case DartsOp::DilConv3x3: return "dil_conv_3x3";
    case DartsOp::DilConv5x5: return "dil_conv_5x5";
  }
  return "?";
}

const char* dartsOpShortLabel(DartsOp op) {
  switch (op) {
    case DartsOp::None: return "none";
    case DartsOp::MaxPool3x3: return "maxpool";
    case DartsOp::AvgPool3x3: return "avgpool";
    case DartsOp::SkipConnect: return "skip";
    case DartsOp::SepConv3x3: return "sep3x3";
    case DartsOp::SepConv5x5: return "sep5x5";
    case DartsOp::DilConv3x3: return "dil3x3";
    case DartsOp::DilConv5x5: return "dil5x5";
  }
  return "?";
}

DartsOp dartsOpFromName(std::string_view name) {
  for (int i = 0; i < kDartsNumOps; ++i) {
    const auto op = static_cast<DartsOp>(i);
    if (name == dartsOpName(op)) return op;
  }
  throw Error(ErrorCode::ParseError, "unknown operation '" + std::string(name) +
                                         "'; expected one of none, max_pool_3x3, avg_pool_3x3, skip_connect, "
                                         "sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, dil_conv_5x5");
}

const std::array<DartsEdge, kDartsNumEdges>& dartsEdges() {
  static const std::array<DartsEdge, kDartsNumEdges> edges = [] {
    std::array<DartsEdge, kDartsNumEdges> e{};
    int i = 0;
    for (int to = 2; to < 2 + kDartsNumIntermediate; ++to)
      for (int from = 0; from < to; ++from) e[static_cast<size_t>(i++)] = {from, to};
    return e;
  }();
  return edges;
}

int dartsEdgeIndex(int from, int to) {
  if (to < 2 || to >= 2 + kDartsNumIntermediate || from < 0 || from >= to)
    throw Error(ErrorCode::InvalidArgument,
                "no DARTS cell edge " + std::to_string(from) + " -> " + std::to_string(to));
  // Nodes before `to` contribute 2 + 3 + ... edges: sum_{t=2}^{to-1} t.
  int base = 0;
  for (int t = 2; t < to; ++t) base += t;
  return base + from;
}

bool DartsCell::standard() const {
  return std::all_of(nodes.begin(), nodes.end(), [](const auto& n) { return n.size() == 2; });
}

void DartsCell::validate() const {
  for (int k = 0; k < kDartsNumIntermediate; ++k) {
    const int node = k + 2;
    const std::string where = "node " + std::to_string(node);
    if (nodes[static_cast<size_t>(k)].empty())
      throw Error(ErrorCode::InvalidArgument, where + " has no input");
    for (const DartsConnection& c : nodes[static_cast<size_t>(k)]) {
      if (static_cast<int>(c.op) >= kDartsNumOps)
        throw Error(ErrorCode::InvalidArgument, where + ": op code " + std::to_string(static_cast<int>(c.op)));
      if (c.input < 0 || c.input >= node)
        throw Error(ErrorCode::InvalidArgument,
                    where + ": input " + std::to_string(c.input) + " must be in 0.." + std::to_string(node - 1));
    }
  }
  if (concat.empty()) throw Error(ErrorCode::InvalidArgument, "concat is empty");
  for (size_t i = 0; i < concat.size(); ++i) {
    if (concat[i] < 2 || concat[i] >= 2 + kDartsNumIntermediate)
      throw Error(ErrorCode::InvalidArgument, "concat node " + std::to_string(concat[i]) + " outside 2..5");
    for (size_t j = 0; j < i; ++j)
      if (concat[j] == concat[i])
        throw Error(ErrorCode::InvalidArgument, "concat names node " + std::to_string(concat[i]) + " twice");
  }
}

GraphForm DartsCell::graph(bool reduction) const {
  GraphForm g;
  g.space = "darts";
  g.nodes.push_back({0, "c_{k-2}", "input"});
  g.nodes.push_back({1, "c_{k-1}", "input"});
  for (int k = 0; k < kDartsNumIntermediate; ++k) g.nodes.push_back({k + 2, std::to_string(k), "intermediate"});
  const int out = 2 + kDartsNumIntermediate;
  g.nodes.push_back({out, "c_{k}", "output"});
  for (int k = 0; k < kDartsNumIntermediate; ++k)
    for (const DartsConnection& c : nodes[static_cast<size_t>(k)]) {
      std::string label = dartsOpShortLabel(c.op);
      if (reduction && c.input < kDartsNumInputs && c.op != DartsOp::None) label += " /2";
      g.edges.push_back({c.input, k + 2, dartsOpName(c.op), label, c.op != DartsOp::None});
    }
  for (int n : concat) g.edges.push_back({n, out, "concat", "concat", true});
  return g;
}

GraphForm DartsGenotype::graph() const {
  GraphForm g = normal.graph(false);
  const GraphForm r = reduce.graph(true);
  // Only the cell's inputs and output need the cell's name: the intermediate nodes 0..3 sit
  // between them, and a shorter label keeps the drawing compact.
  const auto named = [](GraphNode n, const char* cell) {
    if (n.role != "intermediate") n.label = std::string(cell) + " " + n.label;
    return n;
  };
  for (GraphNode& n : g.nodes) n = named(n, "normal");
  for (GraphNode n : r.nodes) {
    n.id += kReduceNodeOffset;
    g.nodes.push_back(named(n, "reduce"));
  }
  for (GraphEdge e : r.edges) {
    e.from += kReduceNodeOffset;
    e.to += kReduceNodeOffset;
    g.edges.push_back(e);
  }
  return g;
}

namespace {

void appendPair(std::string& out, const DartsConnection& c) {
  out += "('";
  out += dartsOpName(c.op);
  out += "', ";
  out += std::to_string(c.input);
  out += ')';
}

void appendCell(std::string& out, const char* name, const DartsCell& cell) {
  out += name;
  out += "=[";
  const bool flat = cell.standard();
  bool first = true;
  for (const auto& node : cell.nodes) {
    if (!flat) {
      if (!first) out += ", ";
      out += '[';
      first = true;
    }
    for (const DartsConnection& c : node) {
      if (!first) out += ", ";
      appendPair(out, c);
      first = false;
    }
    if (!flat) {
      out += ']';
      first = false;
    }
  }
  out += "], ";
  out += name;
  out += "_concat=[";
  for (size_t i = 0; i < cell.concat.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(cell.concat[i]);
  }
  out += ']';
}

}  // namespace

std::string DartsGenotype::toString() const {
  std::string out = "Genotype(";
  appendCell(out, "normal", normal);
  out += ", ";
  appendCell(out, "reduce", reduce);
  out += ')';
  return out;
}

DartsGenotype dartsV2Genotype() {
  using O = DartsOp;
  DartsGenotype g;
  g.normal.nodes = {{{{O::SepConv3x3, 0}, {O::SepConv3x3, 1}},
                     {{O::SepConv3x3, 0}, {O::SepConv3x3, 1}},
                     {{O::SepConv3x3, 1}, {O::SkipConnect, 0}},
                     {{O::SkipConnect, 0}, {O::DilConv3x3, 2}}}};
  g.reduce.nodes = {{{{O::MaxPool3x3, 0}, {O::MaxPool3x3, 1}},
                     {{O::SkipConnect, 2}, {O::MaxPool3x3, 1}},
                     {{O::MaxPool3x3, 0}, {O::SkipConnect, 2}},
                     {{O::SkipConnect, 2}, {O::MaxPool3x3, 1}}}};
  return g;
}

}  // namespace nas
