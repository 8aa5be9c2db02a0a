// The heat-grid frame reader: the payload contract in engine/GridSamples.h, malformed grids
// refused with the field named, frames found in a real workspace without naming a method.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "common/Error.h"
#include "engine/GridSamples.h"
#include "store/Workspace.h"

namespace {

nas::SampleRecord record(std::int64_t id, int round, const std::string& payload) {
  nas::SampleRecord r;
  r.id = id;
  r.jobId = 3;
  r.round = round;
  r.payloadJson = payload;
  return r;
}

const char* kGrid = R"({"name":"normal","title":"Normal cell","rows":["0→2","1→2"],"columns":["skip","conv"],
                        "values":[[0.25,0.75],[null,1]],"min":0,"max":1,"value":"softmax weight"})";

std::string expectParseError(const std::string& json) {
  try {
    nas::parseHeatGrid(nas::Json::parse(json));
  } catch (const nas::Error& e) {
    EXPECT_EQ(e.code(), nas::ErrorCode::ParseError);
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << json;
  return {};
}

}  // namespace

TEST(GridSamples, ParsesAGridWithItsScaleAndMissingValues) {
  const nas::HeatGrid g = nas::parseHeatGrid(nas::Json::parse(kGrid));
  EXPECT_EQ(g.name, "normal");
  EXPECT_EQ(g.title, "Normal cell");
  EXPECT_EQ(g.valueLabel, "softmax weight");
  ASSERT_EQ(g.rows.size(), 2u);
  ASSERT_EQ(g.columns.size(), 2u);
  EXPECT_DOUBLE_EQ(g.values[0][1], 0.75);
  EXPECT_TRUE(std::isnan(g.values[1][0]));
  EXPECT_DOUBLE_EQ(g.max, 1.0);
}

TEST(GridSamples, JsonRoundTripKeepsEveryField) {
  const nas::HeatGrid g = nas::parseHeatGrid(nas::Json::parse(kGrid));
  const nas::HeatGrid back = nas::parseHeatGrid(nas::heatGridToJson(g));
  EXPECT_EQ(back.rows, g.rows);
  EXPECT_EQ(back.columns, g.columns);
  EXPECT_EQ(back.valueLabel, g.valueLabel);
  EXPECT_DOUBLE_EQ(back.values[0][0], 0.25);
  EXPECT_TRUE(std::isnan(back.values[1][0]));
}

TEST(GridSamples, ScaleDefaultsToTheValuesRange) {
  const nas::HeatGrid g = nas::parseHeatGrid(nas::Json::parse(R"({"rows":["a"],"columns":["x","y"],"values":[[-0.5,0.5]]})"));
  EXPECT_DOUBLE_EQ(g.min, -0.5);
  EXPECT_DOUBLE_EQ(g.max, 0.5);
  const nas::HeatGrid flat = nas::parseHeatGrid(nas::Json::parse(R"({"rows":["a"],"columns":["x"],"values":[[2]]})"));
  EXPECT_LT(flat.min, flat.max);
}

TEST(GridSamples, MalformedGridsNameTheFieldAndTheProblem) {
  EXPECT_NE(expectParseError(R"({"name":"g","columns":["x"],"values":[[1]]})").find("\"rows\""), std::string::npos);
  EXPECT_NE(expectParseError(R"({"name":"g","rows":["a","b"],"columns":["x"],"values":[[1]]})").find("1 rows for 2"),
            std::string::npos);
  EXPECT_NE(expectParseError(R"({"name":"g","rows":["a"],"columns":["x","y"],"values":[[1]]})").find("row 0"),
            std::string::npos);
  EXPECT_NE(expectParseError(R"({"name":"g","rows":["a"],"columns":["x"],"values":[["high"]]})").find("non-number"),
            std::string::npos);
  EXPECT_NE(expectParseError(R"({"name":"g","rows":["a"],"columns":["x"],"values":[[1]],"min":1,"max":0})")
                .find("below"),
            std::string::npos);
  EXPECT_NE(expectParseError(R"([1,2])").find("object"), std::string::npos);
  EXPECT_NE(expectParseError(R"({"name":"bad","rows":[1],"columns":["x"],"values":[[1]]})").find("heat grid \"bad\""),
            std::string::npos);
}

