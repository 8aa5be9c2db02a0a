// The "Search Progress" tab on a temporary workspace with an agnet-like job (round 0 of random
// queries without latent coordinates, then rounds with coordinates, predictions, queried and
// unqueried samples, costs): the round slider's point counts, axes that stay put while it
// moves, the colour source, the Pareto front against a brute-force one, live reload keeping
// zoom and slider, a tabular-search job, malformed payloads, and click-to-open.
#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QWheelEvent>
#include <cmath>
#include <set>

#include "UiTestSupport.h"
#include "common/Json.h"
#include "engine/SearchSamples.h"
#include "search/SearchPlotData.h"
#include "search/SearchProgressPanel.h"
#include "store/Workspace.h"
#include "views/ScatterView.h"

using nas::ui::ScatterView;
using nas::ui::SearchProgressPanel;
using nas::ui::test::waitFor;

namespace {

constexpr int kPerRound = 5;

// Samples of one round: round 0 holds 4 random queries without coordinates; later rounds 5
// samples each, drifting toward (3, 3) with rising accuracy, every third one not queried.
std::vector<nas::SampleRecord> roundSamples(nas::Workspace& ws, nas::JobId job, int round, int* query) {
  std::vector<nas::SampleRecord> rows;
  const int n = round == 0 ? 4 : kPerRound;
  for (int k = 0; k < n; ++k) {
    const std::string arch = "|r" + std::to_string(round) + "k" + std::to_string(k) + "~0|";
    // Cost and accuracy so that some points dominate others.
    const double cost = 10.0 + ((round * 7 + k * 3) % 11);
    const double value = 0.5 + 0.05 * round + 0.01 * ((k * 5) % 7);
    const nas::ArchId id = ws.upsertArchitecture("nb201", arch, cost * 1e6, 1000 + k);
    nas::Json p{{"seed", 0}};
    const bool queried = round == 0 || k % 3 != 2;
    if (round > 0) {
      p["x"] = -2.0 + round + 0.3 * k;
      p["y"] = -1.0 + 0.8 * round - 0.2 * k;
      p["predicted"] = value - 0.02;
      p["queried"] = queried;
    } else {
      p["predicted"] = nullptr;
    }
    if (queried) {
      p["query"] = ++*query;
      p["value"] = value;
    }
    p["cost"] = cost;
    nas::SampleRecord s;
    s.jobId = job;
    s.round = round;
    s.archId = id;
    s.payloadJson = p.dump();
    rows.push_back(s);
  }
  return rows;
}

struct AgnetWorkspace {
  AgnetWorkspace() {
    ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("search")).toStdString());
    train = ws->createJob("train", R"({"method":"train","params":{}})");
    job = ws->createJob("agnet",
                        R"({"method":"agnet","params":{"objective2":"latency_ms"},"result_kinds":["search-samples"]})");
    for (int r = 0; r <= 3; ++r) addRound(r);
  }
  void addRound(int r) { ws->addSamples(roundSamples(*ws, job, r, &query)); }
  std::unique_ptr<nas::Workspace> ws;
  nas::JobId train = 0, job = 0;
  int query = 0;
};

int drawnPoints(const ScatterView& view) { return static_cast<int>(view.points().size()); }

}  // namespace

TEST(SearchProgressPanel, ListsSearchJobsAndShowsTheNewest) {
  AgnetWorkspace w;
  // Specs as submitJob stores them: the method declared that its samples are search samples.
  const nas::JobId older = w.ws->createJob("tabular-search", R"({"result_kinds":["search-samples"]})");
  const nas::JobId newest = w.ws->createJob("agnet", R"({"result_kinds":["search-samples"]})");
  (void)older;
  SearchProgressPanel panel;
  panel.setWorkspace(w.ws.get());
  EXPECT_EQ(panel.jobPicker()->count(), 3);  // not the train job
  EXPECT_EQ(panel.currentJob(), newest);
  EXPECT_TRUE(panel.latentMessage()->isVisibleTo(&panel));
  EXPECT_TRUE(panel.openJob(w.job));
  EXPECT_EQ(panel.currentJob(), w.job);
  EXPECT_FALSE(panel.latentMessage()->isVisibleTo(&panel));
}

