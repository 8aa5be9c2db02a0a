#pragma once
// Two-objective Pareto utilities for scatter views (accuracy vs FLOPs / latency) and for
// multi-objective search: the non-dominated set in O(n log n) and its hypervolume.
//
// Dominance: a dominates b when a is at least as good in both objectives and strictly
// better in one. Identical points do not dominate each other, so duplicates on the front
// are all kept. Points with a NaN coordinate are never on the front.

#include <array>
#include <cstddef>
#include <vector>

namespace nas {

struct Point2d {
  double x = 0;
  double y = 0;
};

// Per objective: true to maximise (accuracy), false to minimise (FLOPs, latency).
using Objectives2d = std::array<bool, 2>;

// Indices of the non-dominated points, sorted by x ascending (ties by y ascending, then
// index), so a view can draw the front as a staircase directly.
std::vector<std::size_t> paretoFront(const std::vector<Point2d>& points, Objectives2d maximize);

// Area dominated by the points and bounded by `reference` (a point worse than all of
// interest in both objectives). Points not strictly better than the reference in both
// objectives add nothing. 0 for no points.
double hypervolume2d(const std::vector<Point2d>& points, Objectives2d maximize, Point2d reference);

}  // namespace nas
