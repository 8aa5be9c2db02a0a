// The result drawings of the Heat Maps tab (engine/ChartSamples.h): curves over an axis, trees
// and scatters drawn from plain data, points found where they are drawn, and a job whose frames
// carry only drawings shown by the panel with a malformed one listed.
#include <gtest/gtest.h>

#include <QImage>
#include <QLabel>
#include <cmath>

#include "UiTestSupport.h"
#include "grids/CurveChartView.h"
#include "grids/FrameChartsArea.h"
#include "grids/HeatMapsPanel.h"
#include "grids/ScatterChartView.h"
#include "grids/TreeChartView.h"
#include "store/Workspace.h"

using nas::ui::CurveChartView;
using nas::ui::ScatterChartView;
using nas::ui::TreeChartView;

namespace {

nas::CurveChart curves() {
  nas::CurveChart c;
  c.title = "LID over depth";
  c.xLabel = "block";
  c.yLabel = "LID";
  c.xTicks = {"cell0", "reduction0", "cell1", "reduction1", "cell2"};
  c.series = {{"skip", {0, 1, 2, 3, 4}, {4, 6, 5, 8, 7}}, {"conv", {0, 1, 2, 3, 4}, {3, std::nan(""), 9, 7, 6}}};
  return c;
}

nas::ScatterChart scatter() {
  nas::ScatterChart s;
  s.title = "lid";
  s.xLabel = "true rank";
  s.yLabel = "predicted rank";
  s.diagonal = true;
  s.series = {{"lid", {1, 2, 3, 4}, {2, 1, 4, 3}, {"a", "b", "c", "d"}}};
  return s;
}

nas::TreeChart tree() {
  nas::TreeChart t;
  t.title = "Split hierarchy";
  t.root = {"root", "splits edge 0→1", {{"leaf 1", "0→1: none, skip", {}}, {"leaf 2", "0→1: conv 1x1\nconv 3x3", {}}}};
  return t;
}

QImage render(QWidget& w) {
  w.resize(w.sizeHint().expandedTo(QSize(480, 320)));
  QImage img(w.size(), QImage::Format_ARGB32);
  w.render(&img);
  return img;
}

bool colourful(const QImage& img, const QPointF& at) {
  const QColor c = img.pixelColor(at.toPoint());
  return c.saturationF() > 0.3;  // a series colour, not white, grey or black
}

}  // namespace

TEST(CurveChartView, PointsAreDrawnWhereTheyAreFoundAndHigherValuesSitHigher) {
  CurveChartView v;
  v.setChart(curves());
  const QImage img = render(v);
  const QPointF a = v.pointPosition(0, 3), b = v.pointPosition(0, 0);
  EXPECT_LT(a.y(), b.y());  // 8 above 4
  EXPECT_LT(b.x(), a.x());  // depth runs left to right
  EXPECT_TRUE(colourful(img, a));
  EXPECT_EQ(v.pointAt(a.toPoint()), QPoint(0, 3));
  EXPECT_EQ(v.pointAt(QPoint(1, 1)), QPoint(-1, -1));
  // The gap (NaN) is no point: nothing to find near where x = 1 would put it.
  const QPointF gapX = v.pointPosition(0, 1);
  EXPECT_NE(v.pointAt(gapX.toPoint()).x(), 1);
}

TEST(ScatterChartView, RanksSitOnTheirPositionsAndTheDiagonalSharesOneRange) {
  ScatterChartView v;
  v.setChart(scatter());
  const QImage img = render(v);
  const QPointF p = v.pointPosition(0, 2);  // true 3, predicted 4
  EXPECT_TRUE(colourful(img, p));
  EXPECT_EQ(v.pointAt(p.toPoint()), QPoint(0, 2));
  // With the diagonal, x and y share one scale: (1, 2) and (2, 1) mirror across it.
  const QPointF a = v.pointPosition(0, 0), b = v.pointPosition(0, 1);
  EXPECT_GT(b.x(), a.x());
  EXPECT_GT(b.y(), a.y());
}

TEST(TreeChartView, ChildrenSitBelowTheirParentWhichIsCentredOverThem) {
  TreeChartView v;
  v.setChart(tree());
  render(v);
  const std::vector<QRect> r = v.nodeRects();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_GT(r[1].top(), r[0].bottom());
  EXPECT_EQ(r[1].top(), r[2].top());
  EXPECT_LT(r[1].right(), r[2].left());  // leaves do not overlap
  EXPECT_NEAR(r[0].center().x(), (r[1].center().x() + r[2].center().x()) / 2.0, 2.0);
  EXPECT_GT(r[2].height(), r[1].height());  // two detail lines
  EXPECT_GE(v.sizeHint().width(), r[2].right());
}

TEST(FrameCharts, APanelShowsAJobWhoseFramesCarryOnlyDrawings) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("charts")).toStdString());
  const nas::JobId job = ws->createJob("any-study", "{}");
  nas::SampleRecord s;
  s.jobId = job;
  s.round = 1;
  s.payloadJson = nas::Json{{"label", "result"},
                            {"curves", nas::Json::array({nas::curveChartToJson(curves())})},
                            {"trees", nas::Json::array({nas::treeChartToJson(tree())})},
                            {"scatters", nas::Json::array({nas::scatterChartToJson(scatter()),
                                                           nas::scatterChartToJson(scatter())})}}
                      .dump();
  nas::SampleRecord bad = s;
  bad.round = 2;
  bad.payloadJson = R"({"scatters": [{"title": "s", "series": [{"x": [1, 2], "y": [1]}]}]})";
  ws->addSamples({s, bad});

  nas::ui::HeatMapsPanel panel;
  panel.resize(1200, 900);
  panel.show();
  panel.setWorkspace(ws.get());
  ASSERT_TRUE(nas::ui::test::waitFor([&] { return panel.currentJob() == job; }, 3000));
  ASSERT_EQ(panel.run().frames.size(), 1u);
  ASSERT_EQ(panel.run().problems.size(), 1u);
  EXPECT_NE(panel.run().problems[0].find("2 x for 1 y"), std::string::npos);
  const nas::ui::FrameChartsArea* area = panel.charts();
  EXPECT_TRUE(area->isVisible());
  ASSERT_EQ(area->curveViews().size(), 1);
  ASSERT_EQ(area->scatterViews().size(), 2);
  ASSERT_EQ(area->treeViews().size(), 1);
  EXPECT_EQ(area->curveViews()[0]->chart().series.size(), 2u);
  EXPECT_EQ(area->treeViews()[0]->chart().root.children.size(), 2u);
  EXPECT_TRUE(panel.gridViews().isEmpty());
  panel.setWorkspace(nullptr);
  EXPECT_TRUE(area->curveViews().isEmpty());
  EXPECT_FALSE(area->isVisible());
}
