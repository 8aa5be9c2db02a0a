// GraphLayout (Graphviz) and CellGraphView on NAS-Bench-201 cells: geometry, scene items,
// the `none` toggle, zoom and export; layouts in the background (only the latest request drawn,
// errors shown as text).
#include <gtest/gtest.h>

#include <QFileInfo>
#include <QGraphicsItem>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QFile>
#include <QImage>
#include <QSet>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest/QTest>
#include <map>

#include "UiTestSupport.h"
#include "common/Error.h"
#include "searchspace/Nb201Cell.h"
#include "views/CellGraphView.h"
#include "views/GraphLayout.h"
#include "views/OpPalette.h"

using nas::Nb201Cell;
using nas::ui::CellGraphView;
using nas::ui::GraphLayout;
using nas::ui::GraphLayoutOptions;

namespace {
// The best CIFAR-10 cell of the benchmark, and one with a `none` edge (1->3).
const char* kOptimum = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";
const char* kOneNone = "|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|";
}  // namespace

TEST(GraphLayout, LaysOutNb201CellWithDistinctNodePositions) {
  const auto geo = GraphLayout::layout(Nb201Cell::parse(kOptimum).graph());
  ASSERT_EQ(geo.nodes.size(), 4);
  ASSERT_EQ(geo.edges.size(), 6);
  for (int i = 0; i < geo.nodes.size(); ++i) {
    EXPECT_GT(geo.nodes[i].size.width(), 10);
    EXPECT_GT(geo.nodes[i].size.height(), 10);
    EXPECT_TRUE(geo.bounds.contains(geo.nodes[i].center));
    for (int j = i + 1; j < geo.nodes.size(); ++j)
      EXPECT_GT(QLineF(geo.nodes[i].center, geo.nodes[j].center).length(), 20.0) << i << " vs " << j;
  }
  // Left to right: the input is leftmost, the output rightmost.
  EXPECT_LT(geo.nodes[0].center.x(), geo.nodes[1].center.x());
  EXPECT_LT(geo.nodes[1].center.x(), geo.nodes[2].center.x());
  EXPECT_LT(geo.nodes[2].center.x(), geo.nodes[3].center.x());
  for (int e = 0; e < geo.edges.size(); ++e) {
    EXPECT_EQ(geo.edges[e].edgeIndex, e);
    EXPECT_GE(geo.edges[e].path.size(), 4);  // at least one cubic segment
    EXPECT_EQ((geo.edges[e].path.size() - 1) % 3, 0);
    EXPECT_TRUE(geo.edges[e].hasArrow);
    EXPECT_TRUE(geo.edges[e].hasLabel);
  }
}

TEST(GraphLayout, LeavesInactiveEdgesOutWhenAsked) {
  const auto graph = Nb201Cell::parse(kOneNone).graph();
  GraphLayoutOptions opt;
  opt.includeInactive = false;
  const auto geo = GraphLayout::layout(graph, opt);
  EXPECT_EQ(geo.nodes.size(), 4);
  ASSERT_EQ(geo.edges.size(), 5);
  for (const auto& e : geo.edges) EXPECT_NE(e.edgeIndex, 4);  // edge 4 is 1->3, the `none`
  opt.includeInactive = true;
  EXPECT_EQ(GraphLayout::layout(graph, opt).edges.size(), 6);
}

TEST(GraphLayout, RejectsEdgesToMissingNodes) {
  nas::GraphForm g;
  g.nodes = {{0, "a", "input"}};
  g.edges = {{0, 7, "skip_connect", "skip", true}};
  EXPECT_THROW(GraphLayout::layout(g), nas::Error);
}

// Labels come from workspaces and plugins: DOT syntax inside them must stay text.
TEST(GraphLayout, HostileLabelsStayLabels) {
  nas::GraphForm g;
  g.nodes = {{0, "in\"}; evil -> x [label=\"", "input"}, {1, "a\\b\nc", "intermediate"}, {2, "]{}", "output"}};
  g.edges = {{0, 1, "skip_connect", "q\"uote", true}, {1, 2, "x\"]; n0 -> n2 [id=e0", "", true}};
  const auto geo = GraphLayout::layout(g);
  ASSERT_EQ(geo.nodes.size(), 3);
  ASSERT_EQ(geo.edges.size(), 2);  // no edge smuggled in by a label
  EXPECT_EQ(geo.edges[0].edgeIndex, 0);
  EXPECT_EQ(geo.edges[1].edgeIndex, 1);
  EXPECT_EQ(geo.edges[1].from, 1);
  EXPECT_EQ(geo.nodes[0].label, QString::fromUtf8("in\"}; evil -> x [label=\""));
  EXPECT_GT(geo.edges[0].labelSize.width(), 10.0);
}