TEST(SearchProgressPanel, RoundSliderShowsRoundsUpToItsValueWithFixedAxes) {
  AgnetWorkspace w;
  SearchProgressPanel panel;
  panel.resize(1400, 700);
  panel.setWorkspace(w.ws.get());
  ASSERT_EQ(panel.currentJob(), w.job);
  QSlider* slider = panel.roundSlider();
  EXPECT_EQ(slider->minimum(), 1);  // round 0 has no coordinates
  EXPECT_EQ(slider->maximum(), 3);
  EXPECT_EQ(slider->value(), 3);
  ScatterView* map = panel.latentView();
  EXPECT_EQ(drawnPoints(*map), 3 * kPerRound);
  EXPECT_EQ(map->fadedCount(), 2 * kPerRound);  // earlier rounds faded, the current one not

  const QCPRange x3 = map->plot()->xAxis->range(), y3 = map->plot()->yAxis->range();
  const QRectF bounds = nas::ui::latentBounds(panel.run(), 0);
  EXPECT_DOUBLE_EQ(x3.lower, bounds.left());
  EXPECT_DOUBLE_EQ(x3.upper, bounds.right());
  for (int round : {1, 2, 3, 1}) {
    slider->setValue(round);
    EXPECT_EQ(drawnPoints(*map), round * kPerRound) << round;
    EXPECT_EQ(map->fadedCount(), (round - 1) * kPerRound) << round;
    for (const auto& p : map->points()) {
      const auto it = std::find_if(panel.run().samples.begin(), panel.run().samples.end(),
                                   [&](const nas::SearchSample& s) { return s.sampleId == p.id; });
      ASSERT_NE(it, panel.run().samples.end());
      EXPECT_LE(it->round, round);
      EXPECT_EQ(p.faded, it->round < round);
    }
    // The projection is the same for all rounds: so are the axes.
    EXPECT_DOUBLE_EQ(map->plot()->xAxis->range().lower, x3.lower) << round;
    EXPECT_DOUBLE_EQ(map->plot()->xAxis->range().upper, x3.upper) << round;
    EXPECT_DOUBLE_EQ(map->plot()->yAxis->range().lower, y3.lower) << round;
    EXPECT_DOUBLE_EQ(map->plot()->yAxis->range().upper, y3.upper) << round;
  }
}

TEST(SearchProgressPanel, ColourByPredictedOrTrueAccuracy) {
  AgnetWorkspace w;
  SearchProgressPanel panel;
  panel.setWorkspace(w.ws.get());
  ScatterView* map = panel.latentView();
  ASSERT_EQ(panel.colourSource(), nas::ui::ColourSource::Predicted);
  auto sampleOf = [&](qint64 id) {
    for (const auto& s : panel.run().samples)
      if (s.sampleId == id) return s;
    return nas::SearchSample{};
  };
  for (const auto& p : map->points()) EXPECT_NEAR(p.c, 100.0 * sampleOf(p.id).predicted, 1e-9);
  const QString predictedName = map->colorMetric();

  panel.setColourSource(nas::ui::ColourSource::True);
  EXPECT_NE(map->colorMetric(), predictedName);
  int grey = 0;
  for (const auto& p : map->points()) {
    const auto s = sampleOf(p.id);
    if (s.queried) {
      EXPECT_NEAR(p.c, 100.0 * s.value, 1e-9);
    } else {
      EXPECT_TRUE(std::isnan(p.c));
      ++grey;
    }
  }
  EXPECT_EQ(grey, 3);  // one unqueried sample per round
  // The colour scale covers both sources over all rounds: toggling keeps it.
  const QCPRange trueScale = map->plot()->findChild<QCPColorScale*>()->dataRange();
  panel.setColourSource(nas::ui::ColourSource::Predicted);
  const QCPRange predictedScale = map->plot()->findChild<QCPColorScale*>()->dataRange();
  EXPECT_DOUBLE_EQ(trueScale.lower, predictedScale.lower);
  EXPECT_DOUBLE_EQ(trueScale.upper, predictedScale.upper);
}

