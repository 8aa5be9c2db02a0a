// Pareto front against brute force, and hypervolume on hand-worked examples.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "search/Pareto.h"

using namespace nas;

namespace {

// a dominates b under the given senses.
bool dominates(const Point2d& a, const Point2d& b, Objectives2d max) {
  auto better = [](double u, double v, bool mx) { return mx ? u > v : u < v; };
  auto atLeast = [](double u, double v, bool mx) { return mx ? u >= v : u <= v; };
  return atLeast(a.x, b.x, max[0]) && atLeast(a.y, b.y, max[1]) && (better(a.x, b.x, max[0]) || better(a.y, b.y, max[1]));
}

std::vector<size_t> bruteForceFront(const std::vector<Point2d>& pts, Objectives2d max) {
  std::vector<size_t> front;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (std::isnan(pts[i].x) || std::isnan(pts[i].y)) continue;
    bool dominated = false;
    for (size_t j = 0; j < pts.size() && !dominated; ++j)
      dominated = !std::isnan(pts[j].x) && !std::isnan(pts[j].y) && dominates(pts[j], pts[i], max);
    if (!dominated) front.push_back(i);
  }
  return front;
}

}  // namespace

TEST(Pareto, MatchesBruteForceOnRandomPointsWithTies) {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 400; ++trial) {
    const int n = 1 + trial % 60;
    // Small integer grid so that ties in x, in y and exact duplicates happen often.
    std::uniform_int_distribution<int> coord(0, trial % 2 ? 8 : 1000);
    std::vector<Point2d> pts(n);
    for (auto& p : pts) p = {double(coord(rng)), double(coord(rng))};
    if (trial % 7 == 0) pts[0].y = std::numeric_limits<double>::quiet_NaN();
    const Objectives2d senses[] = {{false, false}, {true, false}, {false, true}, {true, true}};
    const Objectives2d max = senses[trial % 4];

    auto front = paretoFront(pts, max);
    auto expected = bruteForceFront(pts, max);
    auto sorted = front;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(sorted, expected) << "trial " << trial;
    for (size_t k = 1; k < front.size(); ++k) ASSERT_LE(pts[front[k - 1]].x, pts[front[k]].x);
  }
}

TEST(Pareto, AccuracyVersusFlopsExample) {
  // (flops, accuracy): minimise flops, maximise accuracy.
  std::vector<Point2d> pts = {{10, 80}, {20, 90}, {15, 70}, {30, 90}, {5, 60}, {20, 90}};
  auto front = paretoFront(pts, {false, true});
  EXPECT_EQ(front, (std::vector<size_t>{4, 0, 1, 5}));
  EXPECT_TRUE(paretoFront({}, {false, true}).empty());
}

TEST(Pareto, HypervolumeByHand) {
  // Minimise both; reference (4,4). Points (1,3), (2,2), (3,1) form a staircase:
  // slabs [1,2)x(3..4) = 1, [2,3)x(2..4) = 2, [3,4)x(1..4) = 3 -> 6.
  std::vector<Point2d> pts = {{1, 3}, {2, 2}, {3, 1}, {3, 3}, {5, 0}};
  EXPECT_DOUBLE_EQ(hypervolume2d(pts, {false, false}, {4, 4}), 6.0);
  // Same picture as (flops, accuracy) with accuracy = 10 - y, maximised, reference acc 6.
  std::vector<Point2d> mixed;
  for (auto p : pts) mixed.push_back({p.x, 10 - p.y});
  EXPECT_DOUBLE_EQ(hypervolume2d(mixed, {false, true}, {4, 6}), 6.0);
  // A single point: a rectangle; a point on the reference's boundary adds nothing.
  EXPECT_DOUBLE_EQ(hypervolume2d({{1, 1}}, {false, false}, {3, 5}), 8.0);
  EXPECT_DOUBLE_EQ(hypervolume2d({{4, 1}}, {false, false}, {4, 5}), 0.0);
  EXPECT_DOUBLE_EQ(hypervolume2d({}, {true, true}, {0, 0}), 0.0);
}
