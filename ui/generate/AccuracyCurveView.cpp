#include "generate/AccuracyCurveView.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

#include "search/Stats.h"

namespace nas::ui {

AccuracyCurveView::AccuracyCurveView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("curveStatus"));
  status_->setForegroundRole(QPalette::PlaceholderText);
  plot_ = new QCustomPlot(this);
  plot_->setObjectName(QStringLiteral("accuracyCurve"));
  plot_->setMinimumHeight(110);
  plot_->setNoAntialiasingOnDrag(true);
  graph_ = plot_->addGraph();
  graph_->setPen(QPen(QColor(0x00, 0x72, 0xB2), 2));
  graph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0x00, 0x72, 0xB2), 6));
  errorBars_ = new QCPErrorBars(plot_->xAxis, plot_->yAxis);
  errorBars_->setDataPlottable(graph_);
  errorBars_->setErrorType(QCPErrorBars::etValueError);
  errorBars_->setPen(QPen(QColor(0x00, 0x72, 0xB2, 110), 1));
  errorBars_->setWhiskerWidth(5);
  plot_->yAxis->setLabel(tr("est. accuracy (%)"));
  // The marker moves on every slider move: it lives on its own buffered layer, so moving it
  // redraws that layer alone instead of the whole plot (axes, grid, graph).
  plot_->addLayer(QStringLiteral("marker"), plot_->layer(QStringLiteral("main")), QCustomPlot::limAbove);
  plot_->layer(QStringLiteral("marker"))->setMode(QCPLayer::lmBuffered);
  marker_ = new QCPItemStraightLine(plot_);
  marker_->setLayer(QStringLiteral("marker"));
  marker_->setPen(QPen(QColor(0xD5, 0x5E, 0x00), 1.5, Qt::DashLine));
  marker_->setVisible(false);
  layout->addWidget(status_);
  layout->addWidget(plot_, 1);
  clear();
}

void AccuracyCurveView::clear(const QString& message) {
  targets_.clear();
  archs_.clear();
  status_->setText(message.isEmpty() ? tr("Accuracy against target: no sweep yet") : message);
  rebuild();
}

void AccuracyCurveView::setSweep(const QString& label, const QString& unit, const QVector<double>& targets,
                                 const QStringList& archs) {
  targets_ = targets;
  archs_ = archs;
  double maxAbs = 0;
  for (double t : targets) maxAbs = std::max(maxAbs, std::abs(t));
  QString prefix;
  scale_ = 1.0;
  if (maxAbs >= 1e9) scale_ = 1e9, prefix = QStringLiteral("G ");
  else if (maxAbs >= 1e6) scale_ = 1e6, prefix = QStringLiteral("M ");
  else if (maxAbs >= 1e4) scale_ = 1e3, prefix = QStringLiteral("k ");
  plot_->xAxis->setLabel(tr("target %1 (%2%3)").arg(label, prefix, unit));
  if (!targets.isEmpty()) {
    const double pad = (targets.back() - targets.front()) / std::max<qsizetype>(1, targets.size() - 1) * 0.6;
    plot_->xAxis->setRange((targets.front() - pad) / scale_, (targets.back() + pad) / scale_);
  }
  rebuild();
}

void AccuracyCurveView::setAccuracy(const QString& arch, double accuracy, int images) {
  accuracy_.insert(arch, Estimate{accuracy, images});
  if (archs_.contains(arch)) rebuild();
}

void AccuracyCurveView::setMarker(double target) {
  const bool show = std::isfinite(target);
  marker_->setVisible(show);
  if (show) {
    marker_->point1->setCoords(target / scale_, 0);
    marker_->point2->setCoords(target / scale_, 1);
  }
  marker_->layer()->replot();
}

int AccuracyCurveView::estimatedPoints() const {
  int n = 0;
  for (const QString& a : archs_) n += accuracy_.contains(a);
  return n;
}

void AccuracyCurveView::rebuild() {
  QVector<double> x, y, err;
  int images = 0;
  for (int i = 0; i < targets_.size() && i < archs_.size(); ++i) {
    const auto it = accuracy_.constFind(archs_[i]);
    if (it == accuracy_.constEnd()) continue;
    const double p = it->accuracy;
    x << targets_[i] / scale_;
    y << 100.0 * p;
    err << 100.0 * binomialStandardError(p, it->images);
    images = std::max(images, it->images);
  }
  graph_->setData(x, y, true);
  errorBars_->setData(err);
  if (!y.isEmpty()) {
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < y.size(); ++i) lo = std::min(lo, y[i] - err[i]), hi = std::max(hi, y[i] + err[i]);
    const double pad = std::max(1.0, (hi - lo) * 0.15);
    plot_->yAxis->setRange(lo - pad, hi + pad);
  }
  if (!targets_.isEmpty()) {
    const int known = estimatedPoints();
    if (known < points())
      status_->setText(tr("Accuracy against target: estimating %1 of %2 points…").arg(known + 1).arg(points()));
    else if (images > 0)
      status_->setText(tr("Accuracy against target: %1 points, supernet estimates on %2 held-out images "
                          "(bars: ±1 standard error)").arg(points()).arg(images));
    else
      status_->setText(tr("Accuracy against target: %1 points, supernet estimates").arg(points()));
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace nas::ui
