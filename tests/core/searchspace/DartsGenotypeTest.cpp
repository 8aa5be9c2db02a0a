// The DARTS search space: genotype text round trips (flat and extended forms), malformed texts
// refused with the column of the problem, the edge list, the drawable graph and the costs.
#include <gtest/gtest.h>

#include <string>

#include "common/Error.h"
#include "searchspace/DartsGenotype.h"

using namespace nas;

namespace {

const char* kV2 =
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), "
    "('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], "
    "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
    "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

// Parses `text` expecting a ParseError whose message starts "column <col>: " and holds `fragment`.
void expectRefused(const std::string& text, int col, const std::string& fragment) {
  try {
    DartsGenotype::parse(text);
    ADD_FAILURE() << "parsed without error: " << text;
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::ParseError, e.code()) << text;
    EXPECT_EQ(text, e.context());
    EXPECT_EQ(0u, e.message().rfind("column " + std::to_string(col) + ": ", 0)) << e.message();
    EXPECT_NE(std::string::npos, e.message().find(fragment)) << e.message();
  }
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(std::string::npos, at) << from;
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST(DartsGenotype, PublishedGenotypeRoundTrips) {
  const DartsGenotype g = DartsGenotype::parse(kV2);
  EXPECT_EQ(dartsV2Genotype(), g);
  EXPECT_TRUE(g.standard());
  EXPECT_EQ(kV2, g.toString());
  EXPECT_EQ(g, DartsGenotype::parse(g.toString()));
  EXPECT_EQ((DartsConnection{DartsOp::DilConv3x3, 2}), g.normal.nodes[3][1]);
}

TEST(DartsGenotype, LooseSpellingsParseToTheSameGenotype) {
  // DARTS prints its concat as range(2, 6); double quotes, other spacing, field order and a
  // trailing comma are what people paste, too.
  std::string loose = replaced(kV2, "normal_concat=[2, 3, 4, 5]", "normal_concat=range(2, 6)");
  loose = replaced(loose, "'sep_conv_3x3', 0", "\"sep_conv_3x3\",0");
  loose = "  " + replaced(loose, "reduce_concat=[2, 3, 4, 5])", "reduce_concat=[2,3,4,5],\n) ");
  EXPECT_EQ(dartsV2Genotype(), DartsGenotype::parse(loose));
  const std::string reordered =
      "Genotype(reduce_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), "
      "('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], "
      "normal_concat=[2, 3, 4, 5], normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
      "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)])";
  EXPECT_EQ(dartsV2Genotype(), DartsGenotype::parse(reordered));
}

TEST(DartsGenotype, ExtendedFormKeepsAnyNumberOfInputsPerNode) {
  DartsGenotype g = dartsV2Genotype();
  g.normal.nodes[0] = {{DartsOp::SepConv5x5, 1}};
  g.normal.nodes[3] = {{DartsOp::SkipConnect, 0}, {DartsOp::DilConv3x3, 2}, {DartsOp::SepConv3x3, 4},
                       {DartsOp::AvgPool3x3, 4}};
  g.normal.concat = {3, 5};
  EXPECT_FALSE(g.standard());
  EXPECT_TRUE(g.reduce.standard());
  const std::string text = g.toString();
  EXPECT_NE(std::string::npos, text.find("normal=[[('sep_conv_5x5', 1)], [")) << text;
  EXPECT_NE(std::string::npos, text.find("normal_concat=[3, 5]")) << text;
  EXPECT_NE(std::string::npos, text.find("reduce=[('max_pool_3x3', 0), ")) << text;  // still flat
  EXPECT_EQ(g, DartsGenotype::parse(text));
  EXPECT_EQ(text, DartsGenotype::parse(text).toString());
}

TEST(DartsGenotype, MalformedTextsAreRefusedWithTheColumn) {
  expectRefused("", 1, "empty genotype");
  expectRefused("Genotyp(normal=[])", 1, "expected 'Genotype'");
  expectRefused("Genotype[", 9, "expected '('");
  expectRefused(replaced(kV2, "'sep_conv_3x3', 1", "'sep_conv_7x7', 1"), 40, "unknown operation 'sep_conv_7x7'");
  // Node 2 may only read nodes 0 and 1.
  expectRefused(replaced(kV2, "('sep_conv_3x3', 1)", "('sep_conv_3x3', 2)"), 56, "input 2 of node 2 must be below 2");
  expectRefused(replaced(kV2, ", ('dil_conv_3x3', 2)]", "]"), 163, "expected 8 (op, input) pairs, found 7");
  expectRefused(replaced(kV2, "normal_concat=[2, 3, 4, 5]", "normal_concat=[2, 6]"), 205, "node 6 outside 2..5");
  expectRefused(replaced(kV2, "normal_concat=[2, 3, 4, 5]", "normal_concat=[2, 2]"), 205, "listed twice");
  expectRefused(replaced(kV2, "normal_concat", "normal_cat"), 187, "unknown field 'normal_cat'");
  expectRefused(replaced(kV2, "reduce_concat=[2, 3, 4, 5]", "normal_concat=[2, 3, 4, 5]"), 392, "given twice");
  expectRefused(replaced(kV2, ", reduce_concat=[2, 3, 4, 5])", ")"), 390, "missing field(s) reduce_concat");
  expectRefused(std::string(kV2) + " x", static_cast<int>(std::string(kV2).size()) + 2, "after the closing ')'");
  expectRefused(replaced(kV2, "('sep_conv_3x3', 0)", "('sep_conv_3x3, 0)"), 19, "unknown operation 'sep_conv_3x3, 0), ('");
  // Extended form: an empty node list, too few node lists.
  expectRefused("Genotype(normal=[[], [], [], []], normal_concat=[2], reduce=[], reduce_concat=[2])", 18,
                "node 2 has no input");
  expectRefused("Genotype(normal=[[('skip_connect', 0)]], normal_concat=[2], reduce=[], reduce_concat=[2])", 39,
                "expected 4 node lists, found 1");
}

