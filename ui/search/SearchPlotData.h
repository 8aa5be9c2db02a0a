#pragma once
// What the Search tab's two scatter views draw, computed from a nas::SearchRun: the latent
// map's points up to a round (earlier rounds faded), its fixed axis and colour ranges over
// all rounds, and the Pareto view's points (one per queried architecture). Plain functions,
// so the panel only wires widgets and the tests check the numbers.
#include <QRectF>
#include <QString>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/SearchSamples.h"
#include "views/ScatterView.h"

namespace nas::ui {

enum class ColourSource { Predicted, True };

// Samples with latent coordinates of `seed` (all seeds when < 0) and round <= uptoRound; ids
// are sample ids (an architecture may come back in several rounds); the rounds before
// uptoRound are faded. c: predicted or true accuracy in percent, NaN where there is none
// (true: not queried), which the view draws grey.
std::vector<ScatterPoint> latentPoints(const nas::SearchRun& run, std::int64_t seed, int uptoRound, ColourSource colour);

// The latent coordinates' extent over all rounds of `seed`, with a margin: the producer's
// projection is the same for every round, so the axes must not move with the slider.
// A null rect when there are no latent samples.
QRectF latentBounds(const nas::SearchRun& run, std::int64_t seed);

// The colour scale over all rounds and both sources (percent), so that moving the slider or
// toggling predicted / true keeps one colour meaning one accuracy: from the 5th percentile
// (outliers at chance level must not wash the colours out) to the maximum. {1, 0} when none.
std::pair<double, double> latentColourRange(const nas::SearchRun& run, std::int64_t seed);

struct ParetoData {
  std::vector<ScatterPoint> points;  // id = architecture id; x = cost, y = accuracy (%), c = first round
  QString xTitle, yTitle, colourTitle;
  bool costFromFlops = false;  // no payload costs: the architectures' FLOPs (M)
};

// One point per queried architecture of the job (all seeds): its best true value and the
// earliest round it was queried in. Samples without an architecture or a value are left out.
ParetoData paretoData(const nas::SearchRun& run);

// The Pareto view's default range: all costs, and accuracies without the outliers far below
// the rest (farther below the 5th percentile than the rest spans above it), so that a few cells
// at chance level do not squash the front into a line at the top. `hidden` gets how many
// points lie below it. A null rect (the points' extent) when none would be hidden.
QRectF paretoHomeRange(const ParetoData& data, int* hidden);

// Axis title of a cost name: "flops" -> "FLOPs (M)", "latency_ms" -> "latency (ms)", else the name.
QString costTitle(const std::string& name);
// "test_accuracy (%)", or "accuracy (%)" when the job names no metric.
QString accuracyTitle(const nas::SearchRun& run);

// Hover text (HTML) of one sample: architecture, round, seed, predicted and true values, cost.
QString sampleTooltip(const nas::SearchRun& run, const nas::SearchSample& s);

}  // namespace nas::ui
