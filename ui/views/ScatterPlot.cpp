#include "views/ScatterPlot.h"

#include <QApplication>
#include <QHash>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "search/Pareto.h"

namespace nas::ui {

namespace {

const QColor kPlain(0x00, 0x72, 0xB2);          // points when there is no colour metric
const QColor kAbsent(0xB4, 0xB4, 0xB4, 200);    // colour metric missing
const QColor kFront(0xD5, 0x5E, 0x00);          // Pareto staircase (vermillion)
const QColor kSelected(0xCC, 0x00, 0x66);
const int kPointSize = 5;

// Viridis: perceptually uniform and readable with the common colour-vision deficiencies.
QCPColorGradient viridis() {
  QCPColorGradient g;
  g.clearColorStops();
  const QColor stops[] = {QColor(68, 1, 84),    QColor(72, 40, 120), QColor(62, 74, 137), QColor(49, 104, 142),
                          QColor(38, 130, 142), QColor(31, 158, 137), QColor(53, 183, 121), QColor(109, 205, 89),
                          QColor(180, 222, 44), QColor(253, 231, 37)};
  const int n = static_cast<int>(std::size(stops));
  for (int i = 0; i < n; ++i) g.setColorStopAt(double(i) / (n - 1), stops[i]);
  g.setColorInterpolation(QCPColorGradient::ciRGB);
  return g;
}

// A pre-rendered disc: drawing a pixmap per point is several times cheaper than an antialiased
// ellipse, which matters at 100k points.
QCPScatterStyle discStyle(const QColor& color, int size = kPointSize) {
  const qreal dpr = qApp ? qApp->devicePixelRatio() : 1.0;
  QPixmap pm(QSize(size + 2, size + 2) * dpr);
  pm.setDevicePixelRatio(dpr);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(color.darker(115), 0.6));
  p.setBrush(color);
  p.drawEllipse(QRectF(1, 1, size, size));
  p.end();
  return QCPScatterStyle(pm);
}

}  // namespace

ScatterPlot::ScatterPlot(QWidget* parent) : QCustomPlot(parent), pointSize_(kPointSize) {
  setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  setNoAntialiasingOnDrag(true);
  setPlottingHints(QCP::phCacheLabels | QCP::phFastPolylines);
  setMinimumSize(220, 160);  // small enough for two plots side by side in a 1024 px window
  setMouseTracking(true);

  colorScale_ = new QCPColorScale(this);
  colorScale_->setType(QCPAxis::atRight);
  colorScale_->setGradient(viridis());
  colorScale_->setBarWidth(12);
  auto* margins = new QCPMarginGroup(this);
  axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  colorScale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  colorScale_->setVisible(false);

  // Grey points first so that coloured ones are drawn on top of them.
  greyGraph_ = addGraph();
  greyGraph_->setLineStyle(QCPGraph::lsNone);
  greyGraph_->setScatterStyle(discStyle(kAbsent));
  greyGraph_->setAdaptiveSampling(true);
  for (int b = 0; b < kColorBuckets; ++b) {
    QCPGraph* g = addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    g->setAdaptiveSampling(true);
    buckets_.push_back(g);
  }
  frontCurve_ = new QCPCurve(xAxis, yAxis);
  frontCurve_->setPen(QPen(kFront, 2.0));
  frontCurve_->setAntialiased(true);
  frontMarks_ = addGraph();
  frontMarks_->setLineStyle(QCPGraph::lsNone);
  frontMarks_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(kFront.darker(130), 1.4), QColor(255, 255, 255, 120), 8));
  selectedMarks_ = addGraph();
  selectedMarks_->setLineStyle(QCPGraph::lsNone);
  selectedMarks_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(kSelected, 2.0), Qt::NoBrush, 11));
  // The hover ring lives on its own buffered layer: moving it replots that layer only.
  addLayer(QStringLiteral("hover"), layer(QStringLiteral("main")), QCustomPlot::limAbove);  // above "main"
  layer(QStringLiteral("hover"))->setMode(QCPLayer::lmBuffered);
  hoverMark_ = addGraph();
  hoverMark_->setLayer(QStringLiteral("hover"));
  hoverMark_->setLineStyle(QCPGraph::lsNone);
  hoverMark_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(0x20, 0x20, 0x20), 1.8), Qt::NoBrush, 13));
  for (QCPAbstractPlottable* p : {static_cast<QCPAbstractPlottable*>(frontCurve_), static_cast<QCPAbstractPlottable*>(frontMarks_),
                                  static_cast<QCPAbstractPlottable*>(selectedMarks_), static_cast<QCPAbstractPlottable*>(hoverMark_)})
    p->setSelectable(QCP::stNone);
}

void ScatterPlot::setFrontVisible(bool on) {
  frontCurve_->setVisible(on);
  frontMarks_->setVisible(on);
}

