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
};

struct GraphForm {
  std::string space;  // "nb201", ...
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
};

}  // namespace nas
