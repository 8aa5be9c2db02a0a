// Parameters and FLOPs of the NAS-Bench-201 macro network, in closed form.
//
// The counting convention is the benchmark's own (xautodl utils/flop_benchmark.py,
// get_model_infos), so our figures equal the published ones:
//  - params: every trainable tensor, i.e. conv weights, BN affine weight+bias (2 per
//    channel; running statistics are buffers, not parameters), linear weight+bias.
//  - FLOPs: multiply-accumulates of Conv2d (k*k*Cin*Cout*Hout*Wout, +Cout*Hout*Wout with
//    bias) and Linear (in*out, +out with bias). Pooling layers get a hook there, but their
//    count is left out of the sum (compute_average_flops_cost adds only conv/linear), and
//    BN, ReLU, additions are never counted. So avg_pool_3x3 and the shortcut's AvgPool2x2
//    cost 0 FLOPs here.
// Checks: all-nor_conv_3x3, C=16, N=5, 3x32x32, 10 classes -> 1,531,546 params and
// 220,119,690 FLOPs (220.12 M); all-none -> 73,306 params and 7,783,050 FLOPs (7.78 M, the
// benchmark's published minimum).
#include <cctype>
#include <string>
#include <vector>

#include "common/Error.h"
#include "searchspace/Nb201Cell.h"

namespace nas {

namespace {

// Accumulates conv/BN/linear layers into the running totals.
struct Counter {
  CostCounts total;

  void conv(std::int64_t k, std::int64_t cin, std::int64_t cout, std::int64_t hOut, std::int64_t wOut) {
    total.params += k * k * cin * cout;
    total.flops += static_cast<double>(k * k * cin * cout) * static_cast<double>(hOut * wOut);
  }
  void batchNorm(std::int64_t channels) { total.params += 2 * channels; }
  void linear(std::int64_t in, std::int64_t out) {
    total.params += in * out + out;
    total.flops += static_cast<double>(in * out + out);
  }
};

// One cell at `c` channels and h x w: each edge's op, inputs and outputs all c x h x w.
void addCell(Counter& n, const Nb201Cell& cell, std::int64_t c, std::int64_t h, std::int64_t w) {
  for (int e = 0; e < kNb201NumEdges; ++e) {
    switch (cell.op(e)) {
      case Nb201Op::Conv1x1: n.conv(1, c, c, h, w); n.batchNorm(c); break;
      case Nb201Op::Conv3x3: n.conv(3, c, c, h, w); n.batchNorm(c); break;
      case Nb201Op::AvgPool3x3:   // no params; FLOPs not summed by the benchmark
      case Nb201Op::SkipConnect:  // identity
      case Nb201Op::None: break;  // zeros
    }
  }
}

// The residual reduction block cin -> cout, stride 2; h, w are its output size.
void addResBlock(Counter& n, std::int64_t cin, std::int64_t cout, std::int64_t h, std::int64_t w) {
  n.conv(3, cin, cout, h, w);  // ReLU-Conv3x3 s2-BN
  n.batchNorm(cout);
  n.conv(3, cout, cout, h, w);  // ReLU-Conv3x3-BN
  n.batchNorm(cout);
  n.conv(1, cin, cout, h, w);  // shortcut: AvgPool2x2 s2 (uncounted) -> Conv1x1, no BN, no bias
}

void requirePositive(int value, const char* what) {
  if (value <= 0)
    throw Error(ErrorCode::InvalidArgument, std::string(what) + " must be positive, got " + std::to_string(value),
                "NAS-Bench-201 macro network");
}

}  // namespace

CostCounts nb201Cost(const Nb201Cell& cell, const Nb201MacroConfig& m) {
  requirePositive(m.channels, "channels");
  requirePositive(m.cellsPerStage, "cells per stage");
  requirePositive(m.inputChannels, "input channels");
  requirePositive(m.inputHeight, "input height");
  requirePositive(m.inputWidth, "input width");
  requirePositive(m.classes, "classes");
  // Each reduction adds a stride-2 conv path (ceil) to an AvgPool2x2 path (floor); the sum
  // only exists when both halve exactly, twice.
  if (m.inputHeight % 4 != 0 || m.inputWidth % 4 != 0)
    throw Error(ErrorCode::InvalidArgument,
                "input size " + std::to_string(m.inputHeight) + "x" + std::to_string(m.inputWidth) +
                    " must be divisible by 4 (two stride-2 reductions)",
                "NAS-Bench-201 macro network");

  Counter n;
  std::int64_t c = m.channels, h = m.inputHeight, w = m.inputWidth;
  n.conv(3, m.inputChannels, c, h, w);  // stem, pad 1, no bias
  n.batchNorm(c);
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      h /= 2;
      w /= 2;
      addResBlock(n, c, 2 * c, h, w);
      c *= 2;
    }
    for (int i = 0; i < m.cellsPerStage; ++i) addCell(n, cell, c, h, w);
  }
  n.batchNorm(c);  // lastact BN-ReLU, then global average pooling (uncounted)
  n.linear(c, m.classes);
  return n.total;
}

void parseInputShape(std::string_view text, Nb201MacroConfig& macro) {
  const std::string input(text);
  auto bad = [&](const std::string& why) {
    throw Error(ErrorCode::ParseError, "input shape: " + why + "; expected CxHxW such as 3x32x32", input);
  };
  std::vector<int> dims;
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  size_t end = text.size();
  while (end > i && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  if (i == end) bad("empty text");
  while (true) {
    if (i >= end || !std::isdigit(static_cast<unsigned char>(text[i])))
      bad("column " + std::to_string(i + 1) + ": expected a number");
    long long v = 0;
    while (i < end && std::isdigit(static_cast<unsigned char>(text[i]))) {
      v = v * 10 + (text[i] - '0');
      if (v > 1'000'000) bad("dimension too large");
      ++i;
    }
    if (v == 0) bad("dimensions must be positive");
    dims.push_back(static_cast<int>(v));
    if (i == end) break;
    if (text[i] != 'x' && text[i] != 'X')
      bad("column " + std::to_string(i + 1) + ": expected 'x', found '" + std::string(1, text[i]) + "'");
    ++i;
  }
  if (dims.size() != 3) bad("found " + std::to_string(dims.size()) + " dimension" + (dims.size() == 1 ? "" : "s"));
  macro.inputChannels = dims[0];
  macro.inputHeight = dims[1];
  macro.inputWidth = dims[2];
}

}  // namespace nas
