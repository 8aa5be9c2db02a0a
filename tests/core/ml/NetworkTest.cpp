// NAS-Bench-201 modules: parameter counts against nb201Cost, output shapes, and the
// supernet's single-path and mixed forwards against standalone networks.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "common/Error.h"
#include "nn/Nb201Network.h"
#include "nn/Nb201Supernet.h"

using namespace nas;

namespace {

const char* kOptimum = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";

Nb201Cell allOps(Nb201Op op) {
  std::array<Nb201Op, kNb201NumEdges> ops;
  ops.fill(op);
  return Nb201Cell(ops);
}

Nb201MacroConfig macro(int c, int n, int inC, int hw, int classes = 10) {
  Nb201MacroConfig m;
  m.channels = c;
  m.cellsPerStage = n;
  m.inputChannels = inC;
  m.inputHeight = m.inputWidth = hw;
  m.classes = classes;
  return m;
}

}  // namespace

TEST(Nb201Network, ParamsOfThePublishedConfig) {
  const Nb201Cell cell = allOps(Nb201Op::Conv3x3);
  Nb201Network net(cell, macro(16, 5, 3, 32));
  EXPECT_EQ(countParameters(*net), 1531546);
  EXPECT_EQ(countParameters(*net), nb201Cost(cell, macro(16, 5, 3, 32)).params);
}

TEST(Nb201Network, ParamsEqualNb201CostAcrossCells) {
  std::vector<Nb201Cell> cells = {Nb201Cell::parse(kOptimum), allOps(Nb201Op::None), allOps(Nb201Op::SkipConnect),
                                  allOps(Nb201Op::Conv1x1), allOps(Nb201Op::AvgPool3x3)};
  for (int i : {1, 77, 4242, 15624}) cells.push_back(Nb201Cell::fromIndex(i));
  for (const auto& m : {macro(16, 5, 3, 32), macro(16, 5, 1, 28), macro(8, 2, 1, 16, 4)})
    for (const Nb201Cell& cell : cells) {
      Nb201Network net(cell, m);
      EXPECT_EQ(countParameters(*net), nb201Cost(cell, m).params) << cell.toString() << " C=" << m.channels;
    }
  // `none` edges are not built at all: no module for them.
  Nb201InferCell c(Nb201Cell::parse("|none~0|+|nor_conv_3x3~0|none~1|+|none~0|none~1|skip_connect~2|"), 8);
  EXPECT_EQ(c->children().size(), 2u);
}

TEST(Nb201Network, OutputShapes) {
  Nb201Network fm(Nb201Cell::parse(kOptimum), macro(16, 5, 1, 28));
  EXPECT_EQ(fm->forward(torch::randn({2, 1, 28, 28})).sizes(), (std::vector<std::int64_t>{2, 10}));
  Nb201Network cifar(Nb201Cell::parse(kOptimum), macro(4, 1, 3, 32, 100));
  EXPECT_EQ(cifar->forward(torch::randn({3, 3, 32, 32})).sizes(), (std::vector<std::int64_t>{3, 100}));
  // A cell with no path to the output still yields logits (all from the classifier bias).
  Nb201Network dead(allOps(Nb201Op::None), macro(4, 1, 3, 32));
  EXPECT_EQ(dead->forward(torch::randn({2, 3, 32, 32})).sizes(), (std::vector<std::int64_t>{2, 10}));
  EXPECT_THROW(Nb201Network(Nb201Cell(), macro(0, 1, 3, 32)), Error);
}

TEST(Nb201Supernet, SinglePathEqualsStandaloneNetwork) {
  torch::manual_seed(3);
  const Nb201MacroConfig m = macro(8, 2, 3, 32);
  Nb201Supernet super(m);
  // Train-mode forwards through a few paths move the BN running statistics away from
  // (0, 1), so the comparison in eval mode exercises them.
  {
    torch::NoGradGuard ng;
    super->train();
    for (int i : {100, 5000, 9999, 15624}) super->forward(torch::randn({8, 3, 32, 32}), Nb201Cell::fromIndex(i));
  }
  super->eval();
  const torch::Tensor x = torch::randn({4, 3, 32, 32});
  std::vector<Nb201Cell> cells = {Nb201Cell::parse(kOptimum), Nb201Cell::fromIndex(100), Nb201Cell::fromIndex(9999),
                                  Nb201Cell::parse("|none~0|+|avg_pool_3x3~0|none~1|+|none~0|none~1|nor_conv_1x1~2|")};
  for (const Nb201Cell& cell : cells) {
    Nb201Network net(cell, m);
    super->copyWeightsTo(*net);
    net->eval();
    torch::NoGradGuard ng;
    const torch::Tensor a = super->forward(x, cell);
    const torch::Tensor b = net->forward(x);
    EXPECT_LT((a - b).abs().max().item<double>(), 1e-5) << cell.toString();
    // One-hot mixed weights take the same path.
    torch::Tensor w = torch::zeros({6, 5});
    for (int e = 0; e < 6; ++e) w[e][static_cast<int>(cell.op(e))] = 1.0;
    EXPECT_LT((super->forward(x, w) - b).abs().max().item<double>(), 1e-5) << cell.toString();
  }
}

TEST(Nb201Supernet, MixedForwardShapesAndGradients) {
  torch::manual_seed(4);
  for (const auto& m : {macro(4, 1, 1, 28), macro(4, 1, 3, 32)}) {
    Nb201Supernet super(m);
    const torch::Tensor x = torch::randn({2, m.inputChannels, m.inputHeight, m.inputWidth});
    torch::Tensor alpha = torch::zeros({6, 5}, torch::requires_grad());
    torch::Tensor out = super->forward(x, torch::softmax(alpha, 1));
    EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{2, 10}));
    out.sum().backward();
    ASSERT_TRUE(alpha.grad().defined());
    EXPECT_GT(alpha.grad().abs().sum().item<double>(), 0.0);
    EXPECT_EQ(super->forward(x, Nb201Cell::parse(kOptimum)).sizes(), (std::vector<std::int64_t>{2, 10}));
  }
  Nb201Supernet super(macro(4, 1, 3, 32));
  EXPECT_THROW(super->forward(torch::randn({1, 3, 32, 32}), torch::ones({5, 5})), Error);
}
