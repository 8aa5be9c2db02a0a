#pragma once
// The NAS-Bench-201 cell: 4 nodes, 6 edges (0->1, 0->2, 1->2, 0->3, 1->3, 2->3), each edge one
// of 5 ops. Text form is the benchmark's own: |op~0|+|op~0|op~1|+|op~0|op~1|op~2|.
// Integer encoding: ops as 0..4 in benchmark order, index = sum_e op_e * 5^e with e in
// string order (edge 0 = 0->1). All 15,625 cells have distinct indices.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "searchspace/GraphForm.h"

namespace nas {

enum class Nb201Op : std::uint8_t {
  None = 0,         // "none": zeros, costs nothing
  SkipConnect = 1,  // "skip_connect": identity
  Conv1x1 = 2,      // "nor_conv_1x1": ReLU-Conv1x1-BN
  Conv3x3 = 3,      // "nor_conv_3x3": ReLU-Conv3x3-BN
  AvgPool3x3 = 4,   // "avg_pool_3x3": stride 1, pad 1, count_include_pad=false
};

inline constexpr int kNb201NumOps = 5;
inline constexpr int kNb201NumEdges = 6;
inline constexpr int kNb201NumNodes = 4;
inline constexpr int kNb201NumCells = 15625;  // 5^6

struct Nb201Edge {
  int from;
  int to;
};
// Edge e in string order: {0,1},{0,2},{1,2},{0,3},{1,3},{2,3}.
const std::array<Nb201Edge, kNb201NumEdges>& nb201Edges();

const char* nb201OpName(Nb201Op op);       // "nor_conv_3x3"
const char* nb201OpShortLabel(Nb201Op op); // "conv3x3"
// Throws Error(ParseError) naming the unknown op.
Nb201Op nb201OpFromName(std::string_view name);

class Nb201Cell {
 public:
  Nb201Cell();  // all `none`
  explicit Nb201Cell(const std::array<Nb201Op, kNb201NumEdges>& ops);

  // Parses the benchmark string; whitespace around it is ignored. Errors say what is
  // wrong and at which character (column) or which node group.
  static Nb201Cell parse(std::string_view text);
  static Nb201Cell fromIndex(int index);  // 0 .. 15624; throws InvalidArgument otherwise
  static Nb201Cell fromEncoding(const std::array<int, kNb201NumEdges>& enc);

  std::string toString() const;  // canonical benchmark string
  int index() const;
  std::array<int, kNb201NumEdges> encoding() const;
  Nb201Op op(int edge) const { return ops_[edge]; }
  void setOp(int edge, Nb201Op op) { ops_[edge] = op; }
  const std::array<Nb201Op, kNb201NumEdges>& ops() const { return ops_; }

  // True when some path from node 0 to node 3 avoids `none` (otherwise the output is
  // constant zero and the benchmark scores chance).
  bool connected() const;
  // Nodes, edges with op labels; `none` edges marked inactive.
  GraphForm graph() const;

  bool operator==(const Nb201Cell& o) const { return ops_ == o.ops_; }
  bool operator!=(const Nb201Cell& o) const { return ops_ != o.ops_; }

 private:
  std::array<Nb201Op, kNb201NumEdges> ops_;
};

// The benchmark's macro network: stem Conv3x3(in->C)+BN, 3 stages of N cells at C, 2C, 4C
// separated by residual reduction blocks, BN-ReLU-GAP-Linear.
struct Nb201MacroConfig {
  int channels = 16;       // C
  int cellsPerStage = 5;   // N
  int inputChannels = 3;
  int inputHeight = 32;
  int inputWidth = 32;
  int classes = 10;
};

struct CostCounts {
  std::int64_t params = 0;  // trainable parameters (conv, BN affine, linear)
  double flops = 0.0;       // multiply-accumulates, the benchmark's convention
};

// Counts for a single image. `none` edges cost nothing; `skip_connect` and pools no
// params. Matches the published figures: all-conv3x3 cell, 3x32x32, 10 classes ->
// 1,531,546 params and 220.12 M FLOPs.
CostCounts nb201Cost(const Nb201Cell& cell, const Nb201MacroConfig& macro = {});

// Parses "3x32x32" (C x H x W) into the macro config; throws ParseError.
void parseInputShape(std::string_view text, Nb201MacroConfig& macro);

}  // namespace nas
