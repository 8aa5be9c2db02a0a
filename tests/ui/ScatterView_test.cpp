// ScatterView on a temporary workspace: loading, the Pareto front against a brute-force one,
// hover/click lookup, rubber-band selection and refresh keeping the zoom.
#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QSignalSpy>
#include <QtTest/QTest>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "searchspace/Nb201Cell.h"
#include "store/Workspace.h"
#include "views/ScatterView.h"

using nas::ui::ScatterView;

namespace {

// n NB201 architectures with FLOPs/params from the cost model and a test accuracy that
// loosely rises with FLOPs; every 7th has no latency (for the grey colour bucket).
std::unique_ptr<nas::Workspace> makeWorkspace(const QTemporaryDir& dir, int n) {
  auto ws = nas::Workspace::open(dir.filePath(QStringLiteral("scatter.nasw")).toStdString());
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 2.0);
  ws->transaction([&] {
    std::vector<nas::EvaluationRecord> evals;
    for (int i = 0; i < n; ++i) {
      const auto cell = nas::Nb201Cell::fromIndex((i * 37) % nas::kNb201NumCells);
      const auto cost = nas::nb201Cost(cell);
      const auto id = ws->upsertArchitecture("nb201", cell.toString(), cost.flops, cost.params);
      nas::EvaluationRecord e;
      e.archId = id;
      e.source = "tabular";
      e.dataset = "cifar10";
      e.metric = "test_accuracy";
      e.value = 70 + 20 * std::tanh(cost.flops / 1e8) + noise(rng);
      evals.push_back(e);
      if (i % 7 != 0) {
        e.metric = "latency_ms";
        e.value = 1 + cost.flops / 5e7 + std::abs(noise(rng));
        evals.push_back(e);
      }
    }
    ws->addEvaluations(evals);
  });
  return ws;
}

// The front by definition: points no other point dominates.
std::set<qint64> bruteForceFront(const std::vector<nas::ui::ScatterPoint>& p, bool maxX, bool maxY) {
  std::set<qint64> front;
  for (size_t i = 0; i < p.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < p.size() && !dominated; ++j) {
      if (i == j) continue;
      const double ax = maxX ? p[j].x - p[i].x : p[i].x - p[j].x;  // >= 0: j at least as good in x
      const double ay = maxY ? p[j].y - p[i].y : p[i].y - p[j].y;
      dominated = ax >= 0 && ay >= 0 && (ax > 0 || ay > 0);
    }
    if (!dominated) front.insert(p[i].id);
  }
  return front;
}

}  // namespace

TEST(ScatterView, LoadsPointsFromTheWorkspaceWithSensibleDefaults) {
  QTemporaryDir dir;
  auto ws = makeWorkspace(dir, 500);
  ScatterView view;
  view.resize(900, 600);
  QSignalSpy loaded(&view, &ScatterView::pointsLoaded);
  view.setWorkspace(ws.get());
  EXPECT_EQ(loaded.count(), 1);
  EXPECT_EQ(view.xMetric(), QStringLiteral("flops"));
  EXPECT_EQ(view.yMetric(), QStringLiteral("test_accuracy"));
  EXPECT_EQ(view.xDirection(), ScatterView::Direction::Minimize);
  EXPECT_EQ(view.yDirection(), ScatterView::Direction::Maximize);
  EXPECT_EQ(view.points().size(), 500u);
  // FLOPs are plotted in millions.
  const auto [mn, mx] = std::minmax_element(view.points().begin(), view.points().end(),
                                            [](const auto& a, const auto& b) { return a.x < b.x; });
  EXPECT_GT(mn->x, 1.0);
  EXPECT_LT(mx->x, 1000.0);
  // Colour by latency: every 7th architecture lacks it and is drawn grey.
  view.setAxes(QStringLiteral("flops"), QStringLiteral("test_accuracy"), QStringLiteral("latency_ms"));
  int nan = 0;
  for (const auto& p : view.points()) nan += std::isnan(p.c) ? 1 : 0;
  EXPECT_EQ(nan, (500 + 6) / 7);
  int drawn = 0;
  for (int g = 0; g < view.plot()->graphCount(); ++g) drawn += view.plot()->graph(g)->dataCount();
  EXPECT_GE(drawn, 500);  // buckets + front marks
  EXPECT_LE(view.graphCount(), ScatterView::kColorBuckets + 1);
}

