#pragma once
// A uniform grid over 2-D points in data coordinates, for nearest-point and rectangle queries
// on every mouse move without scanning all points: points are bucketed once (counting sort
// into cells, O(n)), and a query visits only the cells its search rectangle touches.

#include <QRectF>
#include <functional>
#include <vector>

namespace nas::ui {

class PointGrid {
 public:
  // Points with a non-finite coordinate are left out of every query.
  void build(const std::vector<double>& x, const std::vector<double>& y, int targetPerCell = 8);
  void clear();
  bool empty() const { return count_ == 0; }

  // Index of the point whose distance(index) is smallest among the points inside `rect` (data
  // coordinates), or -1. `distance` returns the squared distance in whatever space the caller
  // measures (usually pixels), so that unequal axis scales are handled by the caller.
  int nearest(const QRectF& rect, const std::function<double(int)>& distance, double maxDistance) const;
  // Indices of all points inside `rect` (data coordinates, edges included).
  std::vector<int> inside(const QRectF& rect) const;

 private:
  template <class F>
  void visit(const QRectF& rect, F&& f) const;

  std::vector<double> xs_, ys_;  // copies: the grid owns what it indexes
  double x0_ = 0, y0_ = 0, cw_ = 1, ch_ = 1;
  int nx_ = 0, ny_ = 0;
  std::vector<int> start_;  // nx*ny+1 offsets into order_
  std::vector<int> order_;  // point indices grouped by cell
  int count_ = 0;
};

}  // namespace nas::ui
