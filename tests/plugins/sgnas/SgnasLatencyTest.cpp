// SGNAS latency (issue 6): the terms of an architecture, the cost table from a profile's
// entries (exact == table sum == differentiable LUT on one-hot probabilities), the reachable
// range, the latency constraint, and that every entry and a whole network measure.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <map>

#include "SgnasCost.h"
#include "SgnasGenerator.h"
#include "SgnasLatency.h"
#include "SgnasSampling.h"
#include "SgnasTargets.h"
#include "common/Error.h"

namespace nas::sgnas {
namespace {

// Made-up but distinct entry values, growing with the count like real ones.
LatencyTable syntheticTable(const LatencySpace& space, std::optional<LatencyCorrectionRecord> correction = {}) {
  std::map<std::string, double> m;
  for (const auto& e : space.entries()) {
    const double count = e.key.back() - '0';
    m[e.key] = 0.01 * static_cast<double>(std::hash<std::string>{}(e.key) % 97 + 1) + 0.05 * count;
  }
  return LatencyTable(space.name(), m, correction);
}

TEST(SgnasLatency, TermsOfAKnownArchitecture) {
  const SgnasSpace s = spacePreset("tiny", 10);  // G=3, 3 layers
  const auto space = makeSgnasLatencySpace("tiny");
  EXPECT_EQ("sgnas:tiny", space->name());
  EXPECT_EQ("sgnas", latencySpaceName("fashion-mnist"));
  // per layer: 3 pw1 + 9 dw + 2 cat + 3 pw2 = 17; plus stem and head
  EXPECT_EQ(3u * 17u + 2u, space->entries().size());
  std::map<std::string, double> terms;
  for (const auto& t : space->entriesOf("tiny:37x|5xx|777")) terms[t.key] += t.count;
  const std::map<std::string, double> expected = {
      {"stem", 1},         {"head", 1},          {"L0/pw1/e2", 1}, {"L0/dw3/n1", 1}, {"L0/dw7/n1", 1},
      {"L0/cat/e2", 1},    {"L0/pw2/e2", 1},     {"L1/pw1/e1", 1}, {"L1/dw5/n1", 1}, {"L1/pw2/e1", 1},
      {"L2/pw1/e3", 1},    {"L2/dw7/n3", 1},     {"L2/pw2/e3", 1}};
  EXPECT_EQ(expected, terms);
  EXPECT_THROW(space->entriesOf("tiny:x77|5xx|777"), Error);  // group 0 never skips
}

TEST(SgnasLatency, ExactEqualsTableSumAndOneHotLut) {
  const SgnasSpace s = spacePreset("tiny", 10);
  const auto space = makeSgnasLatencySpace("tiny");
  const LatencyTable table = syntheticTable(*space, LatencyCorrectionRecord{space->name(), 1.5, 0.25, 10, 0});
  const LatencyCostTable t = buildLatencyCostTable(s, table);
  const LatencyRange range = latencyRange(t);
  Rng rng(5);
  std::vector<SgnasArch> list = {minimalArch(s), maximalArch(s)};
  for (int i = 0; i < 30; ++i) list.push_back(randomArch(s, rng));
  for (const auto& a : list) {
    const std::string text = archToString(s, a);
    const double exact = exactLatency(t, a);
    EXPECT_NEAR(table.predict(space->entriesOf(text)), exact, 1e-9) << text;
    const torch::Tensor p = archProbabilities(a).to(torch::kDouble);
    EXPECT_NEAR(lutLatency(t, p).item<double>(), exact, 1e-9) << text;
    EXPECT_GE(exact, range.minMs - 1e-9) << text;
    EXPECT_LE(exact, range.maxMs + 1e-9) << text;
  }
  // Differentiable: soft probabilities give a gradient to every choice of a layer.
  torch::Tensor logits = torch::randn({s.numLayers(), s.groups, kNumChoices}, torch::kDouble).requires_grad_(true);
  lutLatency(t, torch::softmax(logits, -1)).backward();
  EXPECT_GT(logits.grad().abs().sum().item<double>(), 0.0);
  // Batched form agrees with single rows.
  const torch::Tensor batch = torch::stack({archProbabilities(list[0]), archProbabilities(list[2])}).to(torch::kDouble);
  const torch::Tensor both = lutLatency(t, batch);
  EXPECT_NEAR(both[1].item<double>(), exactLatency(t, list[2]), 1e-9);
  // Round trip through the artifact's JSON.
  const LatencyCostTable back = latencyCostTableFromJson(Json::parse(latencyCostTableToJson(t).dump()));
  EXPECT_DOUBLE_EQ(exactLatency(t, list[3]), exactLatency(back, list[3]));
}

TEST(SgnasLatency, LatencyConstraintNeedsATable) {
  const SgnasSpace s = spacePreset("tiny", 10);
  CostTable table = buildCostTable(s);
  EXPECT_THROW(makeConstraints(s, table, "flops+latency"), Error);
  const auto space = makeSgnasLatencySpace("tiny");
  table.latency = buildLatencyCostTable(s, syntheticTable(*space));
  const auto cs = makeConstraints(s, table, "flops+latency");
  ASSERT_EQ(2u, cs.size());
  EXPECT_EQ("latency", cs[1].name);
  const LatencyRange r = latencyRange(*table.latency);
  EXPECT_DOUBLE_EQ(r.minMs, cs[1].min);
  EXPECT_DOUBLE_EQ(r.maxMs, cs[1].max);
  const Cost c = exactCost(table, maximalArch(s));
  EXPECT_DOUBLE_EQ(exactLatency(*table.latency, maximalArch(s)), costValue(c, "latency"));
  const torch::Tensor p = archProbabilities(maximalArch(s)).to(torch::kDouble);
  EXPECT_NEAR(c.latencyMs, lutCost(table, p, "latency").item<double>(), 1e-9);
}

TEST(SgnasLatency, EntriesAndNetworksMeasure) {
  const auto space = makeSgnasLatencySpace("tiny");
  LatencyOptions o;
  o.timing.warmupRuns = 1;
  o.timing.warmupMs = 0;
  o.timing.minRepeats = 2;
  o.timing.maxRepeats = 2;
  for (const auto& e : space->entries()) {
    const TimingStats t = space->measure(e.key, o);
    EXPECT_GT(t.medianMs, 0.0) << e.key;
    EXPECT_EQ(2, t.repeats) << e.key;
  }
  EXPECT_THROW(space->measure("L9/pw1/e1", o), Error);
  EXPECT_THROW(space->measure("L0/dw4/n1", o), Error);
  EXPECT_THROW(space->measure("L0/pw1/e9", o), Error);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 3; ++i) EXPECT_GT(space->measureNetwork(space->randomArchitecture(rng), o).medianMs, 0.0);
}

}  // namespace
}  // namespace nas::sgnas