TEST(DartsGenotype, EdgesAreGroupedByTargetNode) {
  const auto& e = dartsEdges();
  EXPECT_EQ(0, e[0].from);
  EXPECT_EQ(2, e[0].to);
  EXPECT_EQ(4, e[13].from);
  EXPECT_EQ(5, e[13].to);
  for (int i = 0; i < kDartsNumEdges; ++i) EXPECT_EQ(i, dartsEdgeIndex(e[i].from, e[i].to));
  EXPECT_THROW(dartsEdgeIndex(2, 2), Error);
  EXPECT_THROW(dartsOpFromName("conv"), Error);
}

TEST(DartsGenotype, GraphHasTwoInputsFourNodesAndAConcatOutput) {
  const GraphForm g = dartsV2Genotype().reduce.graph(true);
  EXPECT_EQ("darts", g.space);
  ASSERT_EQ(7u, g.nodes.size());
  EXPECT_EQ("input", g.nodes[0].role);
  EXPECT_EQ("input", g.nodes[1].role);
  EXPECT_EQ("output", g.nodes[6].role);
  ASSERT_EQ(8u + 4u, g.edges.size());
  EXPECT_EQ("max_pool_3x3", g.edges[0].op);
  EXPECT_EQ("maxpool /2", g.edges[0].label);  // stride 2 on an input node of a reduction cell
  EXPECT_EQ("skip", g.edges[2].label);        // node 2 -> 3: stride 1
  EXPECT_EQ("concat", g.edges.back().op);
  EXPECT_EQ(6, g.edges.back().to);
}

TEST(DartsGenotype, GenotypeGraphHoldsBothCellsApartAndNamed) {
  const DartsGenotype v2 = dartsV2Genotype();
  const GraphForm g = v2.graph();
  ASSERT_EQ(14u, g.nodes.size());
  ASSERT_EQ(24u, g.edges.size());
  EXPECT_EQ("normal c_{k-2}", g.nodes[0].label);
  EXPECT_EQ("0", g.nodes[2].label);
  EXPECT_EQ(DartsGenotype::kReduceNodeOffset + 6, g.nodes[13].id);
  EXPECT_EQ("reduce c_{k}", g.nodes[13].label);
  // No edge joins the two cells; the reduction cell's edges are its own graph's, shifted.
  const GraphForm r = v2.reduce.graph(true);
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_LT(g.edges[i].to, DartsGenotype::kReduceNodeOffset);
    EXPECT_EQ(r.edges[i].from + DartsGenotype::kReduceNodeOffset, g.edges[12 + i].from);
    EXPECT_EQ(r.edges[i].label, g.edges[12 + i].label);
  }
}

TEST(DartsCost, PublishedParameterCount) {
  // DARTS' train.py logs "param size = 3.349342MB" for DARTS V2 at C=36, 20 layers.
  const DartsCostCounts c = dartsCost(dartsV2Genotype());
  EXPECT_EQ(3349342, c.params);
  EXPECT_GT(c.flops, 4.0e8);  // ~0.5 GMACs on 32x32, DARTS' reported order of magnitude
  EXPECT_LT(c.flops, 6.5e8);
  DartsNetworkConfig aux;
  aux.auxiliary = true;
  EXPECT_GT(dartsCost(dartsV2Genotype(), aux).params, c.params + 128 * 768 * 4);
}

TEST(DartsCost, ScalesWithInputsAndRefusesBadConfigs) {
  DartsNetworkConfig small;
  small.channels = 8;
  small.layers = 5;
  small.inputChannels = 1;
  small.inputHeight = small.inputWidth = 28;
  const DartsCostCounts a = dartsCost(dartsV2Genotype(), small);
  small.inputHeight = small.inputWidth = 56;
  const DartsCostCounts b = dartsCost(dartsV2Genotype(), small);
  EXPECT_EQ(a.params, b.params);  // global pooling: size-independent
  EXPECT_NEAR(4.0, b.flops / a.flops, 0.05);
  DartsGenotype extra = dartsV2Genotype();
  extra.normal.nodes[0].push_back({DartsOp::SepConv3x3, 0});
  EXPECT_GT(dartsCost(extra, small).params, b.params);
  small.inputHeight = 30;
  EXPECT_THROW(dartsCost(dartsV2Genotype(), small), Error);
  small.inputHeight = 28;
  small.channels = 7;
  EXPECT_THROW(dartsCost(dartsV2Genotype(), small), Error);
}