// Graphviz is a separate program (licence): without it, the error says what to install.
TEST(GraphLayout, MissingDotProgramGivesAClearError) {
  qputenv("NAS_DOT", "/nonexistent/dot");
  nas::GraphForm g;
  g.nodes = {{0, "only-here-so-the-cache-misses", "input"}};
  try {
    GraphLayout::layout(g);
    ADD_FAILURE() << "expected an error";
  } catch (const nas::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dot"), std::string::npos) << e.what();
  }
  qunsetenv("NAS_DOT");
  EXPECT_EQ(GraphLayout::layout(g).nodes.size(), 1);
}

TEST(OpPalette, KnownOpsHaveDistinctColoursAndUnknownOpsAreStable) {
  QSet<QRgb> colours;
  for (const char* op : {"skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "none"})
    colours.insert(nas::ui::OpPalette::color(QString::fromLatin1(op)).rgb());
  EXPECT_EQ(colours.size(), 5);
  EXPECT_TRUE(nas::ui::OpPalette::isNone(QStringLiteral("none")));
  EXPECT_EQ(nas::ui::OpPalette::color(QStringLiteral("mbconv_k5_e6")), nas::ui::OpPalette::color(QStringLiteral("mbconv_k5_e6")));
}

TEST(CellGraphView, SceneHoldsOneItemPerNodeAndEdge) {
  CellGraphView view;
  view.resize(600, 400);
  view.setGraph(Nb201Cell::parse(kOptimum).graph());
  ASSERT_TRUE(view.waitForLayout());
  EXPECT_EQ(view.nodeItemCount(), 4);
  EXPECT_EQ(view.edgeItemCount(), 6);

  view.setGraph(Nb201Cell::parse(kOneNone).graph());
  ASSERT_TRUE(view.waitForLayout());
  EXPECT_EQ(view.noneEdges(), CellGraphView::NoneEdges::Dashed);
  EXPECT_EQ(view.edgeItemCount(), 6);
  int dashed = 0;
  for (QGraphicsItem* it : view.scene()->items())
    if (it->data(CellGraphView::kRoleKey).toString() == QLatin1String("edge"))
      if (static_cast<QGraphicsPathItem*>(it)->pen().style() == Qt::DashLine) ++dashed;
  EXPECT_EQ(dashed, 1);
  view.setNoneEdges(CellGraphView::NoneEdges::Hidden);
  ASSERT_TRUE(view.waitForLayout());
  EXPECT_EQ(view.nodeItemCount(), 4);
  EXPECT_EQ(view.edgeItemCount(), 5);

  view.clear();
  EXPECT_EQ(view.nodeItemCount(), 0);
  EXPECT_EQ(view.edgeItemCount(), 0);
}

TEST(CellGraphView, ZoomsFitsAndHighlights) {
  CellGraphView view;
  view.resize(600, 400);
  view.show();
  view.setGraph(Nb201Cell::parse(kOptimum).graph());
  ASSERT_TRUE(view.waitForLayout());
  const double fit = view.transform().m11();
  view.zoomIn();
  EXPECT_NEAR(view.transform().m11(), fit * 1.25, 1e-6);
  QTest::keyClick(&view, Qt::Key_Minus, Qt::ControlModifier);
  EXPECT_NEAR(view.transform().m11(), fit, 1e-6);
  view.fitToView();
  EXPECT_NEAR(view.transform().m11(), fit, 1e-6);
  view.setHighlightedEdges({2, 5});
  ASSERT_TRUE(view.waitForLayout());
  EXPECT_EQ(view.highlightedEdges(), (QSet<int>{2, 5}));
  int thick = 0;
  for (QGraphicsItem* it : view.scene()->items())
    if (it->data(CellGraphView::kRoleKey).toString() == QLatin1String("edge") &&
        static_cast<QGraphicsPathItem*>(it)->pen().widthF() > 3)
      ++thick;
  EXPECT_EQ(thick, 2);
}

TEST(CellGraphView, ExportsSvgAndPng) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  CellGraphView view;
  view.setGraph(Nb201Cell::parse(kOptimum).graph());
  const QString svg = dir.filePath(QStringLiteral("cell.svg")), png = dir.filePath(QStringLiteral("cell.png"));
  QString error;
  ASSERT_TRUE(view.exportSvg(svg, &error)) << error.toStdString();
  ASSERT_TRUE(view.exportPng(png, 2.0, &error)) << error.toStdString();
  EXPECT_GT(QFileInfo(svg).size(), 1000);
  QSvgRenderer renderer(svg);
  EXPECT_TRUE(renderer.isValid());
  EXPECT_GT(renderer.defaultSize().width(), 200);
  const QImage image(png);
  ASSERT_FALSE(image.isNull());
  EXPECT_GT(image.width(), 300);
  EXPECT_FALSE(view.exportPng(dir.filePath(QStringLiteral("missing/dir/cell.png"))));
}

TEST(CellGraphView, WeightedEdgesAreDrawnAsWideAsTheirWeightAndTheLegendSaysSo) {
  nas::GraphForm g = Nb201Cell::parse(kOptimum).graph();
  const std::vector<double> weights{0.0, 0.1, 0.25, 0.5, 0.75, 1.0};
  for (size_t i = 0; i < g.edges.size(); ++i) g.edges[i].weight = weights[i];
  CellGraphView view;
  view.setGraph(g);
  ASSERT_TRUE(view.waitForLayout());
  std::map<int, double> width;
  int legends = 0;
  for (QGraphicsItem* it : view.scene()->items()) {
    if (it->data(CellGraphView::kRoleKey).toString() == QLatin1String("edge"))
      width[it->data(CellGraphView::kIndexKey).toInt()] = static_cast<QGraphicsPathItem*>(it)->pen().widthF();
    if (it->data(CellGraphView::kRoleKey).toString() == QLatin1String("legend")) ++legends;
  }
  ASSERT_EQ(6u, width.size());
  for (int i = 1; i < 6; ++i) EXPECT_GT(width[i], width[i - 1]) << "edge " << i;
  EXPECT_GE(width[5] / width[1], 3.0);  // visibly thicker, not a hair
  EXPECT_DOUBLE_EQ(width[3], CellGraphView::edgeWidth(g.edges[3]));
  // Unweighted edges keep the plain width whatever their op, and no width legend appears.
  nas::GraphForm plain = Nb201Cell::parse(kOptimum).graph();
  CellGraphView other;
  other.setGraph(plain);
  ASSERT_TRUE(other.waitForLayout());
  int plainLegends = 0;
  for (QGraphicsItem* it : other.scene()->items()) {
    if (it->data(CellGraphView::kRoleKey).toString() == QLatin1String("edge")) {
      EXPECT_DOUBLE_EQ(CellGraphView::edgeWidth(plain.edges[0]), static_cast<QGraphicsPathItem*>(it)->pen().widthF());
    }
    if (it->data(CellGraphView::kRoleKey).toString() == QLatin1String("legend")) ++plainLegends;
  }
  EXPECT_EQ(legends, plainLegends + 1);  // the width legend
  // The context menu saves the drawing.
  ASSERT_NE(nullptr, view.saveSvgAction());
  ASSERT_NE(nullptr, view.savePngAction());
  QTemporaryDir dir;
  QString error;
  ASSERT_TRUE(view.exportSvg(dir.filePath(QStringLiteral("w.svg")), &error)) << error.toStdString();
  QSvgRenderer svg(dir.filePath(QStringLiteral("w.svg")));
  EXPECT_TRUE(svg.isValid());
}

namespace {

// A one-node-per-label chain: labels nobody else uses, so the layout is not cached.
nas::GraphForm uncachedChain(const QString& tag, int nodes) {
  nas::GraphForm g;
  g.space = "test";
  for (int i = 0; i < nodes; ++i)
    g.nodes.push_back({i, (tag + QStringLiteral("-%1").arg(i)).toStdString(), i == 0 ? "input" : ""});
  for (int i = 0; i + 1 < nodes; ++i) g.edges.push_back({i, i + 1, "skip_connect", "", true});
  return g;
}

// A `dot` (NAS_DOT) that holds any graph whose DOT text says "held" until `gate` exists, and
// touches `done` after a held layout. The test decides when a layout ends, not the clock.
class GatedDot {
 public:
  GatedDot() {
    script_ = dir_.filePath(QStringLiteral("dot.sh"));
    QFile f(script_);
    if (!f.open(QIODevice::WriteOnly)) return;
    f.write(QStringLiteral("#!/bin/sh\nin=$(cat)\ncase \"$in\" in *held*) while [ ! -e '%1' ]; do sleep 0.02; done;; esac\n"
                           "printf '%s' \"$in\" | dot \"$@\"\nrc=$?\ncase \"$in\" in *held*) touch '%2';; esac\nexit $rc\n")
                .arg(gate(), done())
                .toUtf8());
    f.close();
    f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
    qputenv("NAS_DOT", script_.toUtf8());
  }
  ~GatedDot() { qunsetenv("NAS_DOT"); }
  QString gate() const { return dir_.filePath(QStringLiteral("gate")); }
  QString done() const { return dir_.filePath(QStringLiteral("done")); }
  void open() const {
    QFile f(gate());
    (void)f.open(QIODevice::WriteOnly);
  }

 private:
  QTemporaryDir dir_;
  QString script_;
};

}  // namespace

TEST(CellGraphView, AnUncachedGraphIsLaidOutInTheBackgroundAndDrawnWhenItArrives) {
  GatedDot dot;
  CellGraphView view;
  view.resize(600, 400);
  QSignalSpy ready(&view, &CellGraphView::layoutReady);
  const nas::GraphForm g = uncachedChain(QStringLiteral("held-background"), 3);
  // setGraph returns while `dot` is held: the GUI thread does not wait for it (a synchronous
  // layout would stay in setGraph until the gate opens, which nothing would do).
  view.setGraph(g);
  EXPECT_TRUE(view.layoutPending());
  EXPECT_EQ(view.nodeItemCount(), 0);  // "Laying out…" while the view had no cell
  EXPECT_EQ(ready.count(), 0);
  dot.open();
  ASSERT_TRUE(ready.wait(30000));
  EXPECT_FALSE(view.layoutPending());
  EXPECT_EQ(view.nodeItemCount(), 3);
  EXPECT_EQ(view.edgeItemCount(), 2);
  EXPECT_EQ(ready.count(), 1);
  // Laid out once, cached: drawn again at once.
  CellGraphView again;
  again.setGraph(g);
  EXPECT_FALSE(again.layoutPending());
  EXPECT_EQ(again.nodeItemCount(), 3);
}

TEST(CellGraphView, OnlyTheLatestRequestIsDrawn) {
  GatedDot dot;
  CellGraphView view;
  QSignalSpy ready(&view, &CellGraphView::layoutReady);
  // An older request that ends after the newer one: dropped.
  view.setGraph(uncachedChain(QStringLiteral("held-older"), 2));
  const nas::GraphForm newer = uncachedChain(QStringLiteral("newer"), 4);
  view.setGraph(newer);
  ASSERT_TRUE(ready.wait(30000));
  EXPECT_EQ(view.nodeItemCount(), 4);
  dot.open();
  ASSERT_TRUE(nas::ui::test::waitFor([&] { return QFile::exists(dot.done()); }, 30000));
  ASSERT_TRUE(nas::ui::test::waitFor(
      [&] { return GraphLayout::cached(GraphLayout::key(uncachedChain(QStringLiteral("held-older"), 2))).has_value(); },
      30000));
  QTest::qWait(50);  // room for a wrongly delivered answer to arrive
  EXPECT_EQ(view.nodeItemCount(), 4);
  EXPECT_EQ(view.graph().nodes.size(), 4u);
  EXPECT_EQ(ready.count(), 1);
}

TEST(CellGraphView, AnOlderRequestEndingFirstIsNotDrawn) {
  GatedDot dot;
  CellGraphView view;
  QSignalSpy ready(&view, &CellGraphView::layoutReady);
  const nas::GraphForm older = uncachedChain(QStringLiteral("first-older"), 2);
  view.setGraph(older);
  view.setGraph(uncachedChain(QStringLiteral("held-newer"), 5));
  // The older one ends while the newer is held: the view keeps waiting for the newer one.
  ASSERT_TRUE(nas::ui::test::waitFor([&] { return GraphLayout::cached(GraphLayout::key(older)).has_value(); }, 30000));
  QTest::qWait(50);
  EXPECT_TRUE(view.layoutPending());
  EXPECT_EQ(view.nodeItemCount(), 0);
  EXPECT_EQ(ready.count(), 0);
  dot.open();
  ASSERT_TRUE(view.waitForLayout());  // blocks until the held layout is drawn
  EXPECT_EQ(view.nodeItemCount(), 5);
  EXPECT_EQ(ready.count(), 1);
}

TEST(CellGraphView, ABackgroundLayoutErrorIsShownAsText) {
  qputenv("NAS_DOT", "/nonexistent/dot");
  CellGraphView view;
  QSignalSpy failed(&view, &CellGraphView::layoutFailed);
  view.setGraph(uncachedChain(QStringLiteral("no-dot"), 2));
  EXPECT_TRUE(view.layoutPending());
  EXPECT_FALSE(view.waitForLayout());
  qunsetenv("NAS_DOT");
  ASSERT_EQ(failed.count(), 1);
  EXPECT_TRUE(failed.at(0).at(0).toString().contains(QStringLiteral("/nonexistent/dot")));
  EXPECT_EQ(view.nodeItemCount(), 0);
  bool shown = false;
  for (QGraphicsItem* it : view.scene()->items())
    if (auto* t = dynamic_cast<QGraphicsSimpleTextItem*>(it)) shown = shown || t->text().contains(QStringLiteral("/nonexistent/dot"));
  EXPECT_TRUE(shown);
}