void ScatterPlot::rebuild(const Axes& axes, bool keepRange) {
  const QCPRange oldX = xAxis->range(), oldY = yAxis->range();
  const int n = static_cast<int>(points_.size());
  xs_.resize(n);
  ys_.resize(n);
  for (int i = 0; i < n; ++i) {
    xs_[i] = points_[i].x;
    ys_[i] = points_[i].y;
  }
  grid_.build(xs_, ys_);
  hovered_ = -1;

  // Colour range over the finite colour values.
  double cmin = INFINITY, cmax = -INFINITY;
  for (const auto& p : points_)
    if (std::isfinite(p.c)) {
      cmin = std::min(cmin, p.c);
      cmax = std::max(cmax, p.c);
    }
  if (colorLo_ <= colorHi_ && cmin <= cmax) {  // a fixed scale, when the caller gave one
    cmin = colorLo_;
    cmax = colorHi_;
  }
  const bool colored = axes.colorMetric && cmin <= cmax;
  if (colored && cmin == cmax) {
    cmin -= 0.5;
    cmax += 0.5;
  }
  QCPColorGradient gradient = viridis();
  for (int b = 0; b < kColorBuckets; ++b) {
    const QColor c = colored ? QColor::fromRgb(gradient.color((b + 0.5) / kColorBuckets, QCPRange(0, 1))) : kPlain;
    buckets_[b]->setScatterStyle(discStyle(c, pointSize_));
  }
  greyGraph_->setScatterStyle(discStyle(kAbsent, pointSize_));

  // The front first: fade-dominated needs it to deal the points.
  updateFront(axes);
  std::vector<char> faded(n, 0);
  for (int i = 0; i < n; ++i) faded[i] = points_[i].faded ? 1 : 0;
  if (fadeDominated_ && axes.front && !front_.empty()) {
    std::vector<char> onFront(n, 0);
    for (size_t i : front_) onFront[i] = 1;
    for (int i = 0; i < n; ++i) faded[i] = faded[i] || !onFront[i];
  }
  fadedCount_ = static_cast<int>(std::count(faded.begin(), faded.end(), 1));
  if (fadedCount_ > 0 && fadedBuckets_.empty()) {
    // Their own layer below "main", so the prominent points are always drawn over them.
    addLayer(QStringLiteral("faded"), layer(QStringLiteral("main")), QCustomPlot::limBelow);
    for (int b = 0; b <= kColorBuckets; ++b) {
      QCPGraph* g = addGraph();
      g->setLayer(QStringLiteral("faded"));
      g->setLineStyle(QCPGraph::lsNone);
      g->setAdaptiveSampling(true);
      g->setSelectable(QCP::stNone);
      fadedBuckets_.push_back(g);
    }
  }
  for (int b = 0; b < static_cast<int>(fadedBuckets_.size()); ++b) {
    QColor c = b == kColorBuckets ? kAbsent
               : colored             ? QColor::fromRgb(gradient.color((b + 0.5) / kColorBuckets, QCPRange(0, 1)))
                                     : kPlain;
    c.setAlpha(b == kColorBuckets ? 80 : 120);  // light, yet yellow still shows on white
    fadedBuckets_[b]->setScatterStyle(discStyle(c, kPointSize - 1));
  }

  // Order by x once, then deal the points to their buckets: every bucket comes out sorted,
  // as QCPGraph wants, without sorting each again.
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [this](int a, int b) { return xs_[a] < xs_[b]; });
  std::vector<QVector<QCPGraphData>> data(kColorBuckets + 1), fadedData(kColorBuckets + 1);
  for (int i : order) {
    const ScatterPoint& p = points_[i];
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    int b = 0;
    if (colored) {
      if (!std::isfinite(p.c))
        b = kColorBuckets;
      else
        b = std::clamp(static_cast<int>((p.c - cmin) / (cmax - cmin) * kColorBuckets), 0, kColorBuckets - 1);
    } else if (axes.colorMetric) {
      b = kColorBuckets;  // a colour metric none of the points has
    }
    (faded[i] ? fadedData : data)[b].push_back(QCPGraphData(p.x, p.y));
  }
  for (int b = 0; b < kColorBuckets; ++b) buckets_[b]->data()->set(data[b], true);
  greyGraph_->data()->set(data[kColorBuckets], true);
  for (int b = 0; b < static_cast<int>(fadedBuckets_.size()); ++b) fadedBuckets_[b]->data()->set(fadedData[b], true);

  // A hidden element still takes its column: take the scale out of the layout when unused.
  const bool inLayout = plotLayout()->hasElement(0, 1);
  if (colored && !inLayout) {
    plotLayout()->addElement(0, 1, colorScale_);
  } else if (!colored && inLayout) {
    plotLayout()->take(colorScale_);
    plotLayout()->simplify();
  }
  colorScale_->setVisible(colored);
  if (colored) {
    colorScale_->setDataRange(QCPRange(cmin, cmax));
    colorScale_->axis()->setLabel(axes.colorTitle);
  }
  xAxis->setLabel(axes.xTitle);
  yAxis->setLabel(axes.yTitle);

  if (keepRange) {
    xAxis->setRange(oldX);
    yAxis->setRange(oldY);
  } else {
    resetZoom();
  }
}

