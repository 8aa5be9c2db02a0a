// The "dbb" latency space: its entries, the terms of known architectures, that the terms
// cover every part of the network (counted module by module), that every entry measures,
// and a tiny profile + predict round trip in process.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>
#include <set>

#include "DbbLatency.h"
#include "DbbNetwork.h"
#include "common/Error.h"

namespace nas::repnas {
namespace {

std::map<std::string, double> termMap(const LatencySpace& space, const std::string& arch) {
  std::map<std::string, double> m;
  for (const auto& t : space.entriesOf(arch)) m[t.key] += t.count;
  return m;
}

LatencyOptions quick() {
  LatencyOptions o;
  o.timing.warmupRuns = 1;
  o.timing.warmupMs = 0;
  o.timing.minRepeats = 3;
  o.timing.maxRepeats = 3;
  return o;
}

TEST(DbbLatency, EntriesPerLayerShape) {
  const auto space = makeDbbLatencySpace();
  EXPECT_EQ("dbb", space->name());
  // 5 distinct layer shapes (the last two layers share one) x 7, plus stem, stem/deployed, head.
  const auto entries = space->entries();
  EXPECT_EQ(5u * 7u + 3u, entries.size());
  std::set<std::string> keys;
  for (const auto& e : entries) EXPECT_TRUE(keys.insert(e.key).second) << "duplicate " << e.key;
  EXPECT_TRUE(keys.count("32x14-64-s2-k3/1x1-avg"));
  EXPECT_TRUE(keys.count("64x7-64-s1-k3/deployed"));
}

TEST(DbbLatency, TermsOfKnownArchitectures) {
  const auto space = makeDbbLatencySpace();
  const std::map<std::string, double> expected = {
      {"stem", 1},
      {"head", 1},
      {"16x28-16-s1-k3/kxk", 1},     {"16x28-16-s1-k3/1x1", 1},     {"16x28-16-s1-k3/add", 1},
      {"16x28-16-s1-k3/relu", 1},    {"16x28-32-s2-k3/1x1-kxk", 1}, {"16x28-32-s2-k3/relu", 1},
      {"32x14-32-s1-k3/kxk", 1},     {"32x14-32-s1-k3/1x1-avg", 1}, {"32x14-32-s1-k3/add", 1},
      {"32x14-32-s1-k3/relu", 1},    {"32x14-64-s2-k3/kxk", 1},     {"32x14-64-s2-k3/1x1", 1},
      {"32x14-64-s2-k3/1x1-kxk", 1}, {"32x14-64-s2-k3/1x1-avg", 1}, {"32x14-64-s2-k3/add", 3},
      {"32x14-64-s2-k3/relu", 1},    {"64x7-64-s1-k3/1x1", 1},      {"64x7-64-s1-k3/kxk", 1},
      {"64x7-64-s1-k3/1x1-kxk", 1},  {"64x7-64-s1-k3/add", 1},      {"64x7-64-s1-k3/relu", 2}};
  EXPECT_EQ(expected, termMap(*space, "k1|c|ka|k1ca|1|kc"));
  // Deployed: one conv per layer whatever the mask; the shared shape counts twice.
  const std::map<std::string, double> deployed = {
      {"stem/deployed", 1},          {"head", 1},
      {"16x28-16-s1-k3/deployed", 1}, {"16x28-32-s2-k3/deployed", 1}, {"32x14-32-s1-k3/deployed", 1},
      {"32x14-64-s2-k3/deployed", 1}, {"64x7-64-s1-k3/deployed", 2}};
  EXPECT_EQ(deployed, termMap(*space, "deploy:k1|c|ka|k1ca|1|kc"));
  EXPECT_EQ(deployed, termMap(*space, "deploy:k|k|k|k|k|k"));
  try {
    space->entriesOf("k1|c|ka");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::ParseError, e.code());
    EXPECT_NE(std::string::npos, e.context().find("k1|c|ka"));
  }
}

// What each entry is made of, in modules of the network: {Conv2d, BatchNorm2d, Linear}.
std::array<int, 3> modulesOfEntry(const std::string& key) {
  const std::string part = key.substr(key.find('/') + 1);
  if (key == "stem") return {1, 1, 0};
  if (key == "stem/deployed") return {1, 0, 0};
  if (key == "head") return {0, 0, 1};
  if (part == "kxk" || part == "1x1") return {1, 1, 0};
  if (part == "1x1-kxk") return {2, 2, 0};
  if (part == "1x1-avg") return {1, 2, 0};
  if (part == "deployed") return {1, 0, 0};
  return {0, 0, 0};  // add, relu
}

std::array<int, 3> modulesOfNetwork(torch::nn::Module& net) {
  std::array<int, 3> n{};
  for (const auto& m : net.modules()) {
    n[0] += dynamic_cast<torch::nn::Conv2dImpl*>(m.get()) != nullptr;
    n[1] += dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get()) != nullptr;
    n[2] += dynamic_cast<torch::nn::LinearImpl*>(m.get()) != nullptr;
  }
  return n;
}