TEST(GridSamples, FramesAreOrderedAndBadOnesListedNotThrown) {
  const std::string graph = R"({"space":"demo","nodes":[{"id":0,"label":"in","role":"input"},{"id":1,"label":"out","role":"output"}],
                                "edges":[{"from":0,"to":1,"op":"conv","label":"conv","active":true}]})";
  std::vector<nas::SampleRecord> records{
      record(5, 2, std::string(R"({"label":"epoch 2","grids":[)") + kGrid + "]}"),
      record(4, 1, std::string(R"({"grids":[)") + kGrid + "]," + R"("graphs":{"before":)" + graph +
                       R"(},"table":{"header":["","a"],"rows":[["acc",0.5]]}})"),
      record(6, 3, R"({"grids":[{"rows":["a"],"columns":["x","y"],"values":[[1]]}]})"),
      record(9, 5, std::string(R"({"graphs":[{"title":"z first","graph":)") + graph + R"(},{"title":"a second","graph":)" +
                       graph + "}]}"),
      record(10, 6, R"({"graphs":[{"title":"no graph"}]})"),
      record(7, 3, R"({"seed":1,"x":0.2})"),  // a search sample: not a frame, not a problem
      record(8, 4, "not json"),
  };
  const nas::GridRun run = nas::readGridRun(records);
  ASSERT_EQ(run.frames.size(), 3u);
  EXPECT_EQ(run.frames[0].round, 1);
  EXPECT_EQ(run.frames[0].label, "round 1");
  ASSERT_EQ(run.frames[0].graphs.size(), 1u);
  EXPECT_EQ(run.frames[0].graphs[0].first, "before");
  EXPECT_EQ(run.frames[0].graphs[0].second.edges.size(), 1u);
  ASSERT_TRUE(run.frames[0].table.has_value());
  EXPECT_EQ(run.frames[0].table->rows[0][1], "0.5");
  EXPECT_EQ(run.frames[1].label, "epoch 2");
  ASSERT_EQ(run.frames[2].graphs.size(), 2u);  // an array keeps its order
  EXPECT_EQ(run.frames[2].graphs[0].first, "z first");
  ASSERT_EQ(run.problems.size(), 3u);  // in the records' order
  EXPECT_NE(run.problems[0].find("sample #6"), std::string::npos);
  EXPECT_NE(run.problems[1].find("sample #10"), std::string::npos);
  EXPECT_NE(run.problems[2].find("sample #8"), std::string::npos);
}

TEST(GridSamples, WorkspaceListsOnlyJobsWithFramesNewestFirst) {
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  const auto dir = std::filesystem::temp_directory_path() /
                   ("nas-grid-test-" + std::to_string(::getpid()) + "-" + std::to_string(stamp));
  std::filesystem::create_directories(dir);
  {
    auto ws = nas::Workspace::open((dir / "grids.nasdb").string());
    const nas::JobId first = ws->createJob("some-search", "{}");
    const nas::JobId plain = ws->createJob("train", "{}");
    const nas::JobId second = ws->createJob("another", "{}");
    nas::SampleRecord a = record(0, 1, std::string(R"({"grids":[)") + kGrid + "]}");
    a.jobId = first;
    nas::SampleRecord b = record(0, 1, R"({"seed":3})");
    b.jobId = plain;
    nas::SampleRecord c = record(0, 1, std::string(R"({"grids":[)") + kGrid + "]}");
    c.jobId = second;
    nas::SampleRecord d = record(0, 2, "{broken");  // hand-written rows never break the query
    d.jobId = plain;
    ws->addSamples({a, b, c, d});
    const auto jobs = nas::gridJobs(*ws);
    ASSERT_EQ(jobs.size(), 2u);
    EXPECT_EQ(jobs[0].id, second);
    EXPECT_EQ(jobs[1].id, first);
    const nas::GridRun run = nas::loadGridRun(*ws, first);
    EXPECT_EQ(run.method, "some-search");
    EXPECT_EQ(run.frames.size(), 1u);
    EXPECT_THROW(nas::loadGridRun(*ws, 999), nas::Error);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
