// Pareto front by one sort and one sweep; hypervolume as a sum of rectangles.
#include "search/Pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nas {

namespace {

// Both objectives turned into "smaller is better".
Point2d minimised(const Point2d& p, Objectives2d maximize) {
  return {maximize[0] ? -p.x : p.x, maximize[1] ? -p.y : p.y};
}

}  // namespace

std::vector<std::size_t> paretoFront(const std::vector<Point2d>& points, Objectives2d maximize) {
  std::vector<Point2d> m(points.size());
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < points.size(); ++i) {
    m[i] = minimised(points[i], maximize);
    if (!std::isnan(m[i].x) && !std::isnan(m[i].y)) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (m[a].x != m[b].x) return m[a].x < m[b].x;
    if (m[a].y != m[b].y) return m[a].y < m[b].y;
    return a < b;
  });

  // Sweep groups of equal x: a group's lowest-y points are non-dominated exactly when their
  // y beats every point with a better x; the rest of the group is dominated by them.
  std::vector<std::size_t> front;
  double bestY = std::numeric_limits<double>::infinity();
  for (std::size_t g = 0; g < order.size();) {
    std::size_t end = g;
    while (end < order.size() && m[order[end]].x == m[order[g]].x) ++end;
    const double groupY = m[order[g]].y;
    if (groupY < bestY) {
      for (std::size_t k = g; k < end && m[order[k]].y == groupY; ++k) front.push_back(order[k]);
      bestY = groupY;
    }
    g = end;
  }

  std::sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
    if (points[a].x != points[b].x) return points[a].x < points[b].x;
    if (points[a].y != points[b].y) return points[a].y < points[b].y;
    return a < b;
  });
  return front;
}

double hypervolume2d(const std::vector<Point2d>& points, Objectives2d maximize, Point2d reference) {
  const Point2d r = minimised(reference, maximize);
  std::vector<Point2d> inside;
  for (const auto& p : points) {
    Point2d q = minimised(p, maximize);
    if (q.x < r.x && q.y < r.y) inside.push_back(q);
  }
  // On the front sorted by x ascending, y descends: each point owns the slab from its x to
  // the next point's x (or the reference), of height r.y - y.
  std::vector<Point2d> front;
  for (std::size_t i : paretoFront(inside, {false, false})) front.push_back(inside[i]);
  double area = 0;
  for (std::size_t i = 0; i < front.size(); ++i) {
    const double nextX = i + 1 < front.size() ? front[i + 1].x : r.x;
    area += (nextX - front[i].x) * (r.y - front[i].y);
  }
  return area;
}

}  // namespace nas
