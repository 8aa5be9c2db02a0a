#include "views/PointGrid.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nas::ui {

void PointGrid::clear() {
  xs_.clear();
  ys_.clear();
  start_.clear();
  order_.clear();
  nx_ = ny_ = 0;
  count_ = 0;
}

void PointGrid::build(const std::vector<double>& x, const std::vector<double>& y, int targetPerCell) {
  clear();
  xs_ = x;
  ys_ = y;
  const int n = static_cast<int>(std::min(x.size(), y.size()));
  double minX = std::numeric_limits<double>::infinity(), maxX = -minX, minY = minX, maxY = -minX;
  int finite = 0;
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    minX = std::min(minX, x[i]);
    maxX = std::max(maxX, x[i]);
    minY = std::min(minY, y[i]);
    maxY = std::max(maxY, y[i]);
    ++finite;
  }
  if (finite == 0) return;
  const int side = std::clamp(static_cast<int>(std::sqrt(finite / std::max(1, targetPerCell))), 1, 1024);
  nx_ = ny_ = side;
  x0_ = minX;
  y0_ = minY;
  cw_ = maxX > minX ? (maxX - minX) / side : 1.0;
  ch_ = maxY > minY ? (maxY - minY) / side : 1.0;
  auto cellOf = [&](int i) {
    const int cx = std::clamp(static_cast<int>((x[i] - x0_) / cw_), 0, nx_ - 1);
    const int cy = std::clamp(static_cast<int>((y[i] - y0_) / ch_), 0, ny_ - 1);
    return cy * nx_ + cx;
  };
  start_.assign(static_cast<size_t>(nx_) * ny_ + 1, 0);
  std::vector<int> cell(n, -1);
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    cell[i] = cellOf(i);
    ++start_[cell[i] + 1];
  }
  for (size_t c = 1; c < start_.size(); ++c) start_[c] += start_[c - 1];
  order_.assign(finite, 0);
  std::vector<int> fill(start_.begin(), start_.end() - 1);
  for (int i = 0; i < n; ++i)
    if (cell[i] >= 0) order_[fill[cell[i]]++] = i;
  count_ = finite;
}

template <class F>
void PointGrid::visit(const QRectF& rect, F&& f) const {
  if (count_ == 0) return;
  const QRectF r = rect.normalized();
  const double gx1 = x0_ + cw_ * nx_, gy1 = y0_ + ch_ * ny_;
  if (r.right() < x0_ || r.left() > gx1 || r.bottom() < y0_ || r.top() > gy1) return;
  const int cx0 = std::clamp(static_cast<int>(std::floor((r.left() - x0_) / cw_)), 0, nx_ - 1);
  const int cx1 = std::clamp(static_cast<int>(std::floor((r.right() - x0_) / cw_)), 0, nx_ - 1);
  const int cy0 = std::clamp(static_cast<int>(std::floor((r.top() - y0_) / ch_)), 0, ny_ - 1);
  const int cy1 = std::clamp(static_cast<int>(std::floor((r.bottom() - y0_) / ch_)), 0, ny_ - 1);
  for (int cy = cy0; cy <= cy1; ++cy)
    for (int cx = cx0; cx <= cx1; ++cx) {
      const int c = cy * nx_ + cx;
      for (int k = start_[c]; k < start_[c + 1]; ++k) {
        const int i = order_[k];
        if (xs_[i] >= r.left() && xs_[i] <= r.right() && ys_[i] >= r.top() && ys_[i] <= r.bottom()) f(i);
      }
    }
}

int PointGrid::nearest(const QRectF& rect, const std::function<double(int)>& distance, double maxDistance) const {
  int best = -1;
  double bestD = maxDistance;
  visit(rect, [&](int i) {
    const double d = distance(i);
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

std::vector<int> PointGrid::inside(const QRectF& rect) const {
  std::vector<int> out;
  visit(rect, [&](int i) { out.push_back(i); });
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace nas::ui