TEST(DbbLatency, TermsCoverEveryPartOfTheNetwork) {
  const auto space = makeDbbLatencySpace();
  const DbbFamily& f = fashionMnistFamily();
  std::mt19937_64 rng(5);
  std::set<std::string> used;
  for (int i = 0; i < 12; ++i) {
    DbbArch arch = randomDbbArch(f, rng);
    arch.deployed = i % 3 == 2;
    if (i == 0) arch.masks.assign(static_cast<size_t>(f.numLayers()), kAllBranches);
    const std::string text = dbbArchToString(arch);
    std::array<int, 3> fromTerms{};
    double adds = 0, relus = 0;
    for (const auto& t : space->entriesOf(text)) {
      used.insert(t.key);
      const auto m = modulesOfEntry(t.key);
      for (int k = 0; k < 3; ++k) fromTerms[static_cast<size_t>(k)] += static_cast<int>(t.count) * m[static_cast<size_t>(k)];
      if (t.key.size() > 4 && t.key.compare(t.key.size() - 4, 4, "/add") == 0) adds += t.count;
      if (t.key.size() > 5 && t.key.compare(t.key.size() - 5, 5, "/relu") == 0) relus += t.count;
    }
    DbbNet net(f, arch);
    EXPECT_EQ(modulesOfNetwork(*net), fromTerms) << text;
    int branches = 0;
    for (BranchMask m : arch.masks) branches += branchCount(m);
    EXPECT_EQ(arch.deployed ? 0.0 : branches - f.numLayers(), adds) << text;
    EXPECT_EQ(arch.deployed ? 0.0 : f.numLayers(), relus) << text;
  }
  // Between them the architectures use every entry of the space, and nothing else.
  std::set<std::string> all;
  for (const auto& e : space->entries()) all.insert(e.key);
  EXPECT_EQ(all, used);
}

TEST(DbbLatency, EveryEntryMeasuresAndUnknownKeysThrow) {
  const auto space = makeDbbLatencySpace();
  const LatencyOptions o = quick();
  for (const auto& e : space->entries()) {
    const TimingStats t = space->measure(e.key, o);
    EXPECT_GT(t.medianMs, 0.0) << e.key;
    EXPECT_EQ(3, t.repeats) << e.key;
  }
  for (const std::string bad : {"stem/x", "16x28-16-s1-k3/3x3", "16x28-16-s2-k3/kxk", "kxk", "heads"}) {
    try {
      space->measure(bad, o);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(ErrorCode::NotFound, e.code()) << bad;
    }
  }
}

TEST(DbbLatency, ProfileThenPredictRoundTrip) {
  // Profile every entry, predict networks, compare with their measured latency: loose bounds
  // (a test machine is busy), but a missing or double-counted part of a network shows.
  const auto space = makeDbbLatencySpace();
  LatencyOptions o = quick();
  o.timing.minRepeats = o.timing.maxRepeats = 15;
  o.timing.blockSize = 5;
  o.timing.clock = profileClock(1);
  std::map<std::string, double> medians;
  for (const auto& e : space->entries()) medians[e.key] = space->measure(e.key, o).medianMs;
  const LatencyTable table(space->name(), medians);
  const std::string big = "k1ca|k1ca|k1ca|k1ca|k1ca|k1ca", small = "1|1|1|1|1|1";
  for (const std::string& arch : {big, small, "deploy:" + big}) {
    const double predicted = table.predict(space->entriesOf(arch));
    const double measured = space->measureNetwork(arch, o).medianMs;
    EXPECT_GT(predicted, 0.5 * measured) << arch;
    EXPECT_LT(predicted, 2.0 * measured) << arch;
  }
  // All four branches per layer cost more than one 1x1 per layer and than the same network
  // deployed (one KxK conv per layer).
  EXPECT_GT(table.predict(space->entriesOf(big)), table.predict(space->entriesOf(small)));
  EXPECT_GT(table.predict(space->entriesOf(big)), table.predict(space->entriesOf("deploy:" + big)));
}

}  // namespace
}  // namespace nas::repnas