// Workspace metrics get their unit on the axis; a data-fed caller's names are its titles as given
// (Search Progress passes "accuracy (%)": no second "(%)").
TEST(ScatterView, AxisTitlesAreWorkspaceMetricsWithUnitsOrTheCallersTitles) {
  QTemporaryDir dir;
  auto ws = makeWorkspace(dir, 20);
  ScatterView view;
  view.setWorkspace(ws.get());
  EXPECT_EQ(view.plot()->yAxis->label(), QStringLiteral("test_accuracy (%)"));
  ScatterView fed;
  fed.setPoints({{1, 10.0, 93.5, 0.0}}, QStringLiteral("FLOPs (M)"), QStringLiteral("accuracy (%)"));
  EXPECT_EQ(fed.plot()->xAxis->label(), QStringLiteral("FLOPs (M)"));
  EXPECT_EQ(fed.plot()->yAxis->label(), QStringLiteral("accuracy (%)"));
}

TEST(ScatterView, ParetoFrontMatchesBruteForceForEveryDirection) {
  QTemporaryDir dir;
  auto ws = makeWorkspace(dir, 800);
  ScatterView view;
  view.setWorkspace(ws.get());
  for (const auto& axes : {std::pair{"flops", "test_accuracy"}, std::pair{"latency_ms", "test_accuracy"},
                           std::pair{"params", "latency_ms"}}) {
    view.setAxes(QString::fromLatin1(axes.first), QString::fromLatin1(axes.second));
    for (auto dx : {ScatterView::Direction::Minimize, ScatterView::Direction::Maximize})
      for (auto dy : {ScatterView::Direction::Minimize, ScatterView::Direction::Maximize}) {
        view.setDirections(dx, dy);
        const auto ids = view.paretoIds();
        const std::set<qint64> got(ids.begin(), ids.end());
        EXPECT_EQ(got, bruteForceFront(view.points(), dx == ScatterView::Direction::Maximize,
                                       dy == ScatterView::Direction::Maximize))
            << axes.first << " / " << axes.second;
        EXPECT_FALSE(got.empty());
      }
  }
}

TEST(ScatterView, HoverClickAndRubberBandFindTheRightPoints) {
  std::vector<nas::ui::ScatterPoint> pts;
  for (int i = 0; i < 100; ++i) pts.push_back({i + 1, double(i % 10), double(i / 10), double(i)});
  ScatterView view;
  view.resize(900, 700);
  view.show();
  view.setPoints(pts, QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("c"),
                 [](qint64 id) { return QStringLiteral("arch %1").arg(id); });
  view.plot()->replot();
  QCPAxis* ax = view.plot()->xAxis;
  QCPAxis* ay = view.plot()->yAxis;
  const QPointF at(ax->coordToPixel(3), ay->coordToPixel(4));
  const int i = view.pointAt(at + QPointF(2, -2));
  ASSERT_GE(i, 0);
  EXPECT_EQ(view.points()[i].id, 4 * 10 + 3 + 1);
  EXPECT_EQ(view.pointAt(QPointF(ax->coordToPixel(3.5), ay->coordToPixel(4.5)), 4), -1);

  QSignalSpy activated(&view, &ScatterView::archActivated);
  QTest::mouseClick(view.plot(), Qt::LeftButton, Qt::NoModifier, at.toPoint());
  ASSERT_EQ(activated.count(), 1);
  EXPECT_EQ(activated.front().front().toLongLong(), 44);

  // Rectangle from (2,2) to (4,3) in data units: 3 x 2 points.
  const QRect band(QPoint(int(ax->coordToPixel(1.5)), int(ay->coordToPixel(3.5))),
                   QPoint(int(ax->coordToPixel(4.5)), int(ay->coordToPixel(1.5))));
  auto ids = view.pointsIn(band);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (QList<qint64>{23, 24, 25, 33, 34, 35}));

  QSignalSpy selected(&view, &ScatterView::selectionChanged);
  QTest::mousePress(view.plot(), Qt::LeftButton, Qt::ShiftModifier, band.topLeft());
  QMouseEvent move(QEvent::MouseMove, band.bottomRight(), view.plot()->mapToGlobal(band.bottomRight()), Qt::LeftButton,
                   Qt::LeftButton, Qt::ShiftModifier);
  QApplication::sendEvent(view.plot(), &move);
  QTest::mouseRelease(view.plot(), Qt::LeftButton, Qt::ShiftModifier, band.bottomRight());
  ASSERT_EQ(selected.count(), 1);
  auto sel = selected.front().front().value<QList<qint64>>();
  std::sort(sel.begin(), sel.end());
  EXPECT_EQ(sel, ids);
  EXPECT_EQ(view.selection().size(), 6);
  view.clearSelection();
  EXPECT_TRUE(view.selection().isEmpty());
}

