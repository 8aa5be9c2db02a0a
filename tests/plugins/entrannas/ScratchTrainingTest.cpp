// The evaluation network of a genotype: its parameter count equals the closed-form dartsCost
// (so the FLOPs/params the workspace stores describe what trains), the auxiliary head is left
// out of both, and cutout zeroes one clipped square per image.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ScratchTraining.h"
#include "searchspace/DartsGenotype.h"

namespace nas::entrannas {
namespace {

TEST(ScratchTraining, ParameterCountMatchesTheClosedForm) {
  DartsGenotype g = dartsV2Genotype();
  g.normal.nodes[1].push_back({DartsOp::SepConv5x5, 2});  // an extended cell: three inputs at node 3
  g.reduce.nodes[0].push_back({DartsOp::DilConv5x5, 1});
  const std::vector<ActiveOps> cells{fromDartsCell(g.normal), fromDartsCell(g.reduce)};
  for (double aux : {0.0, 0.4}) {
    ScratchOptions o;
    o.channels = 6;
    o.layers = 5;
    o.auxWeight = aux;
    ScratchTrainer t(o, cells, 1, 10);
    DartsNetworkConfig m;
    m.channels = 6;
    m.layers = 5;
    m.inputChannels = 1;
    m.inputHeight = m.inputWidth = 28;
    EXPECT_EQ(dartsCost(g, m).params, t.parameterCount()) << "aux " << aux;
  }
}

TEST(ScratchTraining, CutoutZeroesOneClippedSquarePerImage) {
  const torch::Tensor x = torch::ones({6, 1, 12, 12});
  const torch::Tensor y = cutoutBatch(x, 4, 7);
  for (int i = 0; i < 6; ++i) {
    const double zeros = (y[i] == 0).sum().item<double>();
    EXPECT_GT(zeros, 0.0);
    EXPECT_LE(zeros, 16.0);
  }
  EXPECT_TRUE(torch::equal(x, cutoutBatch(x, 0, 7)));
}

}  // namespace
}  // namespace nas::entrannas
