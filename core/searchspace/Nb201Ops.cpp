// Names of the NAS-Bench-201 ops and the cell's fixed edge list.
#include "common/Error.h"
#include "searchspace/Nb201Cell.h"

namespace nas {

const std::array<Nb201Edge, kNb201NumEdges>& nb201Edges() {
  static const std::array<Nb201Edge, kNb201NumEdges> edges = {{{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}}};
  return edges;
}

const char* nb201OpName(Nb201Op op) {
  switch (op) {
    case Nb201Op::None: return "none";
    case Nb201Op::SkipConnect: return "skip_connect";
    case Nb201Op::Conv1x1: return "nor_conv_1x1";
    case Nb201Op::Conv3x3: return "nor_conv_3x3";
    case Nb201Op::AvgPool3x3: return "avg_pool_3x3";
  }
  return "?";
}

const char* nb201OpShortLabel(Nb201Op op) {
  switch (op) {
    case Nb201Op::None: return "none";
    case Nb201Op::SkipConnect: return "skip";
    case Nb201Op::Conv1x1: return "conv1x1";
    case Nb201Op::Conv3x3: return "conv3x3";
    case Nb201Op::AvgPool3x3: return "avgpool";
  }
  return "?";
}

Nb201Op nb201OpFromName(std::string_view name) {
  for (int i = 0; i < kNb201NumOps; ++i) {
    auto op = static_cast<Nb201Op>(i);
    if (name == nb201OpName(op)) return op;
  }
  throw Error(ErrorCode::ParseError,
              "unknown operation '" + std::string(name) +
                  "'; expected one of none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3");
}

}  // namespace nas