TEST(ScatterView, RefreshPicksUpNewPointsAndKeepsTheUsersZoom) {
  QTemporaryDir dir;
  auto ws = makeWorkspace(dir, 200);
  ScatterView view;
  view.resize(900, 600);
  view.setWorkspace(ws.get());
  ASSERT_EQ(view.points().size(), 200u);
  // The user zooms in with the wheel.
  QWheelEvent wheel(QPointF(300, 300), view.plot()->mapToGlobal(QPointF(300, 300)), QPoint(), QPoint(0, 240),
                    Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(view.plot(), &wheel);
  const QCPRange zoomed = view.plot()->xAxis->range();

  const size_t before = view.points().size();
  nas::EvaluationRecord e;
  e.archId = ws->upsertArchitecture("other-space", "new-arch", 2e6, 2000);
  e.source = "trained";
  e.dataset = "cifar10";
  e.metric = "test_accuracy";
  e.value = 50;
  ws->addEvaluation(e);
  EXPECT_EQ(view.points().size(), before);  // nothing reloads behind the user's back
  view.refresh();
  EXPECT_EQ(view.points().size(), before + 1);
  EXPECT_DOUBLE_EQ(view.plot()->xAxis->range().lower, zoomed.lower);
  EXPECT_DOUBLE_EQ(view.plot()->xAxis->range().upper, zoomed.upper);
  view.resetZoom();
  EXPECT_NE(view.plot()->xAxis->range().lower, zoomed.lower);
}

// Background loading (the Search Results tab's): the points arrive from the loader's thread,
// the same as a synchronous load, and a refresh picks up new ones without a GUI-thread read.
TEST(ScatterView, BackgroundLoadingDeliversTheSamePoints) {
  QTemporaryDir dir;
  auto ws = makeWorkspace(dir, 300);
  ScatterView sync;
  sync.setWorkspace(ws.get());
  ScatterView view;
  view.setBackgroundLoading(true);
  QSignalSpy loaded(&view, &ScatterView::pointsLoaded);
  view.setWorkspace(ws.get());
  ASSERT_TRUE(loaded.wait(10000) || loaded.count() > 0);
  ASSERT_TRUE(QTest::qWaitFor([&] { return view.points().size() == sync.points().size(); }, 10000));
  EXPECT_EQ(view.points().size(), 300u);
  EXPECT_EQ(view.xMetric(), sync.xMetric());
  EXPECT_EQ(view.yMetric(), sync.yMetric());
  ws->upsertArchitecture("nb201", "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|", 1.0, 1);
  view.setAxes(QStringLiteral("flops"), QStringLiteral("params"));
  EXPECT_TRUE(QTest::qWaitFor([&] { return view.points().size() > 300; }, 10000)) << view.points().size();
}
