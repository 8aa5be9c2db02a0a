// Data-parallel NB201 supernet training (issue 18): two Gloo ranks on loopback, each a copy of
// this executable with torchrun's environment, train the single-path supernet on real
// Fashion-MNIST images. The sampled path is a function of (seed, step), so both ranks train
// the same path each step without a broadcast. Afterwards the ranks hold identical weights,
// equal (1e-5) to one process on the same global batch with forwardChunks = 2: the supernet
// has batch norm, and each rank normalises its share by the share's statistics (DDP without
// SyncBatchNorm), which the chunked forward of one process reproduces.
// A cancelled rank 0 stops both ranks before the same step (the stop flag in the gradient
// all-reduce).
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "LoopbackRanks.h"
#include "MlTestUtil.h"
#include "common/Error.h"
#include "eval/QueryData.h"
#include "eval/QuerySources.h"
#include "nn/Nb201Supernet.h"
#include "train/DistGroup.h"
#include "train/MlInfo.h"
#include "train/Nb201Run.h"

namespace nas {
namespace {

constexpr const char* kOutEnv = "NAS_DP_SUPERNET_TEST_OUT";

bool haveFashionMnist() {
  return std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
}

// 192 training images, batch 48: 4 steps, each rank 24 images a step. Every op is on the
// sampled path of some step with high probability, but not all: the ops no rank used must keep
// no gradient (DistGroup), or weight decay would move them on the ranks and not in one process.
SupernetSourceConfig smallSupernet() {
  SupernetSourceConfig c;
  c.data.dataset = "fashion-mnist";
  c.data.valImages = 16;
  c.data.trainLimit = 192;
  c.data.splitSeed = 5;
  c.channels = 4;
  c.cellsPerStage = 1;
  c.epochs = 1;
  c.batch = 48;
  c.lr = 0.05;
  c.seed = 9;
  c.device = "cpu";
  return c;
}

// The supernet parameters inside a trainSupernet state.
std::vector<torch::Tensor> parametersOf(const SupernetSourceConfig& config, const std::string& state) {
  const QueryData data = loadQueryData(config.data);
  Nb201Supernet net(nb201MacroFor(data.train, config.channels, config.cellsPerStage));
  torch::serialize::InputArchive archive, model;
  std::istringstream in(state, std::ios::binary);
  archive.load_from(in);
  archive.read("model", model);
  net->load(model);
  std::vector<torch::Tensor> out;
  for (const auto& p : net->parameters()) out.push_back(p.detach().clone());
  return out;
}

std::vector<torch::Tensor> initialParameters(const SupernetSourceConfig& config) {
  const QueryData data = loadQueryData(config.data);
  torch::manual_seed(config.seed);  // as trainSupernet initialises
  Nb201Supernet net(nb201MacroFor(data.train, config.channels, config.cellsPerStage));
  std::vector<torch::Tensor> out;
  for (const auto& p : net->parameters()) out.push_back(p.detach().clone());
  return out;
}

double maxDifference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  double d = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) d = std::max(d, (a[i] - b[i]).abs().max().item<double>());
  return d;
}

}  // namespace

// The rank's side: runs only when started by the test below.
TEST(SupernetDataParallelRank, TrainsItsShare) {
  const char* out = std::getenv(kOutEnv);
  if (!out) GTEST_SKIP() << "started by SupernetDataParallel.TwoRanksEqualOneProcessOnTheGlobalBatch";
  setTorchThreads(1);
  SupernetTrainHooks hooks;
  hooks.group = processDistGroup();
  ASSERT_TRUE(hooks.group);
  const SupernetSourceConfig config = smallSupernet();
  torch::save(parametersOf(config, trainSupernet(config, hooks)), out);
}

