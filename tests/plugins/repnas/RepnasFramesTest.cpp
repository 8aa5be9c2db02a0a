// What a RepNAS job shows in the Heat Maps tab: grids shaped layers x branches, a block drawn
// with one edge per branch before merging and one conv after, the richest layer chosen.
#include <gtest/gtest.h>

#include "RepnasFrames.h"
#include "engine/GridSamples.h"

namespace nas::repnas {

namespace {

RepnasSpace miniSpace() { return buildRepnasSpace(repnasPreset("mini"), 1, 28, 10); }

}  // namespace

TEST(RepnasFrames, EpochGridsAreLayersByBranchesWithProbabilitiesWhenSearching) {
  const RepnasSpace space = miniSpace();
  EpochReport r;
  r.arch.assign(std::size_t(space.numLayers()), maskOf(Branch::Kxk));
  r.arch[1] = BranchMask(maskOf(Branch::Conv1x1) | maskOf(Branch::ConvKx1));
  Json grids = epochGrids(space, r);
  ASSERT_EQ(1u, grids.size());
  HeatGrid kept = parseHeatGrid(grids[0]);
  EXPECT_EQ(std::size_t(space.numLayers()), kept.rows.size());
  EXPECT_EQ(std::size_t(kNumSearchable), kept.columns.size());
  EXPECT_EQ("stem", kept.rows[0]);
  EXPECT_EQ(1.0, kept.values[1][1]);  // 1x1
  EXPECT_EQ(0.0, kept.values[1][0]);  // kxk dropped there
  EXPECT_EQ(1.0, kept.values[1][5]);  // kx1

  r.probs.assign(std::size_t(space.numLayers()) * kNumSearchable, 0.25);
  r.probs[kNumSearchable + 2] = 0.9;
  grids = epochGrids(space, r);
  ASSERT_EQ(2u, grids.size());
  const HeatGrid probs = parseHeatGrid(grids[1]);
  EXPECT_DOUBLE_EQ(0.9, probs.values[1][2]);
  EXPECT_DOUBLE_EQ(0.25, probs.values[0][0]);
}

TEST(RepnasFrames, ABlockHasOneEdgePerBranchBeforeAndOneConvAfter) {
  const RepnasSpace space = miniSpace();
  const BranchMask mask = BranchMask(maskOf(Branch::Kxk) | maskOf(Branch::Conv1x1Avg) | maskOf(Branch::Identity));
  const GraphForm before = blockGraph(space, mask, false);
  int intoSum = 0;
  for (const auto& e : before.edges) intoSum += e.to == 1;
  EXPECT_EQ(3, intoSum);
  const GraphForm after = blockGraph(space, mask, true);
  ASSERT_EQ(1u, after.edges.size());
  EXPECT_EQ("conv_3x3", after.edges[0].op);
}

TEST(RepnasFrames, TheDeployedFrameDrawsTheRichestLayer) {
  const RepnasSpace space = miniSpace();
  std::vector<BranchMask> masks(std::size_t(space.numLayers()), maskOf(Branch::Kxk));
  masks[3] = BranchMask(maskOf(Branch::Kxk) | maskOf(Branch::Conv1x1) | maskOf(Branch::Conv1xK));
  EXPECT_EQ(3, richestLayer(space, masks));
  FormFigures f;
  f.accuracy = 0.8123;
  f.deployedAccuracy = 0.8123;
  f.multiMs = 2.0;
  f.deployedMs = 0.5;
  SampleRecord s;
  s.id = 1;
  s.payloadJson = deployedFrame(space, masks, f).dump();
  const GridRun run = readGridRun({s});
  ASSERT_EQ(1u, run.frames.size());
  ASSERT_EQ(2u, run.frames[0].graphs.size());
  EXPECT_EQ("layer 3 before merging", run.frames[0].graphs[0].first);
  EXPECT_EQ("81.23 %", run.frames[0].table->rows[0][1]);
  EXPECT_EQ("0.500 ms", run.frames[0].table->rows[1][2]);
}

}  // namespace nas::repnas
