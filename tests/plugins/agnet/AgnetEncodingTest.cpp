// The 8-node op-on-node graph of NAS-Bench-201 cells: round trip for every cell, and
// graphs without the cell's shape decode to nothing.
#include <gtest/gtest.h>

#include <set>

#include "AgnetEncoding.h"
#include "common/Error.h"

namespace nas::agnet {
namespace {

// Reads a graph back from its 84-vector: argmax types, edges > 0.5.
std::optional<Nb201Cell> fromVector(const std::array<float, kGraphVector>& v) {
  std::vector<int> types;
  for (int n = 0; n < kNodes; ++n) {
    int best = 0;
    for (int t = 1; t < kNodeTypes; ++t)
      if (v[n * kNodeTypes + t] > v[n * kNodeTypes + best]) best = t;
    types.push_back(best);
  }
  std::array<bool, kEdgeSlots> edges{};
  for (int s = 0; s < kEdgeSlots; ++s) edges[s] = v[kNodes * kNodeTypes + s] > 0.5f;
  return decodeGraph(types, edges);
}

TEST(AgnetEncoding, RoundTripForAllCells) {
  std::set<std::array<float, kGraphVector>> distinct;
  for (int i = 0; i < kNb201NumCells; ++i) {
    const Nb201Cell cell = Nb201Cell::fromIndex(i);
    const Nb201Graph g = encodeCell(cell);
    EXPECT_EQ(g.types.front(), kInput);
    EXPECT_EQ(g.types.back(), kOutput);
    const auto v = graphVector(g);
    const auto back = fromVector(v);
    ASSERT_TRUE(back.has_value()) << cell.toString();
    ASSERT_EQ(back->toString(), cell.toString());
    ASSERT_EQ(Nb201Cell::parse(back->toString()), cell);
    distinct.insert(v);
  }
  EXPECT_EQ(distinct.size(), std::size_t(kNb201NumCells));
}

TEST(AgnetEncoding, FixedAdjacencyAndSlots) {
  EXPECT_EQ(edgeSlot(0, 1), 0);
  EXPECT_EQ(edgeSlot(0, 2), 1);
  EXPECT_EQ(edgeSlot(1, 2), 2);
  EXPECT_EQ(edgeSlot(6, 7), kEdgeSlots - 1);
  int count = 0;
  for (bool e : nb201Adjacency()) count += e;
  EXPECT_EQ(count, 10);
  EXPECT_TRUE(nb201Adjacency()[edgeSlot(0, 4)]);  // input -> op(0->3)
  EXPECT_TRUE(nb201Adjacency()[edgeSlot(3, 6)]);  // op(1->2) -> op(2->3)
  EXPECT_FALSE(nb201Adjacency()[edgeSlot(0, 7)]);
  // The string order of edges is the node order: op(1->2) is node 3.
  const Nb201Cell c = Nb201Cell::parse("|none~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|none~2|");
  EXPECT_EQ(encodeCell(c).types[3], kAvgPool);
}

TEST(AgnetEncoding, GraphsWithoutTheCellShapeAreInvalid) {
  const Nb201Graph g = encodeCell(Nb201Cell::fromIndex(1234));
  std::vector<int> types(g.types.begin(), g.types.end());
  EXPECT_TRUE(decodeGraph(types, g.edges).has_value());

  std::vector<int> truncated(types.begin(), types.begin() + 5);
  truncated.push_back(kOutput);
  EXPECT_FALSE(decodeGraph(truncated, g.edges).has_value());

  auto inputInside = types;
  inputInside[4] = kInput;
  EXPECT_FALSE(decodeGraph(inputInside, g.edges).has_value());

  auto noInput = types;
  noInput[0] = kConv3x3;
  EXPECT_FALSE(decodeGraph(noInput, g.edges).has_value());

  auto extraEdge = g.edges;
  extraEdge[edgeSlot(0, 7)] = true;
  EXPECT_FALSE(decodeGraph(types, extraEdge).has_value());
  auto missingEdge = g.edges;
  missingEdge[edgeSlot(2, 6)] = false;
  EXPECT_FALSE(decodeGraph(types, missingEdge).has_value());
  EXPECT_THROW(opOfNodeType(kInput), Error);
}

}  // namespace
}  // namespace nas::agnet
