// Result drawings in sample payloads (engine/ChartSamples.h): curves, trees and scatters read
// back as written, frames that carry only drawings found, and every malformed drawing listed as
// the frame's problem (never thrown out of the reader).
#include <gtest/gtest.h>

#include <cmath>

#include "common/Error.h"
#include "engine/GridSamples.h"

namespace {

nas::SampleRecord record(std::int64_t id, int round, const std::string& payload) {
  nas::SampleRecord r;
  r.id = id;
  r.jobId = 5;
  r.round = round;
  r.payloadJson = payload;
  return r;
}

nas::CurveChart curves() {
  nas::CurveChart c;
  c.title = "LID profiles";
  c.xLabel = "block";
  c.yLabel = "LID";
  c.xTicks = {"cell0", "reduction0", "cell1"};
  c.series = {{"a", {0, 1, 2}, {3.5, std::nan(""), 7.25}}, {"b", {0, 1, 2}, {1, 2, 3}}};
  return c;
}

nas::TreeChart tree() {
  nas::TreeChart t;
  t.title = "Split hierarchy";
  t.root.label = "root";
  t.root.detail = "split edge 0→1";
  t.root.children = {{"leaf 1", "0→1: none, skip", {}}, {"leaf 2", "0→1: conv", {}}};
  return t;
}

nas::ScatterChart scatter() {
  nas::ScatterChart s;
  s.title = "lid";
  s.xLabel = "true rank";
  s.yLabel = "predicted rank";
  s.diagonal = true;
  s.series = {{"lid", {1, 2, 3}, {2, 1, 3}, {"x", "y", "z"}}};
  return s;
}

// The problem listed for a frame whose payload is `payload`, or "" when it was read.
std::string problemOf(const std::string& payload) {
  const nas::GridRun run = nas::readGridRun({record(1, 0, payload)});
  return run.problems.empty() ? std::string() : run.problems.front();
}

}  // namespace

TEST(ChartSamples, EachKindRoundTripsThroughJson) {
  const nas::CurveChart c = nas::parseCurveChart(nas::curveChartToJson(curves()));
  EXPECT_EQ(c.title, "LID profiles");
  EXPECT_EQ(c.xLabel, "block");
  EXPECT_EQ(c.xTicks.size(), 3u);
  ASSERT_EQ(c.series.size(), 2u);
  EXPECT_DOUBLE_EQ(c.series[0].y[2], 7.25);
  EXPECT_TRUE(std::isnan(c.series[0].y[1]));  // a gap stays a gap
  const nas::TreeChart t = nas::parseTreeChart(nas::treeChartToJson(tree()));
  ASSERT_EQ(t.root.children.size(), 2u);
  EXPECT_EQ(t.root.children[0].detail, "0→1: none, skip");
  const nas::ScatterChart s = nas::parseScatterChart(nas::scatterChartToJson(scatter()));
  EXPECT_TRUE(s.diagonal);
  ASSERT_EQ(s.series.size(), 1u);
  EXPECT_EQ(s.series[0].labels[2], "z");
  EXPECT_DOUBLE_EQ(s.series[0].y[0], 2);
}

TEST(ChartSamples, CurveWithoutXCountsFromZero) {
  const nas::CurveChart c = nas::parseCurveChart(nas::Json::parse(R"({"series":[{"name":"a","y":[5,6,7]}]})"));
  EXPECT_EQ(c.series[0].x, (std::vector<double>{0, 1, 2}));
}

TEST(ChartSamples, AFrameMayCarryOnlyDrawings) {
  nas::Json p;
  p["label"] = "split done";
  p["curves"] = nas::Json::array({nas::curveChartToJson(curves())});
  p["trees"] = nas::Json::array({nas::treeChartToJson(tree())});
  p["scatters"] = nas::Json::array({nas::scatterChartToJson(scatter())});
  const nas::GridRun run = nas::readGridRun({record(1, 2, p.dump()), record(2, 1, R"({"other":1})")});
  EXPECT_TRUE(run.problems.empty());
  ASSERT_EQ(run.frames.size(), 1u);
  EXPECT_EQ(run.frames[0].label, "split done");
  EXPECT_TRUE(run.frames[0].grids.empty());
  EXPECT_EQ(run.frames[0].curves.size(), 1u);
  EXPECT_EQ(run.frames[0].trees.size(), 1u);
  EXPECT_EQ(run.frames[0].scatters.size(), 1u);
}

TEST(ChartSamples, MalformedDrawingsAreListedWithWhatIsWrong) {
  const struct {
    const char* payload;
    const char* says;
  } cases[] = {
      {R"({"curves": {"title": "x"}})", "\"curves\" must be an array"},
      {R"({"curves": [7]})", "must be an object"},
      {R"({"curves": [{"title": "p"}]})", "\"series\" must be an array"},
      {R"({"curves": [{"title": "p", "series": [{"name": "a", "y": [1, "two"]}]}]})", "non-number"},
      {R"({"curves": [{"title": "p", "series": [{"name": "a", "y": [1, 2], "x": [0]}]}]})", "1 x for 2 y"},
      {R"({"curves": [{"title": "p", "x_ticks": [1], "series": []}]})", "\"x_ticks\" must hold strings"},
      {R"({"trees": [{"title": "t"}]})", "has no \"root\""},
      {R"({"trees": [{"title": "t", "root": {"label": "r", "children": 3}}]})", "\"children\" of node \"r\""},
      {R"({"trees": [{"title": "t", "root": {"label": "r", "children": ["leaf"]}}]})", "a node must be an object"},
      {R"({"scatters": [{"title": "s", "series": [{"x": [1, 2], "y": [1]}]}]})", "2 x for 1 y"},
      {R"({"scatters": [{"title": "s", "series": [{"x": [1], "y": [1], "labels": ["a", "b"]}]}]})", "2 labels for 1"},
      {R"({"scatters": [{"title": "s", "series": [{"x": [null], "y": [1]}]}]})", "non-number"},
      {R"({"scatters": [{"title": "s", "diagonal": "yes", "series": []}]})", "\"diagonal\" must be true or false"},
  };
  for (const auto& c : cases) {
    const std::string problem = problemOf(c.payload);
    EXPECT_NE(problem.find(c.says), std::string::npos) << c.payload << " -> " << problem;
    EXPECT_NE(problem.find("sample #1"), std::string::npos) << problem;
  }
  // A tree deeper than the limit is refused, not recursed into without end.
  std::string deep = R"({"label": "leaf"})";
  for (int i = 0; i < nas::kMaxTreeDepth + 2; ++i) deep = R"({"label": "n", "children": [)" + deep + "]}";
  EXPECT_NE(problemOf(R"({"trees": [{"title": "deep", "root": )" + deep + "}]}").find("deeper than"),
            std::string::npos);
}

TEST(ChartSamples, ABadFrameDoesNotHideTheGoodOnes) {
  nas::Json good;
  good["scatters"] = nas::Json::array({nas::scatterChartToJson(scatter())});
  const nas::GridRun run =
      nas::readGridRun({record(1, 0, good.dump()), record(2, 1, R"({"trees": [{"root": 5}]})"), record(3, 2, good.dump())});
  EXPECT_EQ(run.frames.size(), 2u);
  ASSERT_EQ(run.problems.size(), 1u);
  EXPECT_NE(run.problems[0].find("sample #2"), std::string::npos);
}
