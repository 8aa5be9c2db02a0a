// The shared epoch checkpoint (core/train/EpochCheckpoint): entries round-trip (a model and its
// SGD momentum continue exactly where they stopped), bad bytes and missing or mis-shaped
// entries are CorruptData naming the checkpoint, and the two exact-resume helpers.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "common/Error.h"
#include "train/EpochCheckpoint.h"

using namespace nas;

namespace {

struct Pair {
  torch::nn::Linear net{nullptr};
  std::unique_ptr<torch::optim::SGD> sgd;
  explicit Pair(std::uint64_t seed) {
    torch::manual_seed(seed);
    net = torch::nn::Linear(3, 2);
    sgd = std::make_unique<torch::optim::SGD>(net->parameters(),
                                              torch::optim::SGDOptions(0.1).momentum(0.9).weight_decay(0.01));
  }
  void step(int i) {
    sgd->zero_grad();
    const torch::Tensor x = torch::arange(6, torch::kFloat).reshape({2, 3}) * (0.1 * (i + 1));
    net->forward(x).pow(2).sum().backward();
    sgd->step();
  }
};

ErrorCode codeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ("test checkpoint", e.context()) << e.what();
    return e.code();
  }
  return ErrorCode::Invalid;  // nothing thrown
}

TEST(EpochCheckpoint, EntriesRoundTripAndTrainingContinuesExactly) {
  Pair a(1);
  a.step(0);
  a.step(1);
  EpochCheckpointWriter w(2);
  const torch::Tensor alpha = torch::tensor({0.5, -1.0, 2.0});
  w.tensor("alpha", alpha);
  w.module("net", *a.net);
  w.optimizer("sgd", *a.sgd);
  w.text("fixed", "3x3+1x1");
  const std::string bytes = w.bytes();

  Pair b(2);  // other initial weights, no momentum yet
  EpochCheckpointReader r(bytes, "test checkpoint");
  EXPECT_EQ(2, r.epochsDone());
  torch::Tensor into = torch::zeros({3}).set_requires_grad(true);
  r.tensorInto("alpha", into);
  EXPECT_TRUE(torch::equal(alpha, into.detach()));
  EXPECT_TRUE(into.requires_grad());
  r.module("net", *b.net);
  r.optimizer("sgd", *b.sgd);
  EXPECT_EQ("3x3+1x1", r.text("fixed"));
  for (int i = 2; i < 5; ++i) {
    a.step(i);
    b.step(i);
  }
  // Same weights after three more momentum steps: the momentum buffers came back too.
  EXPECT_TRUE(torch::equal(a.net->weight, b.net->weight));
  EXPECT_TRUE(torch::equal(a.net->bias, b.net->bias));
}

TEST(EpochCheckpoint, BadBytesAndEntriesAreCorruptDataNamingTheCheckpoint) {
  EXPECT_EQ(ErrorCode::CorruptData, codeOf([] { EpochCheckpointReader("not an archive", "test checkpoint"); }));
  EXPECT_EQ(ErrorCode::CorruptData, codeOf([] { EpochCheckpointReader("", "test checkpoint"); }));
  {  // another format number
    torch::serialize::OutputArchive a;
    a.write("format", c10::IValue(std::int64_t{2}));
    a.write("epoch", c10::IValue(std::int64_t{1}));
    std::ostringstream out(std::ios::binary);
    a.save_to(out);
    const std::string bytes = out.str();
    EXPECT_EQ(ErrorCode::CorruptData, codeOf([&] { EpochCheckpointReader(bytes, "test checkpoint"); }));
  }
  EpochCheckpointWriter w(1);
  w.tensor("alpha", torch::zeros({2, 3}));
  const std::string bytes = w.bytes();
  EpochCheckpointReader r(bytes, "test checkpoint");
  torch::Tensor wrongShape = torch::zeros({3, 2});
  EXPECT_EQ(ErrorCode::CorruptData, codeOf([&] { r.tensorInto("alpha", wrongShape); }));
  EXPECT_EQ(ErrorCode::CorruptData, codeOf([&] { r.tensorInto("beta", wrongShape); }));
  Pair p(0);
  EXPECT_EQ(ErrorCode::CorruptData, codeOf([&] { r.module("net", *p.net); }));
  EXPECT_EQ(ErrorCode::CorruptData, codeOf([&] { r.optimizer("sgd", *p.sgd); }));
  EXPECT_EQ(ErrorCode::CorruptData, codeOf([&] { r.text("fixed"); }));
}

TEST(EpochCheckpoint, SeedEpochRepeatsPerEpochAndDiffersAcrossEpochsAndSeeds) {
  seedEpoch(7, 3);
  const torch::Tensor a = torch::rand({4});
  torch::rand({100});  // whatever ran in between
  seedEpoch(7, 3);
  EXPECT_TRUE(torch::equal(a, torch::rand({4})));
  seedEpoch(7, 4);
  EXPECT_FALSE(torch::equal(a, torch::rand({4})));
  seedEpoch(8, 3);
  EXPECT_FALSE(torch::equal(a, torch::rand({4})));
}

TEST(EpochCheckpoint, DefineZeroGradsFillsOnlyMissingGradients) {
  torch::Tensor used = torch::ones({2}).set_requires_grad(true), unused = torch::ones({3}).set_requires_grad(true);
  (used * 3).sum().backward();
  ASSERT_FALSE(unused.grad().defined());
  defineZeroGrads({used, unused});
  EXPECT_TRUE(torch::equal(used.grad(), torch::full({2}, 3.0f)));
  ASSERT_TRUE(unused.grad().defined());
  EXPECT_TRUE(torch::equal(unused.grad(), torch::zeros({3})));
  // With a zero gradient SGD applies weight decay to the unused parameter, as it does in an
  // uninterrupted run after zero_grad().
  torch::optim::SGD sgd({unused}, torch::optim::SGDOptions(0.5).weight_decay(0.1));
  sgd.step();
  EXPECT_TRUE(torch::allclose(unused.detach(), torch::full({3}, 0.95f)));
}

}  // namespace