TEST(SearchProgressPanel, ParetoViewHighlightsTheNonDominatedQueriedArchitectures) {
  AgnetWorkspace w;
  SearchProgressPanel panel;
  panel.setWorkspace(w.ws.get());
  ScatterView* pareto = panel.paretoView();
  // Every queried architecture once: 4 random + 2 x 3 rounds... (k % 3 != 2: 4 of 5 per round).
  EXPECT_EQ(drawnPoints(*pareto), 4 + 3 * 4);
  EXPECT_EQ(pareto->xDirection(), ScatterView::Direction::Minimize);
  EXPECT_EQ(pareto->yDirection(), ScatterView::Direction::Maximize);
  EXPECT_EQ(pareto->plot()->xAxis->label(), QStringLiteral("latency (ms)"));  // the spec's objective2
  std::set<qint64> expected;
  const auto& pts = pareto->points();
  for (const auto& a : pts) {
    bool dominated = false;
    for (const auto& b : pts)
      if (&a != &b && b.x <= a.x && b.y >= a.y && (b.x < a.x || b.y > a.y)) dominated = true;
    if (!dominated) expected.insert(a.id);
  }
  const auto ids = pareto->paretoIds();
  EXPECT_EQ(std::set<qint64>(ids.begin(), ids.end()), expected);
  EXPECT_FALSE(expected.empty());
  EXPECT_TRUE(pareto->fadeDominated());
  EXPECT_EQ(pareto->fadedCount(), static_cast<int>(pts.size() - ids.size()));
  // Ids are architecture ids, each with its cost and best value.
  for (const auto& p : pts) EXPECT_NO_THROW(w.ws->architecture(p.id));
}