void ScatterPlot::resetZoom() {
  if (!homeRange_.isNull()) {
    xAxis->setRange(homeRange_.left(), homeRange_.right());
    yAxis->setRange(homeRange_.top(), homeRange_.bottom());
    userZoomed_ = false;
    replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& p : points_) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  if (x0 > x1) {
    xAxis->setRange(0, 1);
    yAxis->setRange(0, 1);
  } else {
    const double mx = x1 > x0 ? 0.04 * (x1 - x0) : 0.5, my = y1 > y0 ? 0.04 * (y1 - y0) : 0.5;
    xAxis->setRange(x0 - mx, x1 + mx);
    yAxis->setRange(y0 - my, y1 + my);
  }
  userZoomed_ = false;
  replot(QCustomPlot::rpQueuedReplot);
}

void ScatterPlot::updateFront(const Axes& axes) {
  std::vector<nas::Point2d> pts(points_.size());
  for (size_t i = 0; i < points_.size(); ++i) pts[i] = {points_[i].x, points_[i].y};
  const bool maxX = axes.maximizeX, maxY = axes.maximizeY;
  front_ = nas::paretoFront(pts, {maxX, maxY});
  // The staircase bounding the dominated region: from each front point to the next, first along
  // x when x is minimised (the next point costs more), first along y when x is maximised.
  QVector<double> t, cx, cy;
  QVector<QCPGraphData> marks;
  for (size_t k = 0; k < front_.size(); ++k) {
    const auto& p = points_[front_[k]];
    if (k > 0) {
      const auto& q = points_[front_[k - 1]];
      cx << (maxX ? q.x : p.x);
      cy << (maxX ? p.y : q.y);
    }
    cx << p.x;
    cy << p.y;
    marks.push_back(QCPGraphData(p.x, p.y));
  }
  t.resize(cx.size());
  std::iota(t.begin(), t.end(), 0.0);
  frontCurve_->setData(t, cx, cy, true);
  frontMarks_->data()->set(marks, true);
}

void ScatterPlot::updateMarks(const QList<qint64>& selection) {
  marked_ = selection;
  QHash<qint64, int> index;
  if (!selection.isEmpty())
    for (int i = 0; i < static_cast<int>(points_.size()); ++i) index.insert(points_[i].id, i);
  QVector<QCPGraphData> sel;
  for (qint64 id : selection) {
    const int i = index.value(id, -1);
    if (i >= 0) sel.push_back(QCPGraphData(points_[i].x, points_[i].y));
  }
  selectedMarks_->data()->set(sel, false);
  QVector<QCPGraphData> hover;
  if (hovered_ >= 0) hover.push_back(QCPGraphData(points_[hovered_].x, points_[hovered_].y));
  hoverMark_->data()->set(hover, true);
}

void ScatterPlot::setHovered(int index) {
  hovered_ = index;
  QVector<QCPGraphData> hover;
  if (hovered_ >= 0) hover.push_back(QCPGraphData(points_[hovered_].x, points_[hovered_].y));
  hoverMark_->data()->set(hover, true);
  layer(QStringLiteral("hover"))->replot();
}

int ScatterPlot::pointAt(const QPointF& pos, double radiusPx) const {
  if (grid_.empty()) return -1;
  QCPAxis* ax = xAxis;
  QCPAxis* ay = yAxis;
  const QRectF rect(QPointF(ax->pixelToCoord(pos.x() - radiusPx), ay->pixelToCoord(pos.y() - radiusPx)),
                    QPointF(ax->pixelToCoord(pos.x() + radiusPx), ay->pixelToCoord(pos.y() + radiusPx)));
  return grid_.nearest(
      rect.normalized(),
      [&](int i) {
        const double dx = ax->coordToPixel(xs_[i]) - pos.x(), dy = ay->coordToPixel(ys_[i]) - pos.y();
        return dx * dx + dy * dy;
      },
      radiusPx * radiusPx);
}

QList<qint64> ScatterPlot::pointsIn(const QRect& r) const {
  QCPAxis* ax = xAxis;
  QCPAxis* ay = yAxis;
  const QRectF rect(QPointF(ax->pixelToCoord(r.left()), ay->pixelToCoord(r.top())),
                    QPointF(ax->pixelToCoord(r.right()), ay->pixelToCoord(r.bottom())));
  QList<qint64> ids;
  for (int i : grid_.inside(rect.normalized())) ids << points_[i].id;
  return ids;
}

}  // namespace nas::ui
