// The Heat Maps tab and its grid view: frames of any job whose samples carry grids, the
// frame slider and "follow", live reload, malformed frames listed, and the colour scale.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSlider>
#include <QTableWidget>
#include <cmath>

#include "UiTestSupport.h"
#include "grids/HeatMapsPanel.h"
#include "store/Workspace.h"
#include "views/CellGraphView.h"
#include "views/HeatGridView.h"

using nas::ui::HeatGridView;
using nas::ui::HeatMapsPanel;

namespace {

nas::HeatGrid grid(double a, double b) {
  nas::HeatGrid g;
  g.name = "normal";
  g.title = "Normal cell";
  g.valueLabel = "softmax weight";
  g.rows = {"0→2", "1→2"};
  g.columns = {"skip", "conv"};
  g.values = {{a, 1 - a}, {b, 1 - b}};
  return g;
}

void addFrame(nas::Workspace& ws, nas::JobId job, int round, const nas::Json& extra = nas::Json::object()) {
  nas::Json payload = extra;
  payload["label"] = "epoch " + std::to_string(round);
  payload["grids"] = nas::Json::array({nas::heatGridToJson(grid(0.1 * round, 0.5))});
  nas::SampleRecord s;
  s.jobId = job;
  s.round = round;
  s.payloadJson = payload.dump();
  ws.addSamples({s});
}

}  // namespace

TEST(HeatGridView, DivergingScaleIsWhiteAtZeroAndSequentialDarkensWithValue) {
  HeatGridView v;
  nas::HeatGrid g = grid(0.2, 0.4);
  g.min = -1;
  g.max = 1;
  v.setGrid(g);
  const QColor zero = v.colorFor(0.0);
  EXPECT_GT(zero.lightnessF(), 0.95);
  EXPECT_GT(v.colorFor(-1).blue(), v.colorFor(-1).red());
  EXPECT_GT(v.colorFor(1).red(), v.colorFor(1).blue());
  g.min = 0;
  v.setGrid(g);
  EXPECT_GT(v.colorFor(0.1).lightnessF(), v.colorFor(0.9).lightnessF());
  EXPECT_NE(v.colorFor(std::nan("")), v.colorFor(0.0));  // no value is not the lowest value
}

TEST(HeatGridView, StretchingColoursOverTheValuesRangeSeparatesCloseValues) {
  HeatGridView v;
  nas::HeatGrid g = grid(0.97, 0.99);
  g.values = {{0.97, 1.0}, {0.98, 0.99}};
  g.min = -1;
  g.max = 1;
  v.setGrid(g);
  const double plainGap = std::abs(v.colorFor(0.97).lightnessF() - v.colorFor(1.0).lightnessF());
  v.setStretched(true);
  const double stretchedGap = std::abs(v.colorFor(0.97).lightnessF() - v.colorFor(1.0).lightnessF());
  EXPECT_GT(stretchedGap, 5 * plainGap);
  EXPECT_DOUBLE_EQ(v.grid().min, -1);  // the grid as written is kept
  v.setStretched(false);
  EXPECT_NEAR(std::abs(v.colorFor(0.97).lightnessF() - v.colorFor(1.0).lightnessF()), plainGap, 1e-12);
}

TEST(HeatGridView, CellsAreFoundWhereTheyAreDrawn) {
  HeatGridView v;
  v.setGrid(grid(0.2, 0.4));
  v.resize(v.sizeHint());
  const QRect r = v.cellRect(1, 0);
  EXPECT_EQ(v.cellAt(r.center()), QPoint(1, 0));
  EXPECT_EQ(v.cellAt(QPoint(1, 1)), QPoint(-1, -1));
  EXPECT_LE(v.minimumSizeHint().width(), v.sizeHint().width());
}