TEST(SearchProgressPanel, LiveReloadKeepsZoomAndFollowsTheLatestRound) {
  AgnetWorkspace w;
  SearchProgressPanel panel;
  panel.resize(1400, 700);
  panel.setWorkspace(w.ws.get());
  panel.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
  ScatterView* map = panel.latentView();
  map->plot()->replot();
  // The user zooms the Pareto view in with the wheel.
  QCustomPlot* pplot = panel.paretoView()->plot();
  pplot->replot();
  const QPointF centre = pplot->axisRect()->center();
  QWheelEvent wheel(centre, pplot->mapToGlobal(centre), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(pplot, &wheel);
  const QCPRange zoomed = pplot->xAxis->range();

  const int before = panel.reloadCount();
  w.addRound(4);
  nas::Workspace::MetricRow row{w.job, 1, {"best_so_far", 4, 0.7}};
  panel.onMetricsPolled({row});
  ASSERT_TRUE(waitFor([&] { return panel.reloadCount() > before; }, 5000));
  EXPECT_EQ(panel.roundSlider()->maximum(), 4);
  EXPECT_EQ(panel.roundSlider()->value(), 4);  // it was at the end: it follows
  EXPECT_EQ(drawnPoints(*map), 4 * kPerRound);
  EXPECT_DOUBLE_EQ(pplot->xAxis->range().lower, zoomed.lower);
  EXPECT_DOUBLE_EQ(pplot->xAxis->range().upper, zoomed.upper);
  // The new round widened the map's fixed range.
  EXPECT_DOUBLE_EQ(map->plot()->xAxis->range().upper, nas::ui::latentBounds(panel.run(), 0).right());

  // Not at the end: the slider stays where the person put it.
  panel.roundSlider()->setValue(2);
  w.addRound(5);
  nas::JobRecord job = w.ws->job(w.job);
  job.updatedAt += 1;  // what a poll sees after the worker's progress write
  const int before2 = panel.reloadCount();
  // Coalesced: wait out the previous reload's interval.
  ASSERT_TRUE(waitFor(
      [&] {
        panel.onJobsPolled({job});
        return panel.reloadCount() > before2;
      },
      5000));
  EXPECT_EQ(panel.roundSlider()->maximum(), 5);
  EXPECT_EQ(panel.roundSlider()->value(), 2);
  EXPECT_EQ(drawnPoints(*map), 2 * kPerRound);
}

TEST(SearchProgressPanel, TabularSearchHasAParetoViewAndNoLatentMap) {
  auto ws = nas::Workspace::open(nas::ui::test::newWorkspacePath(QStringLiteral("tabular")).toStdString());
  const nas::JobId job =
      ws->createJob("tabular-search", R"({"method":"tabular-search","params":{},"result_kinds":["search-samples"]})");
  std::vector<nas::SampleRecord> rows;
  for (int q = 1; q <= 12; ++q) {
    nas::SampleRecord s;
    s.jobId = job;
    s.round = q;
    s.archId = ws->upsertArchitecture("nb201", "|t" + std::to_string(q % 8) + "~0|", (5 + q % 8) * 1e6, 100);
    s.payloadJson = nas::Json{{"seed", q % 2}, {"value", 0.6 + 0.01 * (q % 8)}}.dump();
    rows.push_back(s);
  }
  ws->addSamples(rows);
  SearchProgressPanel panel;
  panel.setWorkspace(ws.get());
  EXPECT_EQ(panel.currentJob(), job);
  EXPECT_TRUE(panel.latentView()->points().empty());
  EXPECT_TRUE(panel.latentMessage()->isVisibleTo(&panel));
  EXPECT_TRUE(panel.latentMessage()->text().contains(QStringLiteral("no latent space")));
  EXPECT_FALSE(panel.roundSlider()->isEnabled());
  EXPECT_EQ(panel.paretoView()->points().size(), 8u);  // distinct cells over both seeds
  EXPECT_EQ(panel.paretoView()->plot()->xAxis->label(), QStringLiteral("FLOPs (M)"));
}

TEST(SearchProgressPanel, MalformedPayloadsAreReportedAndTheRestShown) {
  AgnetWorkspace w;
  nas::SampleRecord bad;
  bad.jobId = w.job;
  bad.round = 2;
  bad.payloadJson = R"({"x":"left","y":1})";
  nas::SampleRecord notJson = bad;
  notJson.payloadJson = "{oops";
  w.ws->addSamples({bad, notJson});
  SearchProgressPanel panel;
  panel.setWorkspace(w.ws.get());
  EXPECT_TRUE(panel.problemLabel()->isVisibleTo(&panel));
  EXPECT_TRUE(panel.problemLabel()->text().contains(QStringLiteral("round 2")));
  EXPECT_EQ(drawnPoints(*panel.latentView()), 3 * kPerRound);
}

TEST(SearchProgressPanel, ClickingASampleOpensItsArchitecture) {
  AgnetWorkspace w;
  SearchProgressPanel panel;
  panel.setWorkspace(w.ws.get());
  QSignalSpy opened(&panel, &SearchProgressPanel::archActivated);
  const auto& p = panel.latentView()->points().front();
  nas::ArchId arch = 0;
  for (const auto& s : panel.run().samples)
    if (s.sampleId == p.id) arch = s.archId;
  // Hover: the architecture, its round, predicted and true values.
  for (const auto& s : panel.run().samples)
    if (s.sampleId == p.id) {
      const QString tip = nas::ui::sampleTooltip(panel.run(), s);
      EXPECT_TRUE(tip.contains(QString::fromStdString(s.canonical).toHtmlEscaped())) << tip.toStdString();
      EXPECT_TRUE(tip.contains(QStringLiteral("round"))) << tip.toStdString();
      EXPECT_TRUE(tip.contains(QStringLiteral("predicted"))) << tip.toStdString();
    }
  for (const auto& s : panel.run().samples) {
    if (!s.queried) {
      EXPECT_TRUE(nas::ui::sampleTooltip(panel.run(), s).contains(QStringLiteral("not queried")));
    }
  }
  emit panel.latentView()->archActivated(p.id);  // what a click on the point emits
  ASSERT_EQ(opened.count(), 1);
  EXPECT_EQ(opened.front().front().toLongLong(), arch);
  const auto& q = panel.paretoView()->points().front();
  emit panel.paretoView()->archActivated(q.id);
  ASSERT_EQ(opened.count(), 2);
  EXPECT_EQ(opened.back().front().toLongLong(), q.id);
}

TEST(SearchPlotData, ParetoRangeLeavesChanceLevelOutliersOutOfTheDefaultView) {
  nas::ui::ParetoData d;
  for (int i = 0; i < 40; ++i) d.points.push_back({i + 1, 10.0 + i, 88.0 + 0.15 * i, 0});
  int hidden = -1;
  EXPECT_TRUE(nas::ui::paretoHomeRange(d, &hidden).isNull());  // nothing far below: all points
  EXPECT_EQ(hidden, 0);
  d.points.push_back({99, 30.0, 10.0, 0});  // a disconnected cell at chance level
  const QRectF r = nas::ui::paretoHomeRange(d, &hidden);
  EXPECT_EQ(hidden, 1);
  EXPECT_GT(r.top(), 80.0);
  EXPECT_LT(r.top(), 88.0);  // the lowest regular point stays in view
  EXPECT_GT(r.bottom(), 88.0 + 0.15 * 39);
  EXPECT_LT(r.left(), 10.0);
  EXPECT_GT(r.right(), 49.0);
}
