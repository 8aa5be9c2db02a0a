// Parameters and FLOPs of a genotype's evaluation network (DARTS' NetworkCIFAR, model.py), in
// closed form, with nb201Cost's convention: params are conv weights, BN affine weight+bias and
// linear weight+bias; FLOPs are the multiply-accumulates of conv and linear layers (pools, BN,
// ReLU and additions are free). Layer shapes (DARTS operations.py):
//   sep_conv_k, stride s: (ReLU, dw kxk stride s, pw 1x1, BN) then (ReLU, dw kxk, pw 1x1, BN)
//   dil_conv_k, stride s: ReLU, dw kxk dilation 2 stride s, pw 1x1, BN
//   skip_connect stride 2: FactorizedReduce(C, C) = two 1x1 convs C -> C/2 stride 2, concat, BN
//   pools: no parameters (the evaluation network has no BN after a pool)
// Check: DARTS V2, C=36, 20 layers, 10 classes -> 3,349,342 params without the auxiliary head.
#include <string>

#include "common/Error.h"
#include "searchspace/DartsGenotype.h"

namespace nas {

namespace {

struct Counter {
  DartsCostCounts total;
  void conv(std::int64_t k, std::int64_t cin, std::int64_t cout, std::int64_t groups, std::int64_t hw) {
    const std::int64_t w = k * k * (cin / groups) * cout;
    total.params += w;
    total.flops += static_cast<double>(w) * static_cast<double>(hw);
  }
  void bn(std::int64_t c) { total.params += 2 * c; }
  void linear(std::int64_t in, std::int64_t out) {
    total.params += in * out + out;
    total.flops += static_cast<double>(in * out + out);
  }
  void factorizedReduce(std::int64_t cin, std::int64_t cout, std::int64_t hwOut) {
    conv(1, cin, cout / 2, 1, hwOut);
    conv(1, cin, cout / 2, 1, hwOut);
    bn(cout);
  }
};

std::int64_t halve(std::int64_t v) { return (v + 1) / 2; }  // stride 2, "same" padding

void addOp(Counter& n, DartsOp op, std::int64_t c, bool stride2, std::int64_t hwOut) {
  switch (op) {
    case DartsOp::SepConv3x3:
    case DartsOp::SepConv5x5: {
      const std::int64_t k = op == DartsOp::SepConv3x3 ? 3 : 5;
      for (int half = 0; half < 2; ++half) {
        n.conv(k, c, c, c, hwOut);
        n.conv(1, c, c, 1, hwOut);
        n.bn(c);
      }
      break;
    }
    case DartsOp::DilConv3x3:
    case DartsOp::DilConv5x5: {
      const std::int64_t k = op == DartsOp::DilConv3x3 ? 3 : 5;
      n.conv(k, c, c, c, hwOut);
      n.conv(1, c, c, 1, hwOut);
      n.bn(c);
      break;
    }
    case DartsOp::SkipConnect:
      if (stride2) n.factorizedReduce(c, c, hwOut);
      break;
    case DartsOp::MaxPool3x3:
    case DartsOp::AvgPool3x3:
    case DartsOp::None: break;
  }
}

void requirePositive(int v, const char* what) {
  if (v <= 0)
    throw Error(ErrorCode::InvalidArgument, std::string(what) + " must be positive, got " + std::to_string(v),
                "DARTS network");
}

}  // namespace

void DartsNetworkConfig::validate() const {
  requirePositive(channels, "channels");
  requirePositive(layers, "layers");
  requirePositive(stemMultiplier, "stem multiplier");
  requirePositive(inputChannels, "input channels");
  requirePositive(inputHeight, "input height");
  requirePositive(inputWidth, "input width");
  requirePositive(classes, "classes");
  if (layers < 3)
    throw Error(ErrorCode::InvalidArgument, "layers must be at least 3 (two reduction cells and a normal one)",
                "DARTS network");
  if (channels % 2 != 0)
    throw Error(ErrorCode::InvalidArgument, "channels must be even (FactorizedReduce halves them)", "DARTS network");
  // FactorizedReduce adds a path of ceil(h/2) rows to one of floor(h/2) rows: both halvings exact.
  if (inputHeight % 4 != 0 || inputWidth % 4 != 0)
    throw Error(ErrorCode::InvalidArgument,
                "input size " + std::to_string(inputHeight) + "x" + std::to_string(inputWidth) +
                    " must be divisible by 4 (two stride-2 reductions)",
                "DARTS network");
}

DartsCostCounts dartsCost(const DartsGenotype& g, const DartsNetworkConfig& m) {
  m.validate();
  g.normal.validate();
  g.reduce.validate();
  Counter n;
  std::int64_t h = m.inputHeight, w = m.inputWidth;
  std::int64_t cCurr = static_cast<std::int64_t>(m.stemMultiplier) * m.channels;
  n.conv(3, m.inputChannels, cCurr, 1, h * w);  // stem, pad 1, no bias
  n.bn(cCurr);
  std::int64_t cPP = cCurr, cP = cCurr, c = m.channels;
  bool reductionPrev = false;
  std::int64_t cAux = 0;
  for (int i = 0; i < m.layers; ++i) {
    const bool reduction = i == m.layers / 3 || i == 2 * m.layers / 3;
    if (reduction) c *= 2;
    const DartsCell& cell = reduction ? g.reduce : g.normal;
    // Preprocessing at the input resolution h x w (s0 came from twice that after a reduction).
    if (reductionPrev) n.factorizedReduce(cPP, c, h * w);
    else {
      n.conv(1, cPP, c, 1, h * w);
      n.bn(c);
    }
    n.conv(1, cP, c, 1, h * w);
    n.bn(c);
    const std::int64_t hOut = reduction ? halve(h) : h, wOut = reduction ? halve(w) : w;
    for (const auto& node : cell.nodes)
      for (const DartsConnection& conn : node)
        addOp(n, conn.op, c, reduction && conn.input < kDartsNumInputs, hOut * wOut);
    h = hOut;
    w = wOut;
    cPP = cP;
    cP = static_cast<std::int64_t>(cell.concat.size()) * c;
    reductionPrev = reduction;
    if (i == 2 * m.layers / 3) cAux = cP;
  }
  if (m.auxiliary) {
    // DARTS' AuxiliaryHeadCIFAR: ReLU, AvgPool 5 stride 3 (8x8 -> 2x2), 1x1 conv -> 128, BN, ReLU,
    // 2x2 conv -> 768, BN, ReLU, Linear. Ours pools adaptively to 2x2 so that 28x28 inputs (7x7
    // there) work too; the layers and their counts are the same.
    n.conv(1, cAux, 128, 1, 4);
    n.bn(128);
    n.conv(2, 128, 768, 1, 1);
    n.bn(768);
    n.linear(768, m.classes);
  }
  n.linear(cP, m.classes);
  return n.total;
}

}  // namespace nas
