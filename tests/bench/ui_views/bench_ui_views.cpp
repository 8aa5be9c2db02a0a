// Benchmark of the scatter view at 100,000 points (DESIGN: Pareto views must stay responsive at
// 10k+ points). Prints, for the same data in the same run:
//   * open: Workspace::archPoints + ScatterView building its plot, and the first replot
//     (target: open < 1 s);
//   * replot: median and p95 of N QCustomPlot::replot(rpImmediateRefresh) (target < 100 ms);
//   * baselines: QCustomPlot's defaults (one graph, ssDisc, no adaptive sampling) on the same
//     100k points, and a naive one-graph-per-point plot of 2,000 points;
//   * hover lookup: the grid index against a linear scan per mouse move.
#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "store/Workspace.h"
#include "views/PointGrid.h"
#include "views/ScatterView.h"

namespace {

struct Stats {
  double median = 0, p95 = 0, mean = 0;
};

Stats summarize(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.median = v[v.size() / 2];
  s.p95 = v[std::min(v.size() - 1, static_cast<size_t>(std::ceil(0.95 * v.size())) - 1)];
  for (double x : v) s.mean += x;
  s.mean /= v.size();
  return s;
}

// Replots `plot` n times, panning the x range a little each time so that nothing is cached.
Stats replotTimes(QCustomPlot* plot, int n) {
  std::vector<double> ms;
  const QCPRange r = plot->xAxis->range();
  for (int i = 0; i < n; ++i) {
    const double shift = (i % 2 ? 1 : -1) * 0.002 * r.size();
    plot->xAxis->setRange(r.lower + shift, r.upper + shift);
    QElapsedTimer t;
    t.start();
    plot->replot(QCustomPlot::rpImmediateRefresh);
    ms.push_back(t.nsecsElapsed() / 1e6);
  }
  plot->xAxis->setRange(r);
  return summarize(ms);
}

void row(const char* what, const char* figure, double value, const char* unit, const char* note = "") {
  std::printf("  %-64s %-7s %9.2f %-3s %s\n", what, figure, value, unit, note);
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  int n = 100000, replots = 20;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--points")) n = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--replots")) replots = std::atoi(argv[++i]);
  }
  std::printf("bench_ui_views: %d points, %d replots, platform %s\n", n, replots,
              qPrintable(QGuiApplication::platformName()));

  // ---- a workspace with n architectures, each with test_accuracy and latency_ms
  QTemporaryDir dir;
  auto ws = nas::Workspace::open(dir.filePath(QStringLiteral("bench.nasw")).toStdString());
  std::mt19937 rng(42);
  std::lognormal_distribution<double> flopsDist(std::log(80e6), 0.6);
  std::normal_distribution<double> noise(0, 1.0);
  QElapsedTimer fill;
  fill.start();
  ws->transaction([&] {
    std::vector<nas::EvaluationRecord> evals;
    evals.reserve(2 * n);
    char name[32];
    for (int i = 0; i < n; ++i) {
      const double flops = flopsDist(rng);
      const auto params = static_cast<std::int64_t>(flops / 150 + 2e4 * std::abs(noise(rng)));
      std::snprintf(name, sizeof name, "bench-%07d", i);
      const auto id = ws->upsertArchitecture("bench", name, flops, params);
      nas::EvaluationRecord e;
      e.archId = id;
      e.source = "predicted";
      e.dataset = "cifar10";
      e.metric = "test_accuracy";
      e.value = 60 + 33 * (1 - std::exp(-flops / 80e6)) + 3 * noise(rng);
      evals.push_back(e);
      e.metric = "latency_ms";
      e.value = 0.5 + flops / 4e7 * (1 + 0.2 * std::abs(noise(rng)));
      evals.push_back(e);
    }
    ws->addEvaluations(evals);
  });
  std::printf("  (workspace filled in %.0f ms)\n\n", fill.nsecsElapsed() / 1e6);

  std::printf("  %-64s %-7s %9s\n", "measurement", "figure", "value");
  // ---- ScatterView: open = setWorkspace (pickers, archPoints, buckets, grid, Pareto) + first replot
  nas::ui::ScatterView view;
  view.resize(1200, 800);
  view.show();
  QApplication::processEvents();
  QElapsedTimer open;
  open.start();
  view.setWorkspace(ws.get());
  const double buildMs = open.nsecsElapsed() / 1e6;
  view.plot()->replot(QCustomPlot::rpImmediateRefresh);
  const double openMs = open.nsecsElapsed() / 1e6;
  row("ScatterView open (cold), no colour: load + build plot", "time", buildMs, "ms");
  row("ScatterView open, no colour: + first replot", "time", openMs, "ms", openMs < 1000 ? "(target < 1000: ok)" : "(target < 1000: MISSED)");
  Stats s = replotTimes(view.plot(), replots);
  row("ScatterView replot, no colour", "median", s.median, "ms");
  row("ScatterView replot, no colour", "p95", s.p95, "ms", s.p95 < 100 ? "(target < 100: ok)" : "(target < 100: MISSED)");

  open.restart();
  view.setAxes(QStringLiteral("flops"), QStringLiteral("test_accuracy"), QStringLiteral("latency_ms"));
  view.plot()->replot(QCustomPlot::rpImmediateRefresh);
  const double openColourMs = open.nsecsElapsed() / 1e6;
  row("ScatterView open, coloured (16 buckets + grey): + 1st replot", "time", openColourMs, "ms",
      openColourMs < 1000 ? "(target < 1000: ok)" : "(target < 1000: MISSED)");
  s = replotTimes(view.plot(), replots);
  row("ScatterView replot, coloured", "median", s.median, "ms");
  row("ScatterView replot, coloured", "p95", s.p95, "ms", s.p95 < 100 ? "(target < 100: ok)" : "(target < 100: MISSED)");
  std::printf("  (%zu points on the Pareto front)\n", view.paretoIds().size());

  // ---- SQL alone (after the view's open: the page cache is warm now)
  {
    QElapsedTimer t;
    t.start();
    const auto pts = ws->archPoints("flops", "test_accuracy", "latency_ms");
    row("of which Workspace::archPoints(flops, test_accuracy, latency_ms)", "time", t.nsecsElapsed() / 1e6, "ms",
        qPrintable(QStringLiteral("(%1 points)").arg(pts.size())));
  }

  open.restart();
  view.refresh();
  view.plot()->replot(QCustomPlot::rpImmediateRefresh);
  row("ScatterView refresh() (reload + replot, zoom kept)", "time", open.nsecsElapsed() / 1e6, "ms");

  // ---- baseline 1: QCustomPlot defaults on the same 100k points
  const auto pts = ws->archPoints("flops", "test_accuracy");
  {
    QCustomPlot plot;
    plot.resize(1000, 760);
    plot.show();
    QApplication::processEvents();
    QElapsedTimer t;
    t.start();
    QVector<double> x, y;
    x.reserve(pts.size());
    y.reserve(pts.size());
    for (const auto& p : pts) {
      x << p.x / 1e6;
      y << p.y;
    }
    QCPGraph* g = plot.addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    g->setAdaptiveSampling(false);
    g->setData(x, y);
    plot.rescaleAxes();
    plot.replot(QCustomPlot::rpImmediateRefresh);
    row("baseline: QCP defaults (1 graph, ssDisc, no adaptive) open", "time", t.nsecsElapsed() / 1e6, "ms");
    s = replotTimes(&plot, replots);
    row("baseline: QCP defaults replot", "median", s.median, "ms");
    row("baseline: QCP defaults replot", "p95", s.p95, "ms");
    g->setAdaptiveSampling(true);
    s = replotTimes(&plot, replots);
    row("baseline: same, adaptive sampling on (ssDisc)", "median", s.median, "ms");
  }
  // ---- baseline 2: one graph per point, 2,000 points
  {
    const int m = std::min<int>(2000, static_cast<int>(pts.size()));
    QCustomPlot plot;
    plot.resize(1000, 760);
    plot.show();
    QApplication::processEvents();
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < m; ++i) {
      QCPGraph* g = plot.addGraph();
      g->setLineStyle(QCPGraph::lsNone);
      g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
      g->addData(pts[i].x / 1e6, pts[i].y);
    }
    plot.rescaleAxes();
    plot.replot(QCustomPlot::rpImmediateRefresh);
    row("baseline: naive one graph per point, 2,000 points, open", "time", t.nsecsElapsed() / 1e6, "ms");
    s = replotTimes(&plot, replots);
    row("baseline: naive one graph per point, 2,000 points, replot", "median", s.median, "ms");
  }

  // ---- hover lookup: grid index vs linear scan, 2,000 random mouse positions
  {
    QCPAxis* ax = view.plot()->xAxis;
    QCPAxis* ay = view.plot()->yAxis;
    const QRect area = view.plot()->axisRect()->rect();
    std::uniform_real_distribution<double> ux(area.left(), area.right()), uy(area.top(), area.bottom());
    std::vector<QPointF> mouse(2000);
    for (auto& p : mouse) p = QPointF(ux(rng), uy(rng));
    QElapsedTimer t;
    t.start();
    int hitsGrid = 0;
    for (const auto& p : mouse) hitsGrid += view.pointAt(p) >= 0;
    const double gridUs = t.nsecsElapsed() / 1e3 / mouse.size();
    const auto& vp = view.points();
    t.restart();
    int hitsLinear = 0;
    for (const auto& p : mouse) {
      double best = 64;
      int bi = -1;
      for (size_t i = 0; i < vp.size(); ++i) {
        const double dx = ax->coordToPixel(vp[i].x) - p.x(), dy = ay->coordToPixel(vp[i].y) - p.y();
        const double d = dx * dx + dy * dy;
        if (d <= best) {
          best = d;
          bi = static_cast<int>(i);
        }
      }
      hitsLinear += bi >= 0;
    }
    const double linearUs = t.nsecsElapsed() / 1e3 / mouse.size();
    row("hover lookup: grid index (per mouse move)", "mean", gridUs, "us");
    row("hover lookup: linear scan (baseline, per mouse move)", "mean", linearUs, "us",
        hitsGrid == hitsLinear ? "(same hits)" : "(HITS DIFFER)");
  }
  return 0;
}
