#pragma once
// One unit for accuracy in every view (issue 21): the workspace stores accuracies as fractions
// (0..1, what the methods and the shipped tables write), and every view shows them as percent,
// as Search Progress and Generate do. A series or column whose values are not all within 0..1
// (a user's table already in percent) is shown as it is, so no value is ever scaled twice.
#include <QString>
#include <QStringList>
#include <cmath>

namespace nas::ui {

inline bool isAccuracyMetric(const QString& metric) {
  return metric.contains(QLatin1String("accuracy"), Qt::CaseInsensitive) ||
         metric.compare(QLatin1String("acc"), Qt::CaseInsensitive) == 0 ||
         metric.endsWith(QLatin1String("_acc"), Qt::CaseInsensitive) ||
         metric.startsWith(QLatin1String("acc_"), Qt::CaseInsensitive);
}

// Which of `metrics` is "the accuracy" wherever a view picks one by itself (the best
// architecture of Search Results, the scatter's default y axis): the held-out `test_accuracy`
// when there is one (a search's table values, a training's result), else the first name
// containing "acc" in any case (a supernet's estimate, a user's column), else "".
inline QString accuracyMetric(const QStringList& metrics) {
  if (metrics.contains(QLatin1String("test_accuracy"))) return QStringLiteral("test_accuracy");
  for (const QString& m : metrics)
    if (m.contains(QLatin1String("acc"), Qt::CaseInsensitive)) return m;
  return QString();
}

// 100 for an accuracy metric whose values are all fractions, else 1. `values`: any range of
// doubles; non-finite values are ignored.
template <class Range>
double percentFactor(const QString& metric, const Range& values) {
  if (!isAccuracyMetric(metric)) return 1.0;
  for (double v : values)
    if (std::isfinite(v) && (v < 0.0 || v > 1.0)) return 1.0;
  return 100.0;
}

// "test_accuracy (%)" for an accuracy metric; the name alone otherwise.
inline QString metricTitle(const QString& metric) {
  return isAccuracyMetric(metric) ? metric + QStringLiteral(" (%)") : metric;
}

// The workspace's FLOPs and parameter counts of an architecture are those of its space's
// reference network: NAS-Bench-201's C=16, N=5 network on 3x32x32 CIFAR inputs for "nb201",
// whatever data a job trained it on (a job's own figure at its input size is in its result).
inline QString referenceCostNote(const QString& space) {
  if (space == QLatin1String("nb201")) return QStringLiteral("NB201 reference network, 3\u00d732\u00d732 input");
  return QStringLiteral("%1 reference network").arg(space);
}

}  // namespace nas::ui
