// The SGNAS space: presets, canonical strings, JSON, parse errors, graph form.
#include <gtest/gtest.h>

#include "SgnasSampling.h"
#include "SgnasSpace.h"
#include "common/Error.h"

namespace nas::sgnas {
namespace {

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(SgnasSpace, PresetsHaveTheirTables) {
  const SgnasSpace f = spacePreset("fashion-mnist", 10);
  EXPECT_EQ(f.numLayers(), 6);
  EXPECT_EQ(f.groups, 6);
  EXPECT_EQ(f.inputSize, 28);
  EXPECT_EQ(f.layerInSize(0), 14);  // stem stride 2
  EXPECT_EQ(f.layerOutSize(1), 7);
  EXPECT_EQ(f.layerOutSize(5), 4);
  EXPECT_TRUE(f.hasResidual(0));   // 16 -> 16, stride 1
  EXPECT_FALSE(f.hasResidual(1));  // stride 2
  const SgnasSpace in = spacePreset("imagenet", 1000);
  EXPECT_EQ(in.numLayers(), 19);
  EXPECT_EQ(in.layerOutSize(18), 7);  // 224 / 32
  EXPECT_EQ(spacePreset("cifar", 100).layerOutSize(18), 4);  // 32 / 8
  EXPECT_NE(errorOf([] { spacePreset("mnist", 10); }).find("fashion-mnist"), std::string::npos);
  EXPECT_EQ(SgnasSpace::fromJson(f.toJson()).toJson(), f.toJson());
}

TEST(SgnasSpace, CanonicalStringRoundTrips) {
  const SgnasSpace s = spacePreset("fashion-mnist", 10);
  Rng rng(3);
  for (int i = 0; i < 200; ++i) {
    const SgnasArch a = randomArch(s, rng);
    const std::string text = archToString(s, a);
    EXPECT_EQ(parseArch(s, text), a) << text;
    EXPECT_EQ(archFromJson(s, archToJson(s, a)), a) << text;
  }
  EXPECT_EQ(archToString(s, minimalArch(s)), "fashion-mnist:3xxxxx|3xxxxx|3xxxxx|3xxxxx|3xxxxx|3xxxxx");
  const SgnasArch a = parseArch(s, " fashion-mnist:357xxx|777777|3xxxxx|5x5x5x|7xxxxx|33xxxx ");
  EXPECT_EQ(a.expansion(0), 3);
  EXPECT_EQ(a.kernels(3), (std::vector<int>{5, 5, 5}));
  EXPECT_EQ(archToJson(s, a)["layers"][0]["choices"][3], "skip");
}

TEST(SgnasSpace, ParseErrorsSayWhatAndWhere) {
  const SgnasSpace s = spacePreset("tiny", 4);
  EXPECT_NE(errorOf([&] { parseArch(s, "37x|5xx|777"); }).find("no ':'"), std::string::npos);
  EXPECT_NE(errorOf([&] { parseArch(s, "cifar:37x|5xx|777"); }).find("preset 'cifar'"), std::string::npos);
  EXPECT_NE(errorOf([&] { parseArch(s, "tiny:37x|5xx"); }).find("2 layers, expected 3"), std::string::npos);
  EXPECT_NE(errorOf([&] { parseArch(s, "tiny:37x|5x|777"); }).find("layer 1 has 2 groups"), std::string::npos);
  EXPECT_NE(errorOf([&] { parseArch(s, "tiny:37x|x5x|777"); }).find("group 0 cannot"), std::string::npos);
  EXPECT_NE(errorOf([&] { parseArch(s, "tiny:37x|5?x|777"); }).find("'?' at column 11"), std::string::npos);
  EXPECT_NE(errorOf([&] { archFromJson(s, Json{{"layers", {{"k3", "k9", "skip"}}}}); }).find("unknown choice 'k9'"),
            std::string::npos);
  try {
    parseArch(s, "tiny:");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ParseError);
  }
}

TEST(SgnasSpace, GraphIsAChainOfLayers) {
  const SgnasSpace s = spacePreset("tiny", 4);
  const GraphForm g = archGraph(s, parseArch(s, "tiny:37x|5xx|777"));
  ASSERT_EQ(g.nodes.size(), 7u);  // in, stem, 3 layers, head, out
  EXPECT_EQ(g.edges.size(), 6u);
  EXPECT_EQ(g.nodes[2].label, "e2 k3,7 8");
  EXPECT_EQ(g.nodes[4].label, "e3 k7,7,7 16");
  EXPECT_EQ(g.space, "sgnas");
}

}  // namespace
}  // namespace nas::sgnas
