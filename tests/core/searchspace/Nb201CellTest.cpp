// Encodings, round trips, connectivity and graph form of the NAS-Bench-201 cell, checked
// over the whole space and against the shipped benchmark table.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include "common/Error.h"
#include "searchspace/Nb201Cell.h"

using namespace nas;

namespace {

const char* kBest =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";

struct CsvRow {
  std::string arch;
  double accuracy;
};

std::vector<CsvRow> readShippedCsv() {
  std::ifstream in(std::string(NAS_SOURCE_DIR) + "/resources/data/nb201/cifar10.csv");
  EXPECT_TRUE(in.good());
  std::vector<CsvRow> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto comma = line.find(',');
    rows.push_back({line.substr(0, comma), std::stod(line.substr(comma + 1))});
  }
  return rows;
}

}  // namespace

TEST(Nb201Cell, DefaultIsAllNone) {
  Nb201Cell c;
  EXPECT_EQ(c.index(), 0);
  EXPECT_EQ(c.toString(), "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  EXPECT_FALSE(c.connected());
}

TEST(Nb201Cell, KnownStringEncodesInEdgeOrder) {
  Nb201Cell c = Nb201Cell::parse(kBest);
  std::array<int, 6> enc{3, 3, 3, 1, 3, 2};
  EXPECT_EQ(c.encoding(), enc);
  EXPECT_EQ(c.index(), 3 + 3 * 5 + 3 * 25 + 1 * 125 + 3 * 625 + 2 * 3125);
  EXPECT_EQ(Nb201Cell::fromEncoding(enc), c);
  EXPECT_EQ(c.toString(), kBest);
}

TEST(Nb201Cell, AllCellsRoundTripAndIndicesAreABijection) {
  std::set<std::string> strings;
  for (int i = 0; i < kNb201NumCells; ++i) {
    Nb201Cell c = Nb201Cell::fromIndex(i);
    ASSERT_EQ(c.index(), i);
    const std::string s = c.toString();
    ASSERT_EQ(Nb201Cell::parse(s), c) << s;
    ASSERT_EQ(Nb201Cell::parse("  \t" + s + "\n").toString(), s);
    ASSERT_EQ(Nb201Cell::fromEncoding(c.encoding()), c);
    strings.insert(s);
  }
  EXPECT_EQ(strings.size(), static_cast<size_t>(kNb201NumCells));
}

TEST(Nb201Cell, RangesAreValidated) {
  EXPECT_THROW(Nb201Cell::fromIndex(-1), Error);
  EXPECT_THROW(Nb201Cell::fromIndex(kNb201NumCells), Error);
  try {
    Nb201Cell::fromEncoding({0, 0, 5, 0, 0, 0});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(e.message().find("edge 2"), std::string::npos) << e.message();
  }
  EXPECT_THROW(Nb201Cell::fromEncoding({-1, 0, 0, 0, 0, 0}), Error);
}

TEST(Nb201Cell, ConnectivityNeedsAPathAvoidingNone) {
  // Only 0->1 and 1->2: node 3 is unreachable.
  EXPECT_FALSE(Nb201Cell::fromEncoding({1, 0, 1, 0, 0, 0}).connected());
  // 0->1->3.
  EXPECT_TRUE(Nb201Cell::fromEncoding({1, 0, 0, 0, 2, 0}).connected());
  // 0->2->3.
  EXPECT_TRUE(Nb201Cell::fromEncoding({0, 4, 0, 0, 0, 3}).connected());
  // 1->3 present but node 1 not reachable.
  EXPECT_FALSE(Nb201Cell::fromEncoding({0, 0, 0, 0, 3, 0}).connected());
  EXPECT_TRUE(Nb201Cell::fromEncoding({0, 0, 0, 1, 0, 0}).connected());
}

TEST(Nb201Cell, ShippedTableParsesRoundTripsAndDisconnectedCellsScoreChance) {
  auto rows = readShippedCsv();
  ASSERT_EQ(rows.size(), static_cast<size_t>(kNb201NumCells));
  std::set<int> indices;
  int disconnected = 0;
  for (const auto& r : rows) {
    Nb201Cell c = Nb201Cell::parse(r.arch);
    ASSERT_EQ(c.toString(), r.arch);
    indices.insert(c.index());
    if (!c.connected()) {
      ++disconnected;
      EXPECT_LT(r.accuracy, 11.0) << r.arch;
    }
  }
  EXPECT_EQ(indices.size(), static_cast<size_t>(kNb201NumCells));
  EXPECT_GT(disconnected, 0);
}

TEST(Nb201Cell, GraphFormHasFourNodesAndSixLabelledEdges) {
  GraphForm g = Nb201Cell::parse(kBest).graph();
  EXPECT_EQ(g.space, "nb201");
  ASSERT_EQ(g.nodes.size(), 4u);
  EXPECT_EQ(g.nodes[0].label, "in");
  EXPECT_EQ(g.nodes[0].role, "input");
  EXPECT_EQ(g.nodes[1].role, "intermediate");
  EXPECT_EQ(g.nodes[2].label, "2");
  EXPECT_EQ(g.nodes[3].label, "out");
  EXPECT_EQ(g.nodes[3].role, "output");
  ASSERT_EQ(g.edges.size(), 6u);
  EXPECT_EQ(g.edges[3].from, 0);
  EXPECT_EQ(g.edges[3].to, 3);
  EXPECT_EQ(g.edges[3].op, "skip_connect");
  EXPECT_EQ(g.edges[5].op, "nor_conv_1x1");
  EXPECT_EQ(g.edges[5].label, "conv1x1");
  for (const auto& e : g.edges) EXPECT_TRUE(e.active);

  GraphForm none = Nb201Cell::fromEncoding({0, 1, 0, 0, 0, 0}).graph();
  int active = 0;
  for (const auto& e : none.edges) active += e.active;
  EXPECT_EQ(active, 1);
  EXPECT_EQ(none.edges[0].op, "none");
}
