#pragma once
// A drawable form of any architecture: nodes and labelled edges, plain data. Search spaces
// produce it; the GUI lays it out with Graphviz and draws it. No torch, no Qt.

#include <string>
#include <vector>

namespace nas {

struct GraphNode {
  int id = 0;
  std::string label;  // "in", "1", "out", "stem", ...
  std::string role;   // "input", "intermediate", "output", "op", "block"
};

struct GraphEdge {
  int from = 0;
  int to = 0;
  std::string op;     // machine name of the operation ("nor_conv_3x3")
  std::string label;  // short human label ("conv 3x3")
  bool active = true; // false for edges that carry nothing (op `none`)
  // How strongly a search holds this edge, in [0, 1] (an architecture weight: softmax or DST
  // weight); negative: unweighted. Views draw a weighted edge's width by it.
  double weight = -1;
  bool weighted() const { return weight >= 0; }
};

struct GraphForm {
  std::string space;  // "nb201", ...
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
};

}  // namespace nas