TEST(SupernetDataParallel, TwoRanksEqualOneProcessOnTheGlobalBatch) {
  if (!distributedBuild()) GTEST_SKIP() << "built without Gloo (NAS_WITH_DISTRIBUTED off)";
  if (!haveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist absent";
  test::TempDir dir;
  const int port = test::freeLoopbackPort();
  const char* filter = "SupernetDataParallelRank.TrainsItsShare";
  const pid_t r0 = test::startRank(filter, 0, 2, port, {std::string(kOutEnv) + "=" + dir.file("rank0.pt")});
  const pid_t r1 = test::startRank(filter, 1, 2, port, {std::string(kOutEnv) + "=" + dir.file("rank1.pt")});
  ASSERT_GT(r0, 0);
  ASSERT_GT(r1, 0);
  // Generous: the ranks take a few seconds alone, far longer on a loaded machine.
  EXPECT_EQ(test::waitForRank(r0, std::chrono::seconds(240)), 0);
  EXPECT_EQ(test::waitForRank(r1, std::chrono::seconds(240)), 0);
  std::vector<torch::Tensor> p0, p1;
  torch::load(p0, dir.file("rank0.pt"));
  torch::load(p1, dir.file("rank1.pt"));

  setTorchThreads(1);
  const SupernetSourceConfig config = smallSupernet();
  SupernetTrainHooks chunked;
  chunked.forwardChunks = 2;
  const std::vector<torch::Tensor> single = parametersOf(config, trainSupernet(config, chunked));
  EXPECT_EQ(maxDifference(p0, p1), 0.0) << "the ranks drifted apart";
  const double d = maxDifference(p0, single);
  EXPECT_LT(d, 1e-5) << "2 ranks vs one process on the same global batch";
  // The training moved the weights well beyond that tolerance (the test can fail) ...
  EXPECT_GT(maxDifference(single, initialParameters(config)), 1e-3);
  // ... and the chunks matter: the whole batch's statistics give another result.
  const std::vector<torch::Tensor> whole = parametersOf(config, trainSupernet(config));
  EXPECT_GT(maxDifference(single, whole), 1e-5);
  std::cout << "max |2 ranks - 1 process| = " << d << ", |chunked - whole batch| = " << maxDifference(single, whole)
            << "\n";
}

// The rank's side of the stop test below: rank 0's cancel shows at its second check.
TEST(SupernetDataParallelRank, StopsWithRankZero) {
  const char* out = std::getenv("NAS_DP_SUPERNET_STOP_OUT");
  if (!out) GTEST_SKIP() << "started by SupernetDataParallel.CancelledRankZeroStopsEveryRankAtTheSameStep";
  setTorchThreads(1);
  SupernetTrainHooks hooks;
  hooks.group = processDistGroup();
  ASSERT_TRUE(hooks.group);
  if (hooks.group->rank() == 0) hooks.cancel.addPoll([n = 0]() mutable { return ++n >= 2; });
  std::string what = "finished";
  try {
    trainSupernet(smallSupernet(), hooks);
  } catch (const Error& e) {
    what = std::string(e.code() == ErrorCode::Cancelled ? "cancelled: " : "failed: ") + e.message();
  }
  std::ofstream(out) << what;
}

// Rank 0's cancel reaches rank 1 inside the next step's gradient all-reduce (stopBeforeStep):
// both stop before the same step, rank 1 without waiting for a collective timeout (60 s here,
// the ranks get 240 s).
TEST(SupernetDataParallel, CancelledRankZeroStopsEveryRankAtTheSameStep) {
  if (!distributedBuild()) GTEST_SKIP() << "built without Gloo (NAS_WITH_DISTRIBUTED off)";
  if (!haveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist absent";
  test::TempDir dir;
  const int port = test::freeLoopbackPort();
  const char* filter = "SupernetDataParallelRank.StopsWithRankZero";
  const pid_t r0 = test::startRank(filter, 0, 2, port, {"NAS_DP_SUPERNET_STOP_OUT=" + dir.file("rank0.txt")});
  const pid_t r1 = test::startRank(filter, 1, 2, port, {"NAS_DP_SUPERNET_STOP_OUT=" + dir.file("rank1.txt")});
  ASSERT_GT(r0, 0);
  ASSERT_GT(r1, 0);
  EXPECT_EQ(test::waitForRank(r0, std::chrono::seconds(240)), 0);
  EXPECT_EQ(test::waitForRank(r1, std::chrono::seconds(240)), 0);
  auto text = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string said0 = text(dir.file("rank0.txt")), said1 = text(dir.file("rank1.txt"));
  // Rank 0 sees the cancel before batch 1 (its second check), sends the stop with that step, and
  // both stop before batch 2 (of 4).
  EXPECT_EQ(said0, "cancelled: supernet training cancelled at epoch 1, batch 2");
  EXPECT_EQ(said1, said0) << "rank 1 stopped elsewhere than rank 0";
  std::cout << "rank 0: " << said0 << "\nrank 1: " << said1 << "\n";
}

}  // namespace nas
