// The trainer: loss falls on the synthetic set, and a checkpointed run resumes bit for bit.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "common/Error.h"
#include "data/SyntheticDataset.h"
#include "nn/Nb201Network.h"
#include "train/CosineSchedule.h"
#include "train/MlInfo.h"
#include "train/Trainer.h"

using namespace nas;

namespace {

const char* kCell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|";

Nb201MacroConfig smallMacro() {
  Nb201MacroConfig m;
  m.channels = 4;
  m.cellsPerStage = 1;
  m.inputChannels = 1;
  m.inputHeight = m.inputWidth = 16;
  m.classes = 4;
  return m;
}

ImageDataset smallSet(std::int64_t n = 256) {
  SyntheticOptions o;
  o.size = n;
  return makeSyntheticDataset(o);
}

struct TrainRun {
  Nb201Network net{nullptr};
  std::unique_ptr<Trainer> trainer;
};

TrainRun makeRun(std::uint64_t initSeed, const ImageDataset& data, TrainerOptions o) {
  torch::manual_seed(initSeed);
  TrainRun r;
  r.net = Nb201Network(Nb201Cell::parse(kCell), smallMacro());
  Nb201Network net = r.net;
  r.trainer = std::make_unique<Trainer>(
      r.net.ptr(), [net](const torch::Tensor& x) mutable { return net->forward(x); }, data, o);
  return r;
}

void expectSameState(torch::nn::Module& a, torch::nn::Module& b) {
  auto pa = a.named_parameters(), pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& item : pa) EXPECT_TRUE(torch::equal(item.value(), pb[item.key()])) << item.key();
  auto ba = a.named_buffers(), bb = b.named_buffers();
  for (const auto& item : ba) EXPECT_TRUE(torch::equal(item.value(), bb[item.key()])) << item.key();
}

}  // namespace

TEST(CosineSchedule, PerStepAnnealing) {
  EXPECT_DOUBLE_EQ(cosineLr(0.1, 0, 100), 0.1);
  EXPECT_NEAR(cosineLr(0.1, 50, 100), 0.05, 1e-12);
  EXPECT_NEAR(cosineLr(0.1, 100, 100), 0.0, 1e-12);
}

TEST(Trainer, LossFallsOnSyntheticSet) {
  setTorchThreads(1);  // tiny convolutions: a second thread only adds synchronisation
  TrainerOptions o;
  o.lr = 0.05;
  o.epochs = 4;
  o.batchSize = 32;
  o.seed = 1;
  o.labelSmoothing = 0.1;
  const ImageDataset data = smallSet();
  TrainRun run = makeRun(1, data, o);
  std::vector<double> losses;
  while (!run.trainer->done()) losses.push_back(run.trainer->step().loss);
  ASSERT_EQ(losses.size(), 32u);
  const double first = (losses[0] + losses[1] + losses[2] + losses[3]) / 4;
  const double last = (losses[28] + losses[29] + losses[30] + losses[31]) / 4;
  EXPECT_LT(last, 0.6 * first) << "first " << first << " last " << last;
  SyntheticOptions testOpt;
  testOpt.size = 128;
  testOpt.seed = 9;
  const EvalResult ev = run.trainer->evaluate(makeSyntheticDataset(testOpt));
  EXPECT_EQ(ev.count, 128);
  EXPECT_GT(ev.accuracy, 0.6);
}

TEST(Trainer, CheckpointResumesBitForBit) {
  setTorchThreads(2);  // with two threads, so that the claim covers parallel kernels
  TrainerOptions o;
  o.epochs = 2;
  o.batchSize = 32;
  o.seed = 5;
  o.augment = {2, true};  // the batcher's generator drives augmentation: it must resume too
  o.labelSmoothing = 0.1;
  const ImageDataset data = smallSet(200);

  TrainRun straight = makeRun(11, data, o);
  while (!straight.trainer->done()) straight.trainer->step();

  // Epoch boundary: 1 epoch, checkpoint, restore into a fresh model and trainer, 1 epoch.
  TrainRun first = makeRun(11, data, o);
  while (first.trainer->position().epoch < 1) first.trainer->step();
  const std::string bytes = first.trainer->checkpoint("{\"note\": 1}");
  torch::manual_seed(999);  // disturb torch's generator: restore must put it back
  torch::rand({10});
  TrainRun resumed = makeRun(77, data, o);  // different initial weights, overwritten by restore
  EXPECT_EQ(resumed.trainer->restore(bytes), "{\"note\": 1}");
  EXPECT_EQ(resumed.trainer->position().epoch, 1);
  EXPECT_EQ(resumed.trainer->position().batch, 0);
  while (!resumed.trainer->done()) resumed.trainer->step();
  expectSameState(*straight.net, *resumed.net);

  // Mid-epoch: stop after 3 batches of epoch 0.
  TrainRun part = makeRun(11, data, o);
  for (int i = 0; i < 3; ++i) part.trainer->step();
  TrainRun mid = makeRun(5, data, o);
  mid.trainer->restore(part.trainer->checkpoint());
  EXPECT_EQ(mid.trainer->globalStep(), 3);
  while (!mid.trainer->done()) mid.trainer->step();
  expectSameState(*straight.net, *mid.net);
}

TEST(Trainer, RestoreRefusesForeignBytes) {
  TrainerOptions o;
  o.batchSize = 32;
  const ImageDataset data = smallSet(64);
  TrainRun run = makeRun(1, data, o);
  EXPECT_THROW(run.trainer->restore("not a checkpoint"), Error);
  TrainerOptions other = o;
  other.epochs = 3;
  TrainRun longer = makeRun(1, data, other);
  try {
    longer.trainer->restore(run.trainer->checkpoint());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData);
    EXPECT_NE(std::string(e.what()).find("total steps"), std::string::npos) << e.what();
  }
}
