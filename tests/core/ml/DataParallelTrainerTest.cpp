// Data-parallel training over c10d/Gloo (issue 18): two ranks on loopback, each a copy of this
// test executable started with torchrun's environment, train a small network on real
// Fashion-MNIST images; afterwards both ranks hold the same parameters, and those equal (1e-5)
// what one process computes with the same global batch. The network has no batch norm: with
// it, per-rank batch statistics would differ from the whole batch's (as in DDP without
// SyncBatchNorm, Trainer.h).
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "LoopbackRanks.h"
#include "MlTestUtil.h"
#include "common/Error.h"
#include "data/DatasetLoader.h"
#include "train/DistGroup.h"
#include "train/Trainer.h"

namespace nas {
namespace {

constexpr const char* kOutEnv = "NAS_DP_TEST_OUT";
constexpr std::int64_t kImages = 192, kBatch = 48;  // 4 steps of 48 (each rank 24)

bool haveFashionMnist() {
  return std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
}

// Conv -> ReLU -> pool -> linear, fixed seed; trained 1 epoch with augmentation (crop and
// flip: the ranks must cut their shares from the whole batch's augmentation), Nesterov
// momentum and weight decay. Returns the parameters afterwards.
std::vector<torch::Tensor> trainSmallNet(std::shared_ptr<DistGroup> group) {
  torch::set_num_threads(1);
  torch::manual_seed(7);
  auto net = std::make_shared<torch::nn::SequentialImpl>(
      torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 4, 3).padding(1)), torch::nn::ReLU(),
      torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(4)), torch::nn::Flatten(), torch::nn::Linear(4 * 7 * 7, 10));
  TrainerOptions o;
  o.lr = 0.05;
  o.batchSize = kBatch;
  o.epochs = 1;
  o.seed = 11;
  o.augment = {2, true};
  o.group = std::move(group);
  Trainer trainer(net, [net](const torch::Tensor& x) { return net->forward(x); },
                  loadImageDataset("fashion-mnist", "", true).head(kImages), o);
  while (!trainer.done()) trainer.step();
  std::vector<torch::Tensor> params;
  for (const auto& p : net->parameters()) params.push_back(p.detach().clone());
  return params;
}

double maxDifference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  double d = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) d = std::max(d, (a[i] - b[i]).abs().max().item<double>());
  return d;
}

}  // namespace

// The rank's side: runs only when started by the test below (torchrun-style environment).
TEST(DataParallelRank, TrainsItsShare) {
  const char* out = std::getenv(kOutEnv);
  if (!out) GTEST_SKIP() << "started by DataParallelTraining.TwoRanksEqualOneProcessOnTheGlobalBatch";
  auto group = processDistGroup();
  ASSERT_TRUE(group);
  std::vector<torch::Tensor> params = trainSmallNet(group);
  torch::save(params, out);
}

TEST(DataParallelTraining, TwoRanksEqualOneProcessOnTheGlobalBatch) {
  if (!distributedBuild()) GTEST_SKIP() << "built without Gloo (NAS_WITH_DISTRIBUTED off)";
  if (!haveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist absent";
  test::TempDir dir;
  const int port = test::freeLoopbackPort();
  const char* filter = "DataParallelRank.TrainsItsShare";
  const pid_t r0 = test::startRank(filter, 0, 2, port, {std::string(kOutEnv) + "=" + dir.file("rank0.pt")});
  const pid_t r1 = test::startRank(filter, 1, 2, port, {std::string(kOutEnv) + "=" + dir.file("rank1.pt")});
  ASSERT_GT(r0, 0);
  ASSERT_GT(r1, 0);
  // Generous: the ranks take about a second alone, far longer on a loaded machine.
  EXPECT_EQ(test::waitForRank(r0, std::chrono::seconds(180)), 0);
  EXPECT_EQ(test::waitForRank(r1, std::chrono::seconds(180)), 0);
  std::vector<torch::Tensor> p0, p1;
  torch::load(p0, dir.file("rank0.pt"));
  torch::load(p1, dir.file("rank1.pt"));

  const std::vector<torch::Tensor> single = trainSmallNet(nullptr);
  EXPECT_EQ(maxDifference(p0, p1), 0.0) << "the ranks drifted apart";
  const double d = maxDifference(p0, single);
  EXPECT_LT(d, 1e-5) << "2 ranks vs one process on the same global batch";
  // The training moved the weights well beyond that tolerance (the test can fail).
  torch::manual_seed(7);
  const std::vector<torch::Tensor> initial = [] {
    auto net = torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 4, 3).padding(1)), torch::nn::ReLU(),
                                     torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(4)), torch::nn::Flatten(),
                                     torch::nn::Linear(4 * 7 * 7, 10));
    std::vector<torch::Tensor> v;
    for (const auto& p : net->parameters()) v.push_back(p.detach().clone());
    return v;
  }();
  EXPECT_GT(maxDifference(single, initial), 1e-3);
  std::cout << "max |2 ranks - 1 process| = " << d << "\n";
}

TEST(DeviceParameter, AutoCpuCudaAndCudaNAreReadOthersNamed) {
  bool fellBack = true;
  EXPECT_TRUE(parseDevice("cpu", &fellBack).is_cpu());
  EXPECT_FALSE(fellBack);
  const bool cuda = torch::cuda::is_available();
  EXPECT_EQ(parseDevice("auto").is_cuda(), cuda);
  if (!cuda) {
    EXPECT_TRUE(parseDevice("cuda:1", &fellBack).is_cpu());
    EXPECT_TRUE(fellBack) << "a CUDA request on a machine without CUDA is said to have fallen back";
  } else {
    EXPECT_EQ(parseDevice("cuda:0").index(), 0);
    EXPECT_THROW(parseDevice("cuda:999"), Error);
  }
  for (const char* bad : {"gpu", "cuda:", "cuda:x", "CUDA", "cuda:-1"}) {
    try {
      parseDevice(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.context(), "device") << bad;
    }
  }
}

TEST(DataParallelTraining, TorchrunEnvironmentIsCheckedByName) {
  ::setenv("WORLD_SIZE", "2", 1);
  ::setenv("RANK", "5", 1);
  try {
    distConfigFromEnv();
    ADD_FAILURE() << "rank 5 of 2 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.context(), "RANK");
  }
  ::setenv("RANK", "1", 1);
  ::setenv("MASTER_PORT", "http", 1);
  try {
    distConfigFromEnv();
    ADD_FAILURE() << "port 'http' accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.context(), "MASTER_PORT");
  }
  ::setenv("MASTER_PORT", "29511", 1);
  const auto c = distConfigFromEnv();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rank, 1);
  EXPECT_EQ(c->worldSize, 2);
  EXPECT_EQ(c->masterPort, 29511);
  ::setenv("WORLD_SIZE", "1", 1);
  EXPECT_FALSE(distConfigFromEnv());
  for (const char* v : {"WORLD_SIZE", "RANK", "MASTER_PORT"}) ::unsetenv(v);
}

}  // namespace nas
