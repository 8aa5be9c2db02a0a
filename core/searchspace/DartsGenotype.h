#pragma once
// The DARTS cell search space (Liu et al., ICLR 2019; the standard space EnTranNAS builds on).
// A cell has two input nodes (c_{k-2} = node 0, c_{k-1} = node 1), four intermediate nodes
// (2..5) and an output that concatenates the nodes listed in `concat` (standard: 2,3,4,5).
// Every intermediate node sums one op applied to each of its inputs (earlier nodes). Two cell
// types: normal (stride 1) and reduction (ops on the two input nodes have stride 2).
//
// Text form is DARTS' own genotype notation:
//   Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...], normal_concat=[2, 3, 4, 5],
//            reduce=[...], reduce_concat=[2, 3, 4, 5])
// where the flat list holds exactly two (op, input) pairs per intermediate node, in node order.
// The extended form (topology search: a node keeps any number of inputs, >= 1) nests one list
// per node: normal=[[('sep_conv_3x3', 0)], [('skip_connect', 0), ('dil_conv_3x3', 2), ...], ...].
// Formatting writes the flat form when every node has exactly two inputs, else the nested form,
// so parse(toString()) is the identity either way.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "searchspace/GraphForm.h"

namespace nas {

// In the order of DARTS' PRIMITIVES list (genotypes.py), which is also the column order of
// the architecture weights.
enum class DartsOp : std::uint8_t {
  None = 0,         // "none": zeros
  MaxPool3x3 = 1,   // "max_pool_3x3": stride s, pad 1
  AvgPool3x3 = 2,   // "avg_pool_3x3": stride s, pad 1, count_include_pad=false
  SkipConnect = 3,  // "skip_connect": identity; FactorizedReduce when stride 2
  SepConv3x3 = 4,   // "sep_conv_3x3": (ReLU, dw 3x3, pw 1x1, BN) twice
  SepConv5x5 = 5,   // "sep_conv_5x5"
  DilConv3x3 = 6,   // "dil_conv_3x3": ReLU, dw 3x3 dilation 2, pw 1x1, BN
  DilConv5x5 = 7,   // "dil_conv_5x5"
};

inline constexpr int kDartsNumOps = 8;
inline constexpr int kDartsNumInputs = 2;        // c_{k-2}, c_{k-1}
inline constexpr int kDartsNumIntermediate = 4;  // nodes 2..5
inline constexpr int kDartsNumEdges = 14;        // 2 + 3 + 4 + 5

const char* dartsOpName(DartsOp op);        // "sep_conv_3x3"
const char* dartsOpShortLabel(DartsOp op);  // "sep3x3"
// Throws Error(ParseError) naming the unknown op and the known ones.
DartsOp dartsOpFromName(std::string_view name);

struct DartsEdge {
  int from;  // 0..4
  int to;    // 2..5
};
// The 14 edges of the supernet in DARTS' order: grouped by target node, sources ascending:
// 0->2, 1->2, 0->3, 1->3, 2->3, 0->4, ..., 4->5. The row order of the architecture weights.
const std::array<DartsEdge, kDartsNumEdges>& dartsEdges();
// Index of edge from -> to in dartsEdges(); throws InvalidArgument when there is none.
int dartsEdgeIndex(int from, int to);

// One input of an intermediate node: `op` applied to node `input`.
struct DartsConnection {
  DartsOp op = DartsOp::None;
  int input = 0;
  bool operator==(const DartsConnection& o) const { return op == o.op && input == o.input; }
};

struct DartsCell {
  // nodes[k] = the inputs of intermediate node k + 2 (each input < k + 2), in the order written.
  std::array<std::vector<DartsConnection>, kDartsNumIntermediate> nodes;
  std::vector<int> concat{2, 3, 4, 5};  // nodes the output concatenates

  // True when every node has exactly two inputs (DARTS' standard form).
  bool standard() const;
  // Inputs, op codes and concat checked; throws InvalidArgument naming the node.
  void validate() const;
  bool operator==(const DartsCell& o) const { return nodes == o.nodes && concat == o.concat; }
  bool operator!=(const DartsCell& o) const { return !(*this == o); }
  // Two input nodes, four intermediate nodes, the output; one edge per connection labelled
  // with its op, plus "concat" edges from the concatenated nodes to the output.
  GraphForm graph(bool reduction) const;
};

struct DartsGenotype {
  DartsCell normal;
  DartsCell reduce;

  // Parses the notation above. Whitespace anywhere between tokens; ' or " quotes; the four
  // fields in any order, each exactly once. Errors are ParseError with the whole text as
  // context and a message starting "column N: " (1-based, counted in the text as given).
  static DartsGenotype parse(std::string_view text);
  std::string toString() const;
  bool standard() const { return normal.standard() && reduce.standard(); }
  // Both cells in one drawing, as two separate graphs: the normal cell's nodes keep their ids
  // (0..6), the reduction cell's are offset by kReduceNodeOffset; each cell's inputs and output
  // carry its name ("normal c_{k}", "reduce c_{k-2}", ...), and two genotypes' graphs compare
  // edge by edge within each cell.
  static constexpr int kReduceNodeOffset = 100;
  GraphForm graph() const;
  bool operator==(const DartsGenotype& o) const { return normal == o.normal && reduce == o.reduce; }
  bool operator!=(const DartsGenotype& o) const { return !(*this == o); }
};

// Published genotypes (DARTS' genotypes.py), handy for tests and as evaluation defaults.
DartsGenotype dartsV2Genotype();  // DARTS (second order) on CIFAR-10

// The evaluation network of a genotype (DARTS' NetworkCIFAR): stem Conv3x3(in -> stemMultiplier*C)
// + BN; `layers` cells, reductions at layers/3 and 2*layers/3 doubling C; GAP; Linear.
// The first preprocessing of a cell after a reduction is FactorizedReduce, else ReLU-Conv1x1-BN.
struct DartsNetworkConfig {
  int channels = 36;  // C
  int layers = 20;
  int stemMultiplier = 3;
  int inputChannels = 3;
  int inputHeight = 32;
  int inputWidth = 32;
  int classes = 10;
  bool auxiliary = false;  // count the auxiliary head (DARTS' param figures leave it out)
  void validate() const;   // InvalidArgument naming the field
};

struct DartsCostCounts {
  std::int64_t params = 0;  // trainable parameters (conv, BN affine, linear)
  double flops = 0.0;       // multiply-accumulates of conv and linear layers, one image
};

// Closed-form counts; the convention of nb201Cost (conv/linear MACs, BN affine params, pools
// and additions free). DARTS V2 at C=36, 20 layers, 10 classes -> 3,349,342 params, the
// "param size = 3.349342MB" of DARTS' train.py.
DartsCostCounts dartsCost(const DartsGenotype& genotype, const DartsNetworkConfig& config = {});

}  // namespace nas
