// The DBB architecture string: round trip, canonical letter order, clear parse errors naming
// the input, and a sampler that spreads networks over the branch-count range.
#include <gtest/gtest.h>

#include <set>

#include "DbbArch.h"
#include "common/Error.h"

namespace nas::repnas {
namespace {

TEST(DbbArch, RoundTripAndCanonicalOrder) {
  const DbbFamily& f = fashionMnistFamily();
  ASSERT_EQ(6, f.numLayers());
  const DbbArch a = parseDbbArch(f, "k1|c|ka|k1ca|1|kc");
  EXPECT_FALSE(a.deployed);
  EXPECT_EQ(kAllBranches, a.masks[3]);
  EXPECT_EQ(maskOf(Branch::Conv1x1), a.masks[4]);
  EXPECT_EQ("k1|c|ka|k1ca|1|kc", dbbArchToString(a));
  const DbbArch d = parseDbbArch(f, "deploy:ac1k|c|ak|k1ca|1|ck");  // any letter order
  EXPECT_TRUE(d.deployed);
  EXPECT_EQ("deploy:k1ca|c|ka|k1ca|1|kc", dbbArchToString(d));
}

void expectParseError(const std::string& text, const std::string& mentions) {
  try {
    parseDbbArch(fashionMnistFamily(), text);
    ADD_FAILURE() << "no error for '" << text << "'";
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::ParseError, e.code()) << e.what();
    EXPECT_NE(std::string::npos, e.context().find("'" + text + "'")) << e.what();  // names the input
    EXPECT_NE(std::string::npos, e.message().find(mentions)) << e.what();
  }
}

TEST(DbbArch, ParseErrorsNameTheInput) {
  expectParseError("", "layer 0 has no branch");
  expectParseError("k|k|k|k|k", "5 layer masks");
  expectParseError("k|k|k|k|k|k|k", "7 layer masks");
  expectParseError("k|k||k|k|k", "layer 2 has no branch");
  expectParseError("k|k|k|k|k|kx", "unknown branch letter 'x'");
  expectParseError("k|kk|k|k|k|k", "layer 1 repeats branch 'k'");
  expectParseError("deploy:", "no branch");
  expectParseError("Deploy:k|k|k|k|k|k", "unknown branch letter 'D'");
  expectParseError("k|k|k|k|k|k|", "layer 6 has no branch");
}

TEST(DbbArch, FamilyShapesChain) {
  const DbbFamily& f = fashionMnistFamily();
  EXPECT_EQ("16x28-16-s1-k3", f.layers[0].shapeKey());
  EXPECT_EQ("16x28-32-s2-k3", f.layers[1].shapeKey());
  EXPECT_EQ(14, f.layers[1].outSize());
  EXPECT_EQ(f.layers[4].shapeKey(), f.layers[5].shapeKey());  // shared entries
  EXPECT_EQ(7, f.lastSize());
  DbbFamily bad = f;
  bad.layers[2].inChannels = 16;
  EXPECT_THROW(bad.validate(), Error);
}

TEST(DbbArch, SamplerSpreadsOverBranchCounts) {
  const DbbFamily& f = fashionMnistFamily();
  std::mt19937_64 rng(1);
  std::set<std::string> distinct;
  int low = 0, high = 0;  // networks with <= 9 branches (of 6..24) and with >= 19
  for (int i = 0; i < 400; ++i) {
    const DbbArch a = randomDbbArch(f, rng);
    EXPECT_NO_THROW(validateDbbArch(f, a));
    EXPECT_FALSE(a.deployed);
    int n = 0;
    for (BranchMask m : a.masks) n += branchCount(m);
    low += n <= 9;
    high += n >= 19;
    distinct.insert(dbbArchToString(a));
    // The string it gives parses back to itself.
    EXPECT_EQ(dbbArchToString(a), dbbArchToString(parseDbbArch(f, dbbArchToString(a))));
  }
  // A uniform non-empty mask per layer gives 12.8 branches on average, sd ~2.2: the high tail
  // (>= 19) would almost never appear, the low one (<= 9) in ~5 % of the networks.
  EXPECT_GT(low, 40);
  EXPECT_GT(high, 40);
  EXPECT_GT(distinct.size(), 350u);
}

}  // namespace
}  // namespace nas::repnas
