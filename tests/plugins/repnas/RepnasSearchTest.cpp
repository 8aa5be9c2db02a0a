// The RepNAS space, the gates and the schedule (issue 16, part 2), and the deployed network
// against the multi-branch one on real Fashion-MNIST images for searched, random, full and
// RepVGG branch sets. Numerical suites: RepnasDeploy*, RepnasGates*.
#include <gtest/gtest.h>

#include "RepnasSearch.h"
#include "RepnasTestData.h"
#include "common/Error.h"
#include "data/DatasetLoader.h"
#include "train/MlInfo.h"

namespace nas::repnas {
namespace {

RepnasSpace miniSpace(int channels = 1, int size = 28, int classes = 10) {
  return buildRepnasSpace(repnasPreset("mini"), channels, size, classes);
}

TEST(RepnasSpace, PresetsHaveThePapersDepthsWidthsAndBudget) {
  const RepnasSpace a0 = buildRepnasSpace(repnasPreset("a0"), 3, 224, 1000);
  ASSERT_EQ(22, a0.numLayers());
  EXPECT_EQ(48, a0.layers[0].outChannels);
  EXPECT_EQ(2, a0.layers[0].stride);
  EXPECT_EQ(48, a0.layers[1].outChannels);
  EXPECT_EQ(96, a0.layers[3].outChannels);
  EXPECT_EQ(192, a0.layers[7].outChannels);
  EXPECT_EQ(1280, a0.layers[21].outChannels);
  EXPECT_EQ(7, a0.layers[21].outSize());
  EXPECT_EQ(44, branchBudget(a0, 0.34));  // the paper's 44 of 132
  int identities = 0;
  for (int l = 0; l < a0.numLayers(); ++l) identities += a0.hasIdentity(l);
  EXPECT_EQ(17, identities);  // all but the stem and the four stage openers
  EXPECT_EQ(28, buildRepnasSpace(repnasPreset("b1"), 3, 224, 1000).numLayers());
  EXPECT_EQ(2048, buildRepnasSpace(repnasPreset("b1"), 3, 224, 1000).lastChannels());
  const RepnasSpace mini = miniSpace();
  EXPECT_EQ(7, mini.numLayers());
  EXPECT_EQ(14, branchBudget(mini, 0.34));
  EXPECT_EQ(128, mini.lastChannels());
  const RepnasSpace g = buildRepnasSpace(repnasPreset("mini"), 1, 28, 10, 2);
  EXPECT_EQ(1, g.layers[1].groups);
  EXPECT_EQ(2, g.layers[2].groups);
  EXPECT_EQ(2, g.layers[4].groups);
  try {
    repnasPreset("a9");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a9"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("mini"), std::string::npos);
  }
  EXPECT_EQ(a0.toJson(), RepnasSpace::fromJson(a0.toJson()).toJson());
}

TEST(RepnasSpace, ArchStringRoundTripEffectiveMasksAndErrors) {
  const RepnasSpace s = miniSpace();
  const RepnasArch a = parseRepnasArch(s, "kc|-|ck|1avh|k|-|h");
  EXPECT_EQ("kc|-|kc|1ahv|k|-|h", repnasArchToString(a));
  EXPECT_EQ(10, branchTotal(a));
  // Layer 1 (16->16, stride 2 opener) keeps none and has no identity: it runs its KxK branch.
  EXPECT_EQ(maskOf(Branch::Kxk), s.effectiveMask(1, a[1]));
  // Layer 5 (64->64, stride 1) keeps none: only the identity.
  EXPECT_EQ(maskOf(Branch::Identity), s.effectiveMask(5, a[5]));
  EXPECT_EQ(kSearchableBits | maskOf(Branch::Identity), s.fullMask(3));
  EXPECT_EQ(14, branchTotal(repvggArch(s)));
  EXPECT_EQ(42, branchTotal(fullArch(s)));
  for (const std::string bad : {"kc|-", "kc|x|k|k|k|k|k", "kk|k|k|k|k|k|k", "k||k|k|k|k|k"}) {
    try {
      parseRepnasArch(s, bad);
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(ErrorCode::ParseError, e.code());
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
  const Json b = branchesJson(s, a);
  EXPECT_EQ(Json::array({"kxk", "1x1-kxk"}), b[0]);
  EXPECT_EQ(Json::array({"identity"}), b[5]);
}

class RepnasGates : public ::testing::Test {
 protected:
  void SetUp() override {
    setTorchThreads(1);
    torch::manual_seed(5);
  }
  RepnasSpace space_ = miniSpace();
};

TEST_F(RepnasGates, GlobalTopKKeepsExactlyKAndRandomPhaseIsUniform) {
  const int L = space_.numLayers(), k = branchBudget(space_, 0.34);
  const torch::Tensor zeros = torch::zeros({L, kNumSearchable});
  std::vector<int> counts(static_cast<size_t>(L * kNumSearchable), 0);
  const int draws = 3000;
  bool someLayerEmpty = false;
  for (int d = 0; d < draws; ++d) {
    const GateDraw g = drawGates(space_, zeros, k, true);
    ASSERT_EQ(k, branchTotal(g.chosen));
    for (int l = 0; l < L; ++l) {
      someLayerEmpty |= g.chosen[static_cast<size_t>(l)] == 0;
      for (int j = 0; j < kNumSearchable; ++j) counts[static_cast<size_t>(l * kNumSearchable + j)] += hasBranch(g.chosen[static_cast<size_t>(l)], kSearchable[j]);
    }
  }
  EXPECT_TRUE(someLayerEmpty);  // the budget is global, not per layer
  // Each entry kept with probability K / 6L = 1/3: 1000 of 3000, binomial sd ~26; margin 5 sd.
  for (int c : counts) EXPECT_NEAR(draws * double(k) / (L * kNumSearchable), c, 130);
}

TEST_F(RepnasGates, WithoutNoiseTheLargestLogitsWinAndNoiseMovesThem) {
  const int L = space_.numLayers(), k = 10;
  const torch::Tensor alphas = torch::randperm(L * kNumSearchable, torch::kFloat).view({L, kNumSearchable});
  const RepnasArch a = topKArch(space_, alphas, k);
  const auto acc = alphas.accessor<float, 2>();
  for (int l = 0; l < L; ++l)
    for (int j = 0; j < kNumSearchable; ++j)
      EXPECT_EQ(acc[l][j] >= L * kNumSearchable - k, hasBranch(a[static_cast<size_t>(l)], kSearchable[j]));
  // Logits 0.01 apart are swamped by the logistic noise: draws differ from the top-K.
  int differ = 0;
  for (int d = 0; d < 20; ++d) differ += drawGates(space_, alphas * 0.01, k, true).chosen != topKArch(space_, alphas * 0.01, k);
  EXPECT_GT(differ, 15);
}

TEST_F(RepnasGates, StraightThroughForwardIsTheMaskGradientIsTheSigmoids) {
  const int L = space_.numLayers(), k = branchBudget(space_, 0.34);
  const torch::Tensor alphas = (torch::randn({L, kNumSearchable}) * 0.5).set_requires_grad(true);
  const GateDraw g = drawGates(space_, alphas, k, false);
  const torch::Tensor c = torch::randn({L, kNumSearchable});
  torch::Tensor loss = torch::zeros({});
  for (int l = 0; l < L; ++l)
    for (int j = 0; j < kNumSearchable; ++j) {
      const torch::Tensor& gate = g.gates[static_cast<size_t>(l)][static_cast<size_t>(kSearchable[j])];
      if (!gate.defined()) continue;
      EXPECT_NEAR(1.0, gate.item<double>(), 1e-6);  // forward: exactly the mask
      loss = loss + gate * c[l][j];
    }
  loss.backward();
  const torch::Tensor s = torch::sigmoid(alphas.detach());
  const torch::Tensor expected = c * s * (1 - s);
  for (int l = 0; l < L; ++l)
    for (int j = 0; j < kNumSearchable; ++j) {
      const bool kept = hasBranch(g.chosen[static_cast<size_t>(l)], kSearchable[j]);
      EXPECT_NEAR(kept ? expected[l][j].item<double>() : 0.0, alphas.grad()[l][j].item<double>(), 1e-6);
    }
  // The identity and a fallback KxK run ungated.
  for (int l = 0; l < L; ++l) EXPECT_FALSE(g.gates[static_cast<size_t>(l)][static_cast<size_t>(Branch::Identity)].defined());
}

// A short run on a few synthetic images (1x16x16, 4 classes).
struct Tiny {
  ImageDataset train = loadImageDataset("synthetic", "", true).head(192);
  ImageDataset test = loadImageDataset("synthetic", "", false).head(64);
  Normalization norm = datasetNormalization("synthetic", 1);
  RepnasSpace space = buildRepnasSpace(repnasPreset("mini"), 1, 16, 4);
  RepnasTrainOptions opts(const std::string& set) const {
    RepnasTrainOptions o;
    o.branchSet = set;
    o.randomEpochs = o.searchEpochs = o.fixedEpochs = 1;
    o.batchSize = 64;
    o.archLr = 0.05;
    return o;
  }
};

TEST(RepnasSearch, RandomThenSearchThenFixedSchedule) {
  setTorchThreads(1);
  Tiny t;
  for (const bool reset : {true, false}) {
    RepnasTrainOptions o = t.opts("searched");
    o.resetBnAtFix = reset;
    RepnasTrainer tr(t.space, o);
    std::vector<EpochReport> reports;
    torch::Tensor alphasAfterSearch;
    tr.train(t.train, &t.test, t.norm, {}, [&](const EpochReport& r) {
      reports.push_back(r);
      if (r.epoch == 0) {
        EXPECT_EQ(0.0, tr.alphas().abs().max().item<double>()) << "random phase steps no logit";
      }
      if (r.epoch == 1) alphasAfterSearch = tr.alphas().detach().clone();
    });
    ASSERT_EQ(3u, reports.size());
    EXPECT_EQ(RepnasPhase::Random, reports[0].phase);
    EXPECT_EQ(RepnasPhase::Search, reports[1].phase);
    EXPECT_EQ(RepnasPhase::Fixed, reports[2].phase);
    EXPECT_GT(alphasAfterSearch.abs().max().item<double>(), 1e-3) << "search phase steps the logits";
    EXPECT_TRUE(tr.alphas().equal(alphasAfterSearch)) << "fixed phase does not";
    EXPECT_EQ(topKArch(t.space, alphasAfterSearch, tr.budget()), reports[2].arch);
    EXPECT_EQ(tr.budget(), branchTotal(reports[2].arch));
    for (const auto& r : reports) EXPECT_GE(r.testAccuracy, 0.0);
    // Layer 3 (32->32, stride 1) always runs its identity BN: its batch count restarts at the
    // fixed phase when reset_bn is on (3 steps per epoch).
    auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(tr.net()->block(3)->named_modules()["id_bn"].get());
    ASSERT_NE(nullptr, bn);
    EXPECT_EQ(reset ? 3 : 9, bn->num_batches_tracked.item<std::int64_t>());
  }
}

TEST(RepnasSearch, StateRoundTripResumesAtTheEpoch) {
  setTorchThreads(1);
  Tiny t;
  RepnasTrainOptions o = t.opts("searched");
  RepnasTrainer a(t.space, o);
  int stopAt = 2;
  try {
    a.train(t.train, nullptr, t.norm, {}, [&](const EpochReport& r) {
      if (r.epoch + 1 == stopAt) throw Error(ErrorCode::Cancelled, "stop");
    });
  } catch (const Error&) {
  }
  const std::string state = a.saveState();
  RepnasTrainer b(t.space, o);
  b.loadState(state);
  EXPECT_EQ(2, b.epoch());
  EXPECT_TRUE(b.alphas().equal(a.alphas()));
  a.net()->eval();
  b.net()->eval();
  torch::NoGradGuard noGrad;
  const torch::Tensor x = torch::randn({2, 1, 16, 16});
  EXPECT_TRUE(a.net()->forward(x, a.activeMasks()).equal(b.net()->forward(x, b.activeMasks())));
  EXPECT_THROW(b.loadState("not a checkpoint"), Error);
}

// A job stopped after its random epoch and resumed in a fresh trainer (a new process) ends
// where an uninterrupted run ends: the noise of every later epoch is drawn alike, and SGD's
// momentum and weight decay reach the branches a step leaves out alike.
TEST(RepnasSearch, ResumedRunEqualsAnUninterruptedOne) {
  setTorchThreads(1);
  Tiny t;
  const RepnasTrainOptions o = t.opts("searched");
  RepnasTrainer whole(t.space, o);
  whole.train(t.train, nullptr, t.norm, {}, {});

  RepnasTrainer first(t.space, o);
  try {
    first.train(t.train, nullptr, t.norm, {}, [&](const EpochReport& r) {
      if (r.epoch + 1 == 1) throw Error(ErrorCode::Cancelled, "stop");
    });
  } catch (const Error&) {
  }
  torch::rand({17});  // whatever else the process drew in between
  RepnasTrainer resumed(t.space, o);
  resumed.loadState(first.saveState());
  resumed.train(t.train, nullptr, t.norm, {}, {});
  EXPECT_TRUE(resumed.alphas().equal(whole.alphas())) << (resumed.alphas() - whole.alphas()).abs().max().item<double>();
  EXPECT_EQ(repnasArchToString(resumed.arch()), repnasArchToString(whole.arch()));
  whole.net()->eval();
  resumed.net()->eval();
  torch::NoGradGuard noGrad;
  const torch::Tensor x = torch::randn({2, 1, 16, 16});
  EXPECT_TRUE(whole.net()->forward(x, whole.activeMasks()).equal(resumed.net()->forward(x, resumed.activeMasks())));
}

TEST(RepnasSearch, OptionsAndParameterGroups) {
  Tiny t;
  RepnasTrainOptions o = t.opts("bogus");
  try {
    RepnasTrainer tr(t.space, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("branch_set"), std::string::npos);
  }
  o = t.opts("given");
  o.arch = "k|k";
  EXPECT_THROW(RepnasTrainer(t.space, o), Error);
  RepnasTrainer tr(t.space, t.opts("searched"));
  EXPECT_EQ(tr.net()->parameters().size(),
            tr.net()->decayedParameters().size() + tr.net()->undecayedParameters().size());
}

// Deployment: the single-path network's logits equal the multi-branch network's in eval mode
// within 1e-4 on real Fashion-MNIST test images, for every kind of branch set, after a short
// training (real BN statistics) and with BN statistics moved further at random.
TEST(RepnasDeploy, DeployedEqualsMultiBranchOnFashionMnist) {
  setTorchThreads(1);
  const bool real = test::haveFashionMnist();
  const std::string ds = real ? "fashion-mnist" : "synthetic";
  const ImageDataset train = loadImageDataset(ds, "", true).head(256);
  const ImageDataset testSet = loadImageDataset(ds, "", false).head(200);
  const Normalization norm = datasetNormalization(ds, 1);
  const RepnasSpace space = buildRepnasSpace(repnasPreset("mini"), 1, static_cast<int>(train.height()),
                                             static_cast<int>(train.classes));
  for (const std::string set : {"searched", "random", "full", "repvgg"}) {
    for (const int groups : {1, 2}) {
      if (groups == 2 && set != "full" && set != "searched") continue;
      const RepnasSpace s = groups == 1 ? space : buildRepnasSpace(repnasPreset("mini"), 1, space.inputSize, space.classes, 2);
      RepnasTrainOptions o;
      o.branchSet = set;
      o.randomEpochs = o.searchEpochs = 0;
      o.fixedEpochs = 1;
      if (set == "searched") o.randomEpochs = o.searchEpochs = 1;
      o.batchSize = 64;
      o.seed = 3;
      RepnasTrainer tr(s, o);
      tr.train(train, nullptr, norm, {}, {});
      const std::string what = set + " g" + std::to_string(groups) + " " + repnasArchToString(tr.arch());
      const std::vector<BranchMask> active = tr.activeMasks();
      // Trained: the stem's BN statistics are the data's, not the defaults.
      // find, not []: the searched set may drop the stem's kxk branch (then [] throws), and
      // which branches survive depends on the float kernels (the clang ASan build drops it).
      const auto stemModules = tr.net()->block(0)->named_modules();
      const auto* kxkBn = stemModules.find("kxk_bn");
      auto* bn = kxkBn ? dynamic_cast<torch::nn::BatchNorm2dImpl*>(kxkBn->get()) : nullptr;
      if (bn && hasBranch(active[0], Branch::Kxk)) {
        EXPECT_GT(bn->running_mean.abs().max().item<double>(), 1e-3) << what;
      }
      for (const bool moved : {false, true}) {
        if (moved) {
          test::randomizeBatchNorms(*tr.net());
        }
        tr.net()->eval();
        RepnasDeployedNet d = tr.net()->deploy(active);
        const FormComparison c = compareForms(tr.net(), active, d, testSet, norm);
        EXPECT_LE(c.maxAbsDiff, 1e-4) << what << (moved ? " (BN moved)" : "");
        EXPECT_NEAR(c.accuracy, c.deployedAccuracy, 0.011) << what;  // at most a tie or two flip
      }
    }
  }
}

TEST(RepnasDeploy, ArtifactRoundTripKeepsTheOutputs) {
  setTorchThreads(1);
  torch::manual_seed(2);
  const RepnasSpace s = miniSpace();
  RepnasNet net(s, effectiveMasks(s, fullArch(s)));
  test::randomizeBatchNorms(*net);
  net->eval();
  RepnasDeployedNet d = net->deploy(effectiveMasks(s, fullArch(s)));
  d->eval();
  LoadedDeployed back = loadDeployedArtifact(deployedArtifact(d, repnasArchToString(fullArch(s))));
  EXPECT_EQ(repnasArchToString(fullArch(s)), back.arch);
  torch::NoGradGuard noGrad;
  const torch::Tensor x = test::realImages(4);
  EXPECT_TRUE(d->forward(x).equal(back.net->forward(x)));
  EXPECT_THROW(loadDeployedArtifact("junk"), Error);
}

}  // namespace
}  // namespace nas::repnas