TEST(HeatMapsPanel, ShowsTheNewestGridJobFollowsNewFramesAndKeepsAChosenOne) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("heat")).toStdString());
  const nas::JobId plain = ws->createJob("train", "{}");
  const nas::JobId search = ws->createJob("any-search", "{}");
  nas::SampleRecord notAFrame;
  notAFrame.jobId = plain;
  notAFrame.payloadJson = R"({"seed":1})";
  ws->addSamples({notAFrame});
  addFrame(*ws, search, 1);
  addFrame(*ws, search, 2);

  HeatMapsPanel panel;
  panel.resize(900, 700);
  panel.show();
  panel.setWorkspace(ws.get());
  ASSERT_TRUE(nas::ui::test::waitFor([&] { return panel.currentJob() == search; }, 3000));
  EXPECT_EQ(panel.jobPicker()->count(), 1);  // the training job has no grids
  ASSERT_EQ(panel.gridViews().size(), 1);
  EXPECT_EQ(panel.currentFrame(), 1);
  EXPECT_DOUBLE_EQ(panel.gridViews()[0]->grid().values[0][0], 0.2);

  // Following: a new frame shows at once.
  addFrame(*ws, search, 3);
  panel.reload();
  EXPECT_EQ(panel.currentFrame(), 2);
  EXPECT_NEAR(panel.gridViews()[0]->grid().values[0][0], 0.3, 1e-12);

  // The user went back: a new frame does not move the slider.
  panel.frameSlider()->setValue(0);
  EXPECT_DOUBLE_EQ(panel.gridViews()[0]->grid().values[0][0], 0.1);
  addFrame(*ws, search, 4);
  panel.reload();
  EXPECT_EQ(panel.currentFrame(), 0);
  EXPECT_EQ(panel.frameSlider()->maximum(), 3);
}

TEST(HeatMapsPanel, DrawingsAndTablesShowAndBadFramesAreListed) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("heat")).toStdString());
  const nas::JobId job = ws->createJob("any-search", "{}");
  const nas::Json graph = nas::Json::parse(
      R"({"space":"demo","nodes":[{"id":0,"label":"in","role":"input"},{"id":1,"label":"out","role":"output"}],
          "edges":[{"from":0,"to":1,"op":"conv_3x3","label":"conv 3x3","active":true}]})");
  addFrame(*ws, job, 1,
           {{"graphs", {{"before", graph}, {"after", graph}}},
            {"table", {{"header", {"", "multi-branch", "deployed"}}, {"rows", {{"latency", "2.0 ms", "1.0 ms"}}}}}});
  nas::SampleRecord bad;
  bad.jobId = job;
  bad.round = 2;
  bad.payloadJson = R"({"grids":[{"rows":["a"],"columns":["x"],"values":[[1,2]]}]})";
  ws->addSamples({bad});

  HeatMapsPanel panel;
  panel.show();
  panel.setWorkspace(ws.get());
  ASSERT_TRUE(nas::ui::test::waitFor([&] { return panel.currentJob() == job; }, 3000));
  ASSERT_EQ(panel.graphViews().size(), 2);
  EXPECT_EQ(panel.graphViews()[1]->graph().edges.size(), 1u);
  ASSERT_FALSE(panel.table()->isHidden());
  EXPECT_EQ(panel.table()->item(0, 2)->text(), QStringLiteral("1.0 ms"));
  EXPECT_EQ(panel.run().problems.size(), 1u);
}

TEST(HeatMapsPanel, AWorkspaceWithoutGridsSaysWhatWouldFillTheTab) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("heat")).toStdString());
  HeatMapsPanel panel;
  panel.show();
  panel.setWorkspace(ws.get());
  ASSERT_TRUE(nas::ui::test::waitFor([&] { return !panel.message()->text().isEmpty(); }, 3000));
  EXPECT_TRUE(panel.message()->text().contains(QStringLiteral("RepNAS")));
  EXPECT_TRUE(panel.gridViews().isEmpty());
  panel.setWorkspace(nullptr);
}
