#include "search/SearchPlotData.h"

#include <QCoreApplication>
#include <QLocale>
#include <algorithm>
#include <cmath>
#include <map>

namespace nas::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("SearchPlotData", text); }

bool ofSeed(const nas::SearchSample& s, std::int64_t seed) { return seed < 0 || s.seed == seed; }

double percent(double fraction) { return std::isfinite(fraction) ? 100.0 * fraction : NAN; }

QString percentText(double fraction) {
  return std::isfinite(fraction) ? QLocale().toString(100.0 * fraction, 'f', 2) + QStringLiteral(" %")
                                 : QStringLiteral("\u2013");
}

}  // namespace

std::vector<ScatterPoint> latentPoints(const nas::SearchRun& run, std::int64_t seed, int uptoRound, ColourSource colour) {
  std::vector<ScatterPoint> points;
  for (const auto& s : run.samples) {
    if (!s.hasLatent || !ofSeed(s, seed) || s.round > uptoRound) continue;
    ScatterPoint p;
    p.id = s.sampleId;
    p.x = s.x;
    p.y = s.y;
    p.c = percent(colour == ColourSource::Predicted ? s.predicted : s.value);
    p.faded = s.round < uptoRound;
    points.push_back(p);
  }
  return points;
}

QRectF latentBounds(const nas::SearchRun& run, std::int64_t seed) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& s : run.samples) {
    if (!s.hasLatent || !ofSeed(s, seed)) continue;
    x0 = std::min(x0, s.x);
    x1 = std::max(x1, s.x);
    y0 = std::min(y0, s.y);
    y1 = std::max(y1, s.y);
  }
  if (x0 > x1) return {};
  // The same 4 % margin as ScatterView's own reset, and a unit span around a single value.
  const double mx = x1 > x0 ? 0.04 * (x1 - x0) : 0.5, my = y1 > y0 ? 0.04 * (y1 - y0) : 0.5;
  return QRectF(QPointF(x0 - mx, y0 - my), QPointF(x1 + mx, y1 + my));
}

std::pair<double, double> latentColourRange(const nas::SearchRun& run, std::int64_t seed) {
  std::vector<double> values;
  for (const auto& s : run.samples) {
    if (!s.hasLatent || !ofSeed(s, seed)) continue;
    for (double v : {s.predicted, s.value})
      if (std::isfinite(v)) values.push_back(100.0 * v);
  }
  if (values.empty()) return {1, 0};
  // From the 5th percentile up: a few broken cells at chance accuracy (10 % on CIFAR-10) would
  // otherwise stretch the scale so far that every good cell gets the same colour. Values
  // below the scale are drawn in its lowest colour.
  std::sort(values.begin(), values.end());
  const auto low = static_cast<std::size_t>(0.05 * static_cast<double>(values.size() - 1));
  return {values[low], values.back()};
}

ParetoData paretoData(const nas::SearchRun& run) {
  ParetoData d;
  d.costFromFlops = !run.payloadCosts;
  d.xTitle = d.costFromFlops ? tr("FLOPs (M)") : costTitle(run.costName);
  d.yTitle = accuracyTitle(run);
  // tabular-search writes the query index as the round.
  d.colourTitle = run.method == "tabular-search" ? tr("first query") : tr("first round");
  struct Best {
    double value, cost;
    int round;
  };
  std::map<nas::ArchId, Best> best;  // ordered by id: a stable point order
  for (const auto& s : run.samples) {
    if (s.archId <= 0 || !s.queried || !std::isfinite(s.value)) continue;
    const double cost = d.costFromFlops ? s.flops / 1e6 : s.cost;
    auto [it, added] = best.emplace(s.archId, Best{s.value, cost, s.round});
    if (added) continue;
    it->second.round = std::min(it->second.round, s.round);
    if (s.value > it->second.value) it->second.value = s.value;
    if (!std::isfinite(it->second.cost)) it->second.cost = cost;
  }
  d.points.reserve(best.size());
  for (const auto& [arch, b] : best) {
    ScatterPoint p;
    p.id = arch;
    p.x = b.cost;
    p.y = 100.0 * b.value;
    p.c = b.round;
    d.points.push_back(p);
  }
  return d;
}

QRectF paretoHomeRange(const ParetoData& data, int* hidden) {
  *hidden = 0;
  std::vector<double> ys;
  double x0 = INFINITY, x1 = -INFINITY;
  for (const auto& p : data.points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    ys.push_back(p.y);
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
  }
  if (ys.size() < 20) return {};  // too few for a percentile to mean anything
  std::sort(ys.begin(), ys.end());
  const double p5 = ys[static_cast<std::size_t>(0.05 * static_cast<double>(ys.size() - 1))];
  const double y1 = ys.back();
  // Outliers: farther below the 5th percentile than the rest's own span reaches above it.
  const double cut = p5 - (y1 - p5);
  const auto kept = std::lower_bound(ys.begin(), ys.end(), cut);
  *hidden = static_cast<int>(kept - ys.begin());
  if (*hidden == 0 || !(y1 > p5)) {
    *hidden = 0;
    return {};
  }
  const double low = *kept;
  const double mx = x1 > x0 ? 0.04 * (x1 - x0) : 0.5, my = 0.04 * (y1 - low);
  return QRectF(QPointF(x0 - mx, low - my), QPointF(x1 + mx, y1 + my));
}

QString costTitle(const std::string& name) {
  // The search room's units (core/search/QuerySearch.h): millions of MACs and of parameters.
  if (name == "flops") return tr("FLOPs (M)");
  if (name == "params") return tr("params (M)");
  if (name == "latency_ms") return tr("latency (ms)");
  return name.empty() ? tr("cost") : QString::fromStdString(name);
}

QString accuracyTitle(const nas::SearchRun& run) {
  return (run.metric.empty() ? tr("accuracy") : QString::fromStdString(run.metric)) + QStringLiteral(" (%)");
}

QString sampleTooltip(const nas::SearchRun& run, const nas::SearchSample& s) {
  QString html;
  html += s.archId > 0 ? QStringLiteral("<b>#%1</b>").arg(s.archId) : tr("<b>no architecture</b>");
  if (!s.canonical.empty())
    html += QStringLiteral("<br><span style='font-family:monospace'>%1</span>")
                .arg(QString::fromStdString(s.canonical).toHtmlEscaped());
  html += QStringLiteral("<table cellspacing='0' cellpadding='1'>");
  auto row = [&html](const QString& k, const QString& v) {
    html += QStringLiteral("<tr><td>%1</td><td align='right'>&nbsp;%2</td></tr>").arg(k.toHtmlEscaped(), v.toHtmlEscaped());
  };
  row(tr("round"), s.round == 0 ? tr("0 (initial random)") : QString::number(s.round));
  row(tr("seed"), QString::number(s.seed));
  row(tr("predicted"), percentText(s.predicted));
  if (!s.queried)
    row(tr("true"), tr("not queried"));
  else
    row(tr("true"), percentText(s.value) + (s.query > 0 ? tr(" (query %1)").arg(s.query) : QString()));
  if (std::isfinite(s.cost)) row(costTitle(run.costName), QLocale().toString(s.cost, 'g', 6));
  else if (std::isfinite(s.flops)) row(tr("FLOPs (M)"), QLocale().toString(s.flops / 1e6, 'g', 6));
  html += QStringLiteral("</table>");
  if (s.archId > 0) html += tr("<i>click to open</i>");
  return html;
}

}  // namespace nas::ui
