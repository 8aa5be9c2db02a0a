#pragma once
// The plot of a ScatterView: a QCustomPlot that takes points (x, y, colour value, faded flag)
// and draws them for 100k points: one graph per colour bucket (16 + grey) drawn with a cached
// pixmap disc, adaptive sampling, the Pareto front as a staircase, rings for the selection and
// the hovered point (on a buffered layer of its own), a colour scale, and a grid index for
// mouse lookups. Knows nothing of workspaces or controls (ScatterView, ScatterSource).

#include <QList>
#include <QRectF>
#include <QString>
#include <algorithm>
#include <vector>

#include <qcustomplot.h>

#include "views/PointGrid.h"
#include "views/ScatterPoint.h"

namespace nas::ui {

class ScatterPlot : public QCustomPlot {
  Q_OBJECT

 public:
  static constexpr int kColorBuckets = 16;

  using Axes = ScatterAxes;

  explicit ScatterPlot(QWidget* parent = nullptr);

  void setPoints(std::vector<ScatterPoint> points) { points_ = std::move(points); }
  const std::vector<ScatterPoint>& points() const { return points_; }
  // Redraws the points for `axes`; keeps the zoom when keepRange, else shows them all.
  void rebuild(const Axes& axes, bool keepRange);
  // Recomputes the Pareto front for the directions of `axes`.
  void updateFront(const Axes& axes);
  const std::vector<std::size_t>& front() const { return front_; }  // indices into points()
  void setFrontVisible(bool on);

  void setFadeDominated(bool on) { fadeDominated_ = on; }
  bool fadeDominated() const { return fadeDominated_; }
  int fadedCount() const { return fadedCount_; }
  void setHomeRange(const QRectF& range) { homeRange_ = range.normalized(); }
  void setColorRange(double lo, double hi) {
    colorLo_ = lo;
    colorHi_ = hi;
  }
  void setPointSize(int px) { pointSize_ = std::max(2, px); }
  void resetZoom();
  bool userZoomed() const { return userZoomed_; }
  void setUserZoomed(bool on) { userZoomed_ = on; }

  // Rings around the points of `selection` and the hovered one.
  void updateMarks(const QList<qint64>& selection);
  int hovered() const { return hovered_; }
  void setHovered(int index);  // replots the hover layer only

  // Nearest point within `radiusPx` of a widget position, or -1 (an index into points()).
  int pointAt(const QPointF& pos, double radiusPx = 8) const;
  // Points inside a rectangle given in widget pixels.
  QList<qint64> pointsIn(const QRect& rect) const;
  int graphCount() const { return kColorBuckets + 1; }

 private:
  std::vector<ScatterPoint> points_;
  std::vector<double> xs_, ys_;
  PointGrid grid_;
  std::vector<std::size_t> front_;
  QList<qint64> marked_;
  int hovered_ = -1;
  bool userZoomed_ = false;
  bool fadeDominated_ = false;
  int fadedCount_ = 0;
  QRectF homeRange_;
  int pointSize_;
  double colorLo_ = 1, colorHi_ = 0;  // lo > hi: from the points

  QCPColorScale* colorScale_ = nullptr;
  std::vector<QCPGraph*> buckets_;
  std::vector<QCPGraph*> fadedBuckets_;  // kColorBuckets + grey, created on first use
  QCPGraph* greyGraph_ = nullptr;
  QCPCurve* frontCurve_ = nullptr;
  QCPGraph* frontMarks_ = nullptr;
  QCPGraph* selectedMarks_ = nullptr;
  QCPGraph* hoverMark_ = nullptr;
};

}  // namespace nas::ui
