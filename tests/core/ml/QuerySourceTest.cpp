// The query sources for searches without a table: supernet training (progress, cancel,
// bit-exact resume), supernet queries (deterministic, ranking a useless cell below a good
// one), training from scratch, and config errors that name the field. Synthetic data, tiny
// networks: seconds per test.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <sstream>

#include "MlTestUtil.h"
#include "common/Error.h"
#include "eval/QuerySourceParams.h"
#include "eval/QuerySources.h"
#include "nn/Nb201Supernet.h"
#include "train/MlInfo.h"

using namespace nas;

namespace {

const Nb201Cell kAllNone;  // output constant zero: chance accuracy
const Nb201Cell kAllConv3x3 = Nb201Cell::parse(
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
const Nb201Cell kMixed =
    Nb201Cell::parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|");
// The README's example cell: convolutions on every path plus a skip from the input.
const Nb201Cell kConvWithSkip = Nb201Cell::parse(
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");

QueryDataConfig tinyData() {
  QueryDataConfig d;
  d.dataset = "synthetic";  // 1024 training images, 1x16x16, 4 classes
  d.valImages = 256;
  d.trainLimit = 512;
  d.splitSeed = 3;
  return d;
}

SupernetSourceConfig tinySupernet() {
  SupernetSourceConfig c;
  c.data = tinyData();
  c.channels = 4;
  c.cellsPerStage = 1;
  // 16 steps per epoch; each edge op is on the path of ~1/5 of them. After 6 epochs (96
  // steps) even trained paths sometimes scored near chance, depending on the CPU's vector
  // kernels; after 16 they scored well above it on every kernel set (RanksAUselessCell...).
  c.epochs = 16;
  c.batch = 32;
  c.lr = 0.1;
  c.seed = 1;
  c.bnBatches = 4;
  return c;
}

// One trained state for the tests that only query it.
const std::string& trainedState() {
  static const std::string state = [] {
    setTorchThreads(1);
    return trainSupernet(tinySupernet());
  }();
  return state;
}

// The supernet weights and BN statistics inside a trainSupernet state. (The bytes of two
// equal states differ: torch's archive names modules with a per-process counter.)
std::vector<torch::Tensor> weightsOf(const std::string& state) {
  Nb201MacroConfig m;
  m.channels = 4;
  m.cellsPerStage = 1;
  m.inputChannels = 1;
  m.inputHeight = m.inputWidth = 16;
  m.classes = 4;
  Nb201Supernet net(m);
  torch::serialize::InputArchive archive, model;
  std::istringstream in(state, std::ios::binary);
  archive.load_from(in);
  archive.read("model", model);
  net->load(model);
  std::vector<torch::Tensor> out = net->parameters();
  for (const auto& b : net->buffers()) out.push_back(b);
  return out;
}

bool sameWeights(const std::string& a, const std::string& b) {
  const auto wa = weightsOf(a), wb = weightsOf(b);
  if (wa.size() != wb.size()) return false;
  for (size_t i = 0; i < wa.size(); ++i)
    if (!torch::equal(wa[i], wb[i])) return false;
  return true;
}

template <typename F>
Error errorOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no nas::Error thrown";
  return Error(ErrorCode::Internal, "none");
}

}  // namespace

TEST(SupernetTraining, ReportsProgressAndLearns) {
  setTorchThreads(1);
  test::RecordingSink sink;
  SupernetTrainHooks hooks;
  hooks.sink = &sink;
  const std::string state = trainSupernet(tinySupernet(), hooks);
  EXPECT_FALSE(state.empty());
  EXPECT_DOUBLE_EQ(sink.lastFraction, 1.0);
  EXPECT_EQ(sink.progressCalls, 256 + 1);  // loading + one per step
  const auto& loss = sink.metrics["supernet_train_loss"];
  ASSERT_GE(loss.size(), 3u);
  EXPECT_EQ(loss.back().first, 256);
  EXPECT_LT(loss.back().second, 0.7 * loss.front().second) << "first " << loss.front().second;
  EXPECT_TRUE(sameWeights(state, trainedState())) << "same config, seed and thread count: same weights";
}

TEST(SupernetTraining, CancelledRunResumesToTheSameState) {
  setTorchThreads(1);
  int polls = 0;
  std::string saved;
  SupernetTrainHooks hooks;
  hooks.cancel.addPoll([&] { return ++polls > 37; });  // cancel before step 38 (mid-epoch 3)
  hooks.checkpoint = [&](const std::string& bytes) { saved = bytes; };
  hooks.checkpointEvery = 1000;
  const Error e = errorOf([&] { trainSupernet(tinySupernet(), hooks); });
  EXPECT_EQ(e.code(), ErrorCode::Cancelled);
  ASSERT_FALSE(saved.empty());
  // The cancel checkpoint is no trained state yet.
  EXPECT_EQ(errorOf([&] { makeSupernetQuerySource(tinySupernet(), saved); }).context(), "supernet state");

  const std::string resumed = trainSupernet(tinySupernet(), {}, saved);
  EXPECT_FALSE(sameWeights(saved, trainedState())) << "the comparison sees a half-trained supernet";
  EXPECT_TRUE(sameWeights(resumed, trainedState())) << "resume is bit-exact";
  // A checkpoint of another training config is refused, naming the field.
  SupernetSourceConfig other = tinySupernet();
  other.lr = 0.2;
  const Error wrong = errorOf([&] { trainSupernet(other, {}, saved); });
  EXPECT_EQ(wrong.code(), ErrorCode::CorruptData);
  EXPECT_EQ(wrong.context(), "lr");
}

TEST(SupernetQuerySource, QueriesAreDeterministicAndOrderFree) {
  setTorchThreads(1);
  auto a = makeSupernetQuerySource(tinySupernet(), trainedState());
  EXPECT_EQ(a->source(), "supernet");
  EXPECT_EQ(a->dataset(), "synthetic");
  EXPECT_EQ(a->metric(), "val_accuracy");
  const double first = a->query(kMixed);
  a->query(kAllConv3x3);  // recalibration for another path in between
  EXPECT_EQ(a->query(kMixed), first);
  auto b = makeSupernetQuerySource(tinySupernet(), trainedState());
  EXPECT_EQ(b->query(kMixed), first);
  EXPECT_GT(first, 0.0);
  EXPECT_LE(first, 1.0);
}

// The property a search relies on: cells whose ops the supernet trained score far above a
// cell that outputs a constant. The cells are ones whose paths SPOS trains: each of their
// edge ops is sampled on ~1/5 of the steps and a skip from the input carries what the shared
// classifier learnt. The all-conv3x3 cell is deliberately not one of them: its path is
// sampled with probability 5^-6 per step, never in 256 steps, so the shared classifier was
// never fitted to its features. Its score is then a matter of luck: measured over 8 training
// seeds x 4 kernel sets (ATEN_CPU_CAPABILITY default/avx2/avx512, DNNL_MAX_CPU_ISA=SSE41) it
// ranged 0.00-1.00 after 96 steps, and a 0.00 came with a confusion matrix that was a perfect
// permutation of the classes: the features separate the classes, the head maps them to the
// wrong labels. After 256 steps: 0.26-1.00. The two cells below scored 0.78-1.00 in all 32
// trainings of 256 steps (8 seeds x 4 kernel sets), the constant cell 0.23-0.27 (issue 12).
TEST(SupernetQuerySource, RanksAUselessCellBelowTrainedOnes) {
  setTorchThreads(1);
  for (SupernetBn bn : {SupernetBn::Recalibrate, SupernetBn::BatchStats}) {
    SupernetSourceConfig c = tinySupernet();
    c.bn = bn;
    auto source = makeSupernetQuerySource(c, trainedState());
    const double none = source->query(kAllNone);
    // All-none outputs a constant: the 4 balanced classes give about 1/4 (the held-out
    // split's largest class is 0.27 of it).
    EXPECT_LE(none, 0.3) << supernetBnName(bn);
    for (const Nb201Cell& good : {kMixed, kConvWithSkip}) {
      const double score = source->query(good);
      EXPECT_GT(score, none + 0.3) << supernetBnName(bn) << ": none " << none << ", " << good.toString() << " "
                                   << score;
    }
  }
}

TEST(SupernetQuerySource, CancelStopsQueries) {
  setTorchThreads(1);
  CancelToken cancel;
  auto source = makeSupernetQuerySource(tinySupernet(), trainedState(), cancel);
  cancel.cancel();
  EXPECT_EQ(errorOf([&] { source->query(kMixed); }).code(), ErrorCode::Cancelled);
}

TEST(SupernetQuerySource, RefusesAStateOfAnotherNetworkOrNoState) {
  SupernetSourceConfig c = tinySupernet();
  c.channels = 8;
  const Error wider = errorOf([&] { makeSupernetQuerySource(c, trainedState()); });
  EXPECT_EQ(wider.code(), ErrorCode::InvalidArgument);
  EXPECT_EQ(wider.context(), "channels");
  EXPECT_NE(std::string(wider.message()).find("4"), std::string::npos) << wider.message();
  EXPECT_EQ(errorOf([&] { makeSupernetQuerySource(tinySupernet(), ""); }).context(), "supernet state");
  EXPECT_EQ(errorOf([&] { makeSupernetQuerySource(tinySupernet(), "not a zip"); }).code(), ErrorCode::CorruptData);
}

TEST(ScratchQuerySource, TrainsTheCellAndScoresIt) {
  setTorchThreads(1);
  ScratchSourceConfig c;
  c.data = tinyData();
  c.channels = 4;
  c.epochs = 2;
  c.batch = 32;
  c.seed = 2;
  auto source = makeScratchQuerySource(c);
  EXPECT_EQ(source->source(), "trained");
  EXPECT_EQ(source->metric(), "val_accuracy");
  const double conv = source->query(kAllConv3x3);
  EXPECT_GT(conv, 0.5);  // chance is 0.25
  EXPECT_LE(conv, 1.0);
  EXPECT_EQ(source->query(kAllConv3x3), conv) << "deterministic per seed";
  EXPECT_LE(source->query(kAllNone), 0.3);
}

TEST(QuerySourceConfig, BadConfigsNameTheField) {
  auto contextOf = [](auto config) { return errorOf([&] { validateConfig(config); }).context(); };
  SupernetSourceConfig s = tinySupernet();
  s.data.valImages = 0;
  EXPECT_EQ(contextOf(s), "val_images");
  s = tinySupernet();
  s.data.dataset = "mnist";
  EXPECT_EQ(contextOf(s), "dataset");
  s = tinySupernet();
  s.channels = 0;
  EXPECT_EQ(contextOf(s), "channels");
  s = tinySupernet();
  s.bnBatches = 0;
  EXPECT_EQ(contextOf(s), "bn_batches");
  ScratchSourceConfig t;
  t.data = tinyData();
  t.epochs = 0;
  EXPECT_EQ(contextOf(t), "epochs");
  t.epochs = 1;
  t.batch = 1;
  EXPECT_EQ(contextOf(t), "batch");
  t.batch = 32;
  t.lr = -1;
  EXPECT_EQ(contextOf(t), "lr");
  EXPECT_EQ(errorOf([] { parseSupernetBn("running"); }).context(), "bn");
  EXPECT_EQ(parseSupernetBn("batch_stats"), SupernetBn::BatchStats);

  // Problems only the data can show: more held out than the set has.
  t = ScratchSourceConfig{};
  t.data = tinyData();
  t.data.valImages = 2000;
  const Error tooMany = errorOf([&] { makeScratchQuerySource(t); });
  EXPECT_EQ(tooMany.code(), ErrorCode::InvalidArgument);
  EXPECT_EQ(tooMany.context(), "val_images");
  EXPECT_NE(std::string(tooMany.message()).find("1024"), std::string::npos) << tooMany.message();
  // Missing data: the loader's error, naming the folder.
  t.data = tinyData();
  t.data.dataset = "fashion-mnist";
  t.data.dataDir = "/nonexistent/fmnist";
  EXPECT_NE(errorOf([&] { makeScratchQuerySource(t); }).what(), std::string());
}

TEST(QuerySourceParams, JobParametersMapOntoTheConfigs) {
  const Json p = {{"dataset", "synthetic"}, {"eval_images", 300}, {"train_limit", 500}, {"channels", 4},
                  {"cells", 2},             {"supernet_epochs", 3}, {"epochs", 1},      {"batch_size_train", 16},
                  {"train_lr", 0.02},       {"seed", 9},          {"bn", "batch_stats"}};
  const SupernetSourceConfig s = supernetSourceConfig(p);
  EXPECT_EQ(s.data.dataset, "synthetic");
  EXPECT_EQ(s.data.valImages, 300);
  EXPECT_EQ(s.data.trainLimit, 500);
  EXPECT_EQ(s.channels, 4);
  EXPECT_EQ(s.cellsPerStage, 2);
  EXPECT_EQ(s.epochs, 3);
  EXPECT_EQ(s.batch, 16);
  EXPECT_DOUBLE_EQ(s.lr, 0.02);
  EXPECT_EQ(s.seed, 9u);
  EXPECT_EQ(s.bn, SupernetBn::BatchStats);
  const ScratchSourceConfig t = scratchSourceConfig(p);
  EXPECT_EQ(t.epochs, 1);
  EXPECT_EQ(t.data.valImages, 300);
  EXPECT_EQ(scratchSourceConfig(Json::object()).channels, ScratchSourceConfig{}.channels) << "absent = default";

  // Errors name the job's parameter, not the config field.
  Json bad = p;
  bad["eval_images"] = 0;
  EXPECT_EQ(errorOf([&] { supernetSourceConfig(bad); }).context(), "parameter 'eval_images'");
  bad = p;
  bad["train_lr"] = 0.0;
  EXPECT_EQ(errorOf([&] { scratchSourceConfig(bad); }).context(), "parameter 'train_lr'");
  bad = p;
  bad["bn"] = "running";
  EXPECT_EQ(errorOf([&] { supernetSourceConfig(bad); }).context(), "parameter 'bn'");
  bad = p;
  bad["supernet_epochs"] = 0;
  EXPECT_EQ(errorOf([&] { supernetSourceConfig(bad); }).context(), "parameter 'supernet_epochs'");
}
