// The evaluation network of a genotype: its parameter count equals the closed-form dartsCost
// (so the FLOPs/params the workspace stores describe what trains), the auxiliary head is left
// out of both, cutout zeroes one clipped square per image, and a training stopped after an epoch
// and resumed from its checkpoint ends with the weights of an uninterrupted one (drop path,
// cutout, augmentation and the auxiliary head all on).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ScratchTraining.h"
#include "common/Error.h"
#include "data/DatasetLoader.h"
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

TEST(ScratchTraining, StoppedAfterAnEpochAndResumedEndsExactlyAsUninterrupted) {
  torch::set_num_threads(1);
  const DartsGenotype g = dartsV2Genotype();
  const std::vector<ActiveOps> cells{fromDartsCell(g.normal), fromDartsCell(g.reduce)};
  ScratchOptions o;
  o.channels = 4;
  o.layers = 3;
  o.epochs = 3;
  o.batchSize = 16;
  o.cutout = 8;
  o.dropPath = 0.3;
  o.auxWeight = 0.4;
  o.seed = 4;
  const ImageDataset data = loadImageDataset("synthetic", "", true).head(48);
  const Normalization norm = datasetNormalization("synthetic", 1);
  ScratchTrainer straight(o, cells, 1, 4);
  straight.run(data, nullptr, norm, nullptr, nullptr);

  std::string checkpoint;
  {
    ScratchTrainer first(o, cells, 1, 4);
    int done = 0;
    EXPECT_THROW(first.run(data, nullptr, norm, [&](std::int64_t, std::int64_t, double) { return done < 1; },
                           [&](const ScratchEpoch&) {
                             ++done;
                             checkpoint = first.saveState();
                           }),
                 Error);
  }
  torch::rand({1000});  // the generator moved on, as in another process
  ScratchTrainer resumed(o, cells, 1, 4);
  resumed.loadState(checkpoint);
  EXPECT_EQ(1, resumed.epoch());
  resumed.run(data, nullptr, norm, nullptr, nullptr);
  const auto a = straight.net()->named_parameters(), b = resumed.net()->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
}

}  // namespace
}  // namespace nas::entrannas
