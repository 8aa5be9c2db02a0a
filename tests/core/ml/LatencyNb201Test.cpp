// The NAS-Bench-201 latency space (issue 6): which entries an architecture is made of, the
// table sum for a known cell, and that entries and whole networks measure (tiny shapes, few
// repeats: this checks the plumbing, not the figures).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

#include "common/Error.h"
#include "eval/Nb201Latency.h"

using namespace nas;

namespace {
const char* kAllConv = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
const char* kOnlyNode3 = "|none~0|+|none~0|none~1|+|avg_pool_3x3~0|none~1|none~2|";

std::map<std::string, double> termsOf(const LatencySpace& s, const std::string& arch) {
  std::map<std::string, double> m;
  for (const auto& t : s.entriesOf(arch)) m[t.key] += t.count;
  return m;
}
}  // namespace

TEST(LatencyNb201, EntriesOfAKnownCell) {
  auto space = makeNb201LatencySpace();
  EXPECT_EQ("nb201", space->name());
  EXPECT_EQ(19u, space->entries().size());  // fixed + 3 stages x (4 ops, add, zeros)
  const auto all = termsOf(*space, kAllConv);
  EXPECT_DOUBLE_EQ(1, all.at("fixed"));
  for (const char* s : {"s0", "s1", "s2"}) {
    EXPECT_DOUBLE_EQ(30, all.at(std::string(s) + "/nor_conv_3x3"));  // 6 edges x 5 cells
    EXPECT_DOUBLE_EQ(15, all.at(std::string(s) + "/add"));           // (0 + 1 + 2) adds x 5 cells
    EXPECT_EQ(0u, all.count(std::string(s) + "/zeros"));
  }
  const auto sparse = termsOf(*space, kOnlyNode3);
  EXPECT_DOUBLE_EQ(5, sparse.at("s1/avg_pool_3x3"));
  EXPECT_DOUBLE_EQ(10, sparse.at("s2/zeros"));  // nodes 1 and 2 have no input
  EXPECT_EQ(0u, sparse.count("s0/add"));
  EXPECT_THROW(space->entriesOf("|bogus~0|"), Error);

  // The table sum of the all-conv cell with made-up entries.
  std::map<std::string, double> medians;
  for (const auto& e : space->entries()) medians[e.key] = 0.0;
  medians["fixed"] = 1.0;
  medians["s0/nor_conv_3x3"] = 0.1;
  medians["s1/nor_conv_3x3"] = 0.05;
  medians["s2/nor_conv_3x3"] = 0.02;
  medians["s0/add"] = 0.01;
  LatencyTable table("nb201", medians);
  EXPECT_NEAR(1.0 + 30 * (0.1 + 0.05 + 0.02) + 15 * 0.01, table.lutSum(space->entriesOf(kAllConv)), 1e-12);
}

TEST(LatencyNb201, MeasuresEntriesAndNetworksOnTinyShapes) {
  Nb201MacroConfig tiny;
  tiny.channels = 4;
  tiny.cellsPerStage = 1;
  tiny.inputHeight = tiny.inputWidth = 8;
  auto space = makeNb201LatencySpace(tiny, "nb201-tiny");
  LatencyOptions o;
  o.threads = 1;
  o.batch = 2;
  o.timing.warmupRuns = 1;
  o.timing.warmupMs = 0;
  o.timing.minRepeats = 3;
  o.timing.maxRepeats = 3;
  const int before = torch::get_num_threads();
  for (const auto& e : space->entries()) {
    const TimingStats t = space->measure(e.key, o);
    EXPECT_EQ(3, t.repeats) << e.key;
    EXPECT_GT(t.medianMs, 0.0) << e.key;
    EXPECT_GE(t.iqrMs, 0.0) << e.key;
  }
  EXPECT_EQ(before, torch::get_num_threads());  // threads restored
  const TimingStats n = space->measureNetwork(kAllConv, o);
  EXPECT_GT(n.medianMs, 0.0);
  EXPECT_THROW(space->measure("s9/nor_conv_3x3", o), Error);
  EXPECT_THROW(space->measure("s0/none", o), Error);
  std::mt19937_64 rng(3);
  EXPECT_NO_THROW(space->entriesOf(space->randomArchitecture(rng)));
}
