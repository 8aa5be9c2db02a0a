// Issue 18 for RepNAS: the job's `device` parameter (core's rule, train/Device.h) through the
// real executable (auto stores where it ran; cuda without CUDA runs on the CPU and the job log
// says so; a bad value is refused naming the parameter), and the device-generic paths in
// process: the trainer, gates, batches, merge and deployed network all on the device the options
// name, and the merge computed with the weights' own tensor options. This machine has no GPU, so
// two proxies make the device path checkable here: the merge kernels built on the `meta` device
// (old code built them on the CPU whatever was asked), and the whole merge in double precision,
// where any tensor created with default options (float) would show as an error above 1e-9.
// On a CUDA machine the same tests also run the trainer on cuda:0.
#include <gtest/gtest.h>

#include <torch/cuda.h>
#include <torch/torch.h>

#include "DbbNetwork.h"
#include "RepnasSearch.h"
#include "RepnasTestData.h"
#include "cli/CliRunner.h"
#include "common/Error.h"
#include "data/DatasetLoader.h"
#include "train/MlInfo.h"

namespace nas::repnas {
namespace {

const std::string kTinyCli =
    " -p dataset=synthetic -p train_limit=128 -p test_images=64 -p random_epochs=1 -p search_epochs=1"
    " -p fixed_epochs=1 -p batch_size=64 -p threads=1 -p latency_budget_ms=5 --json";

// Every parameter and buffer of `m` on `device` with `dtype`; the first that is not, or "".
std::string strayTensor(const torch::nn::Module& m, torch::Device device, torch::ScalarType dtype) {
  for (const auto& p : m.named_parameters())
    if (p.value().device() != device || p.value().scalar_type() != dtype) return p.key() + " " + p.value().toString();
  for (const auto& b : m.named_buffers()) {
    if (b.value().device() != device) return b.key() + " " + b.value().toString();
    if (b.value().is_floating_point() && b.value().scalar_type() != dtype) return b.key() + " " + b.value().toString();
  }
  return "";
}

std::vector<torch::Device> devicesHere() {
  std::vector<torch::Device> d{torch::Device(torch::kCPU)};
  if (torch::cuda::is_available()) d.emplace_back(torch::kCUDA, 0);
  return d;
}

}  // namespace

// The CLI: device=auto stores where it ran; device=cuda here either ran on the GPU or fell back
// to the CPU and said so in the job's log; device=tpu is refused naming the parameter.
TEST(RepnasDevice, CliStoresTheDeviceFallsBackSayingSoAndRefusesABadOne) {
  nas::test::ScratchDir t("repnas-device");
  const bool cuda = nas::test::infoSays("cuda");
  const std::string autoWs = t.file("auto.nasws");
  const auto run = nas::test::runCli("run repnas --workspace " + autoWs + " -p device=auto" + kTinyCli);
  ASSERT_EQ(run.exitCode, 0) << run.out << run.err;
  const Json stored = nas::test::storedResult(autoWs, Json::parse(run.out));
  EXPECT_EQ(stored.at("device"), cuda ? "cuda:0" : "cpu");
  EXPECT_EQ(stored.at("latency_ms").at("device"), "cpu");
  EXPECT_LE(stored.at("max_abs_diff").get<double>(), 1e-4);

  const std::string cudaWs = t.file("cuda.nasws");
  const auto asked = nas::test::runCli("run repnas --workspace " + cudaWs + " -p device=cuda" + kTinyCli);
  ASSERT_EQ(asked.exitCode, 0) << asked.out << asked.err;
  const Json r = Json::parse(asked.out);
  EXPECT_EQ(nas::test::storedResult(cudaWs, r).at("device"), cuda ? "cuda:0" : "cpu");
  const auto log = nas::test::runCli("jobs log " + std::to_string(r.at("job_id").get<long long>()) + " --workspace " +
                                cudaWs + " --json");
  ASSERT_EQ(log.exitCode, 0) << log.err;
  const bool saidFallBack = log.out.find("repnas: device cuda requested but this build or machine has no CUDA") !=
                            std::string::npos;
  EXPECT_EQ(saidFallBack, !cuda) << log.out;

  const auto bad = nas::test::runCli("run repnas --workspace " + t.file("bad.nasws") + " -p device=tpu" + kTinyCli);
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE((bad.out + bad.err).find("device"), std::string::npos) << bad.out << bad.err;
  EXPECT_NE((bad.out + bad.err).find("tpu"), std::string::npos) << bad.out << bad.err;
}

// The merge's constant kernels are built on the device and with the dtype asked for: `meta`
// holds no data but has a device of its own, so a kernel built on the CPU shows here.
TEST(RepnasDevice, MergeKernelsAreBuiltWithTheAskedOptions) {
  const auto meta = torch::TensorOptions().device(torch::kMeta);
  for (const torch::Tensor& k : {identityKernel(6, 3, 3, meta), avgPoolKernel(6, 3, 3, meta)}) {
    EXPECT_TRUE(k.device().is_meta()) << k.device();
    EXPECT_EQ((std::vector<int64_t>{6, 2, 3, 3}), k.sizes().vec());
  }
  const auto dbl = torch::TensorOptions().dtype(torch::kDouble);
  const torch::Tensor avg = avgPoolKernel(6, 3, 3, dbl), id = identityKernel(6, 5, 2, dbl);
  ASSERT_EQ(torch::kDouble, avg.scalar_type());
  ASSERT_EQ(torch::kDouble, id.scalar_type());
  EXPECT_EQ(1.0 / 9.0, avg[5][1][2][0].item<double>());  // 1/9 in double, not a float's rounding (5 % 2 = 1)
  EXPECT_TRUE(avg.to(torch::kFloat).equal(avgPoolKernel(6, 3, 3)));
  EXPECT_TRUE(id.to(torch::kFloat).equal(identityKernel(6, 5, 2)));
}

// The RepNAS network and the DBB family network moved with the same `to` the trainer uses (an
// explicit device, here with double precision): deploying keeps every tensor there, and the two
// forms agree to double precision, which a float tensor anywhere in the merge would break
// (float merges differ by about 1e-6 here).
TEST(RepnasDevice, MergeRunsOnTheWeightsDeviceAndDtype) {
  setTorchThreads(1);
  torch::manual_seed(4);
  const RepnasSpace space = buildRepnasSpace(repnasPreset("mini"), 1, 16, 4, 2);  // groups 2 on even layers
  const std::vector<BranchMask> full = effectiveMasks(space, fullArch(space));
  const torch::Tensor x = test::realBlockInput(3, 1, 16);
  for (const torch::Device device : devicesHere()) {
    const std::string where = device.str();
    RepnasNet net(space, full);
    test::randomizeBatchNorms(*net);
    test::perturbWeights(*net);
    net->to(device, torch::kDouble);
    net->eval();
    RepnasDeployedNet d = net->deploy(full);
    EXPECT_EQ("", strayTensor(*d, device, torch::kDouble)) << where;
    for (int l = 0; l < space.numLayers(); ++l) {
      const auto [w, b] = net->block(l)->fusedKernelAndBias(full[static_cast<size_t>(l)]);
      EXPECT_EQ(device, w.device()) << where;
      EXPECT_EQ(torch::kDouble, b.scalar_type()) << where;
      EXPECT_EQ(device, net->block(l)->reparameterize(full[static_cast<size_t>(l)])->weight.device()) << where;
    }
    d->eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor in = x.to(device, torch::kDouble);
    const double doubleDiff = test::maxAbsDiff(net->forward(in, full), d->forward(in));
    EXPECT_LE(doubleDiff, 1e-9) << where;
    {
      // The contrast that makes 1e-9 a test: the same network (rounded) merged in float.
      net->to(torch::kFloat);
      RepnasDeployedNet df = net->deploy(full);
      df->eval();
      const torch::Tensor in32 = in.to(torch::kFloat);
      const double floatDiff = test::maxAbsDiff(net->forward(in32, full), df->forward(in32));
      EXPECT_GT(floatDiff, 1e-8) << where;
      std::cout << where << ": deployed vs multi-branch logits, max |diff| " << doubleDiff << " merged in double, "
                << floatDiff << " in float\n";
    }

    DbbNet dbb(fashionMnistFamily(), DbbArch{std::vector<BranchMask>(static_cast<size_t>(fashionMnistFamily().numLayers()),
                                                                      kAllBranches)});
    test::randomizeBatchNorms(*dbb);
    dbb->to(device, torch::kDouble);
    dbb->eval();
    const auto& f = fashionMnistFamily();
    const torch::Tensor fin = torch::randn({2, f.inputChannels, f.inputSize, f.inputSize}, torch::kDouble).to(device);
    const torch::Tensor before = dbb->forward(fin);
    dbb->deploy();
    EXPECT_EQ("", strayTensor(*dbb, device, torch::kDouble)) << where;
    EXPECT_LE(test::maxAbsDiff(before, dbb->forward(fin)), 1e-9) << where;
  }
}

// The trainer with an explicit device (what the job passes from its `device` parameter): the
// network, alpha, their gradients, every step's loss and the deployed network are there after a
// search through all three phases, a checkpoint resumes onto it, and both forms compare there.
TEST(RepnasDevice, TrainerKeepsEverythingOnItsDevice) {
  setTorchThreads(1);
  const ImageDataset train = loadImageDataset("synthetic", "", true).head(128);
  const ImageDataset test = loadImageDataset("synthetic", "", false).head(64);
  const Normalization norm = datasetNormalization("synthetic", 1);
  const RepnasSpace space = buildRepnasSpace(repnasPreset("mini"), 1, 16, 4);
  for (const torch::Device device : devicesHere()) {
    const std::string where = device.str();
    RepnasTrainOptions o;
    o.randomEpochs = o.searchEpochs = o.fixedEpochs = 1;
    o.batchSize = 64;
    o.archLr = 0.05;
    o.device = device;
    RepnasTrainer tr(space, o);
    EXPECT_EQ(device, tr.device());
    EXPECT_EQ("", strayTensor(*tr.net(), device, torch::kFloat)) << where;
    EXPECT_EQ(device, tr.alphas().device());
    int steps = 0, lossesElsewhere = 0;
    std::string stateAfterSearch;
    tr.train(
        train, &test, norm,
        [&](std::int64_t, std::int64_t, const torch::Tensor& loss) {
          ++steps;
          lossesElsewhere += loss.device() != device || loss.dim() != 0;
          return true;
        },
        [&](const EpochReport& r) {
          EXPECT_GE(r.testAccuracy, 0.0) << where;
          EXPECT_GT(r.trainLoss, 0.0) << where;
          if (r.phase != RepnasPhase::Search) return;
          stateAfterSearch = tr.saveState();
          // alpha's gradient of the search's last step (the next step's zero_grad may undefine it:
          // LibTorch 2.x sets gradients to none).
          ASSERT_TRUE(tr.alphas().grad().defined()) << where;
          EXPECT_EQ(device, tr.alphas().grad().device()) << where;
        });
    EXPECT_EQ(6, steps) << where;  // 2 batches x 3 epochs
    EXPECT_EQ(0, lossesElsewhere) << where;
    EXPECT_GT(tr.alphas().abs().max().item<double>(), 1e-3) << where << ": the search stepped alpha";
    EXPECT_FALSE(stateAfterSearch.empty()) << where;
    EXPECT_EQ("", strayTensor(*tr.net(), device, torch::kFloat)) << where;

    RepnasTrainer resumed(space, o);
    resumed.loadState(stateAfterSearch);
    EXPECT_EQ("", strayTensor(*resumed.net(), device, torch::kFloat)) << where << " after a resume";
    resumed.train(train, nullptr, norm, {}, {});
    EXPECT_EQ(repnasArchToString(resumed.arch()), repnasArchToString(tr.arch())) << where;
    {
      // The fixed epoch trained again from the checkpoint: the same network (bit for bit on the
      // CPU; a GPU's convolution backward is not deterministic).
      torch::NoGradGuard noGrad;
      tr.net()->eval();
      resumed.net()->eval();
      const torch::Tensor in = torch::randn({2, 1, 16, 16}).to(device);
      const double diff = test::maxAbsDiff(tr.net()->forward(in, tr.activeMasks()),
                                           resumed.net()->forward(in, resumed.activeMasks()));
      EXPECT_LE(diff, device.is_cpu() ? 0.0 : 1e-3) << where;
    }

    const std::vector<BranchMask> active = tr.activeMasks();
    tr.net()->eval();
    RepnasDeployedNet d = tr.net()->deploy(active);
    EXPECT_EQ("", strayTensor(*d, device, torch::kFloat)) << where;
    const FormComparison c = compareForms(tr.net(), active, d, test, norm);
    EXPECT_LE(c.maxAbsDiff, 1e-4) << where;
    EXPECT_NEAR(c.accuracy, c.deployedAccuracy, 2.0 / 64 + 1e-9) << where;  // a near-tie or two may flip
    if (!device.is_cpu()) {
      // Latency is the CPU's: a GPU network is refused, then timed once moved, as the job does.
      EXPECT_THROW(deployedLatencyMs(d, 1, 1, 5), Error);
      RepnasDeployedNet onCpu = tr.net()->deploy(active);
      onCpu->to(torch::kCPU);
      EXPECT_THROW(compareForms(tr.net(), active, onCpu, test, norm), Error);  // two devices
      EXPECT_GT(deployedLatencyMs(onCpu, 1, 1, 5), 0.0);
    }
  }
}

}  // namespace nas::repnas
