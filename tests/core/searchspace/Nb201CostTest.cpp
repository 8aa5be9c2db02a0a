// Params and FLOPs of the NAS-Bench-201 macro network against the benchmark's published
// figures, plus hand-computed deltas per op and the input-shape parser.
#include <gtest/gtest.h>

#include <cmath>

#include "common/Error.h"
#include "searchspace/Nb201Cell.h"

using namespace nas;

namespace {
Nb201Cell uniform(Nb201Op op) { return Nb201Cell({op, op, op, op, op, op}); }
}  // namespace

TEST(Nb201Cost, AllConv3x3MatchesThePublishedFigures) {
  CostCounts c = nb201Cost(uniform(Nb201Op::Conv3x3));
  EXPECT_EQ(c.params, 1531546);
  EXPECT_DOUBLE_EQ(c.flops, 220119690.0);
  EXPECT_EQ(std::round(c.flops / 1e4) / 100.0, 220.12);
}

TEST(Nb201Cost, AllNoneIsTheBenchmarkMinimum) {
  // Published minimum over the space: 7.78 MFLOPs, 0.073 M params (cells add nothing).
  for (Nb201Op op : {Nb201Op::None, Nb201Op::SkipConnect, Nb201Op::AvgPool3x3}) {
    CostCounts c = nb201Cost(uniform(op));
    EXPECT_EQ(c.params, 73306);
    EXPECT_DOUBLE_EQ(c.flops, 7783050.0);
  }
}

TEST(Nb201Cost, EachEdgeAddsItsConvCost) {
  // One conv1x1 edge: 5 cells per stage at 16@32x32, 32@16x16, 64@8x8.
  CostCounts base = nb201Cost(Nb201Cell());
  CostCounts one = nb201Cost(Nb201Cell::fromEncoding({2, 0, 0, 0, 0, 0}));
  EXPECT_EQ(one.params - base.params, 5 * (16 * 16 + 32) + 5 * (32 * 32 + 64) + 5 * (64 * 64 + 128));
  EXPECT_DOUBLE_EQ(one.flops - base.flops, 5.0 * (256 * 1024 + 1024 * 256 + 4096 * 64));
  // The benchmark's best cell: four 3x3 convs and one 1x1.
  CostCounts best = nb201Cost(Nb201Cell::fromEncoding({3, 3, 3, 1, 3, 2}));
  CostCounts conv3 = nb201Cost(uniform(Nb201Op::Conv3x3));
  EXPECT_EQ(best.params, base.params + 4 * (conv3.params - base.params) / 6 + (one.params - base.params));
}

TEST(Nb201Cost, MacroOptionsChangeTheCounts) {
  Nb201MacroConfig m;
  m.classes = 100;
  EXPECT_EQ(nb201Cost(Nb201Cell(), m).params, 73306 + 90 * 64 + 90);
  m = {};
  m.inputHeight = m.inputWidth = 16;  // ImageNet16-120 resolution: a quarter of the conv work
  m.classes = 10;
  CostCounts small = nb201Cost(uniform(Nb201Op::Conv3x3), m);
  EXPECT_EQ(small.params, 1531546);
  EXPECT_DOUBLE_EQ(small.flops, (220119690.0 - 650.0) / 4.0 + 650.0);
  m.inputHeight = 30;
  EXPECT_THROW(nb201Cost(Nb201Cell(), m), Error);
  m = {};
  m.channels = 0;
  EXPECT_THROW(nb201Cost(Nb201Cell(), m), Error);
}

TEST(Nb201Cost, ParseInputShape) {
  Nb201MacroConfig m;
  parseInputShape(" 1x28X28 ", m);
  EXPECT_EQ(m.inputChannels, 1);
  EXPECT_EQ(m.inputHeight, 28);
  EXPECT_EQ(m.inputWidth, 28);
  for (const char* bad : {"", "3x32", "3x32x32x1", "3*32*32", "ax32x32", "3x0x32", "3x32x", "-3x32x32"}) {
    try {
      parseInputShape(bad, m);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::ParseError) << bad;
      EXPECT_NE(e.message().find("CxHxW"), std::string::npos);
    }
  }
  EXPECT_EQ(m.inputChannels, 1);  // untouched by failures
}
