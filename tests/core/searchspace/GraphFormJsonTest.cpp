// GraphForm JSON: an edge's optional weight round-trips, stays absent when unset, and a weight
// outside [0, 1] or of the wrong type is a ParseError naming the field.
#include <gtest/gtest.h>

#include "common/Error.h"
#include "searchspace/GraphFormJson.h"

using namespace nas;

namespace {

GraphForm twoEdges() {
  GraphForm g;
  g.space = "darts";
  g.nodes = {{0, "in", "input"}, {1, "out", "output"}};
  g.edges.push_back({0, 1, "sep_conv_3x3", "sep3x3", true});
  g.edges.push_back({0, 1, "skip_connect", "skip", true});
  g.edges[0].weight = 0.375;
  return g;
}

TEST(GraphFormJson, EdgeWeightRoundTripsAndIsAbsentWhenUnset) {
  const Json j = graphFormToJson(twoEdges());
  EXPECT_EQ(0.375, j.at("edges").at(0).at("weight").get<double>());
  EXPECT_FALSE(j.at("edges").at(1).contains("weight"));
  const GraphForm back = graphFormFromJson(j);
  ASSERT_EQ(2u, back.edges.size());
  EXPECT_TRUE(back.edges[0].weighted());
  EXPECT_EQ(0.375, back.edges[0].weight);
  EXPECT_FALSE(back.edges[1].weighted());
}

TEST(GraphFormJson, WeightOutsideZeroToOneOrNotANumberIsRefused) {
  for (const Json& bad : {Json(1.5), Json(-0.1), Json("0.5"), Json(nullptr)}) {
    Json j = graphFormToJson(twoEdges());
    j["edges"][0]["weight"] = bad;
    try {
      graphFormFromJson(j);
      ADD_FAILURE() << "accepted weight " << bad.dump();
    } catch (const Error& e) {
      EXPECT_EQ(ErrorCode::ParseError, e.code());
      EXPECT_NE(std::string::npos, e.message().find("weight")) << e.what();
    }
  }
}

}  // namespace
