// The architecture table rows and scatter points, and their speed at 100,000 architectures.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "StoreTestUtil.h"
#include "store/Workspace.h"

namespace nas {
namespace {

using testing::expectError;
using testing::TempDir;

class WorkspaceViews : public ::testing::Test {
 protected:
  void SetUp() override {
    ws->transaction([&] {
      JobId job = ws->createJob("tabular-search", "{}");
      // id 1..4; acc has two evaluations for "b" (max counts), none for "d".
      a = ws->upsertArchitecture("nb201", "a|conv_3x3", 300, 30);
      b = ws->upsertArchitecture("nb201", "b|skip", 100, 10);
      c = ws->upsertArchitecture("nb201", "c|conv_1x1", 200, 20);
      d = ws->upsertArchitecture("other", "d|conv_3x3", 400, 40);
      ws->addEvaluations({{0, a, job, "tabular", "cifar10", "acc", 0.5, 0},
                          {0, b, job, "tabular", "cifar10", "acc", 0.7, 0},
                          {0, b, job, "trained", "cifar10", "acc", 0.9, 0},
                          {0, c, job, "tabular", "cifar10", "acc", 0.8, 0},
                          {0, a, job, "tabular", "cifar10", "lat", 3.0, 0},
                          {0, c, job, "tabular", "cifar10", "lat", 1.0, 0},
                          {0, d, job, "tabular", "cifar10", "lat", 9.0, 0}});
    });
  }

  static std::vector<ArchId> ids(const std::vector<ArchMetricRow>& rows) {
    std::vector<ArchId> out;
    for (const auto& r : rows) out.push_back(r.archId);
    return out;
  }

  TempDir tmp;
  std::unique_ptr<Workspace> ws = Workspace::open(tmp.file("ws.nasws"));
  ArchId a = 0, b = 0, c = 0, d = 0;
};

TEST_F(WorkspaceViews, RowsHaveTheBestValuePerArchitecture) {
  auto rows = ws->archMetricRows("acc");
  ASSERT_EQ(3u, rows.size());
  EXPECT_EQ((std::vector<ArchId>{a, b, c}), ids(rows));
  EXPECT_DOUBLE_EQ(0.9, rows[1].value);
  EXPECT_EQ("b|skip", rows[1].canonical);
  EXPECT_DOUBLE_EQ(100, rows[1].flops);
  EXPECT_EQ(10, rows[1].params);
  EXPECT_EQ(3, ws->archMetricRowCount("acc"));
}

TEST_F(WorkspaceViews, RowsSortPageAndFilter) {
  EXPECT_EQ((std::vector<ArchId>{b, c, a}), ids(ws->archMetricRows("acc", "", "value", true)));
  EXPECT_EQ((std::vector<ArchId>{b, c, a}), ids(ws->archMetricRows("acc", "", "flops")));
  EXPECT_EQ((std::vector<ArchId>{a, c, b}), ids(ws->archMetricRows("acc", "", "params", true)));
  EXPECT_EQ((std::vector<ArchId>{a, b, c}), ids(ws->archMetricRows("acc", "", "canonical")));
  EXPECT_EQ((std::vector<ArchId>{c}), ids(ws->archMetricRows("acc", "", "value", true, 1, 1)));
  EXPECT_EQ((std::vector<ArchId>{a, d}), ids(ws->archMetricRows("lat", "", "id", false, -1, 0, "CONV_3x3")));
  EXPECT_EQ((std::vector<ArchId>{a}), ids(ws->archMetricRows("lat", "nb201", "id", false, -1, 0, "conv_3")));
  EXPECT_EQ(2, ws->archMetricRowCount("lat", "", "conv_3x3"));
  EXPECT_EQ(1, ws->archMetricRowCount("lat", "other"));
  // The filter is a literal substring: '_' and '%' are not wildcards.
  EXPECT_EQ(0, ws->archMetricRowCount("acc", "", "conv%"));
  EXPECT_EQ(0, ws->archMetricRowCount("acc", "", "conv_1_1"));
  EXPECT_EQ(0, ws->archMetricRowCount("unknown"));
}

TEST_F(WorkspaceViews, RowsWithoutMetricListEveryArchitecture) {
  auto rows = ws->archMetricRows("", "", "flops", true);
  EXPECT_EQ((std::vector<ArchId>{d, a, c, b}), ids(rows));
  EXPECT_TRUE(std::isnan(rows[0].value));
  EXPECT_EQ(4, ws->archMetricRowCount(""));
}

TEST_F(WorkspaceViews, RowsRejectUnknownSortNames) {
  expectError(ErrorCode::InvalidArgument, [&] { ws->archMetricRows("acc", "", "value; DROP TABLE jobs"); });
  EXPECT_EQ(3, ws->archMetricRowCount("acc"));
}

TEST_F(WorkspaceViews, PointsPivotMetricsAndColumns) {
  auto pts = ws->archPoints("acc", "lat");  // both present: a and c
  ASSERT_EQ(2u, pts.size());
  EXPECT_EQ(a, pts[0].id);
  EXPECT_DOUBLE_EQ(0.5, pts[0].x);
  EXPECT_DOUBLE_EQ(3.0, pts[0].y);
  EXPECT_TRUE(std::isnan(pts[0].c));

  pts = ws->archPoints("flops", "acc", "lat");  // b has no lat: color NaN
  ASSERT_EQ(3u, pts.size());
  EXPECT_EQ(b, pts[1].id);
  EXPECT_DOUBLE_EQ(100, pts[1].x);
  EXPECT_DOUBLE_EQ(0.9, pts[1].y);
  EXPECT_TRUE(std::isnan(pts[1].c));
  EXPECT_DOUBLE_EQ(1.0, pts[2].c);

  pts = ws->archPoints("flops", "params", "acc");  // every architecture, color where known
  ASSERT_EQ(4u, pts.size());
  EXPECT_DOUBLE_EQ(40, pts[3].y);
  EXPECT_TRUE(std::isnan(pts[3].c));

  EXPECT_EQ(1u, ws->archPoints("flops", "lat", "", "other").size());
  EXPECT_EQ(3u, ws->archPoints("acc", "acc").size());
  EXPECT_TRUE(ws->archPoints("acc", "nothing").empty());
  expectError(ErrorCode::InvalidArgument, [&] { ws->archPoints("", "acc"); });
}

double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Not a tight benchmark (shared CI machines vary): prints the timings, asserts the results
// and only a generous bound that catches an accidental quadratic query.
TEST_F(WorkspaceViews, JobsWithEvaluationsAreReadWithTheirRecords) {
  const JobId idle = ws->createJob("train", R"({"method":"train","params":{}})");  // no evaluations
  const JobId second = ws->createJob("tabular-search", R"({"method":"tabular-search","params":{"strategy":"evolution"}})");
  const JobId gone = ws->createJob("tabular-search", "{}");
  ws->addEvaluations({{0, a, second, "tabular", "cifar10", "acc", 0.6, 0},
                      {0, b, second, "tabular", "cifar10", "acc", 0.4, 0},
                      {0, c, gone, "tabular", "cifar10", "acc", 0.3, 0}});
  ws->deleteJob(gone);  // its evaluations stay, without a job
  const auto jobs = ws->jobsWithEvaluations();
  ASSERT_EQ(2u, jobs.size());
  EXPECT_EQ(1, jobs[0].id);  // the fixture's job
  EXPECT_EQ(second, jobs[1].id);
  EXPECT_EQ("tabular-search", jobs[1].method);
  EXPECT_NE(std::string::npos, jobs[1].specJson.find("evolution"));
  // The same jobs as the ids alone, less the deleted one.
  EXPECT_EQ((std::vector<JobId>{1, second}), ws->evaluationJobs());
  (void)idle;
}

TEST(WorkspaceScale, HundredThousandArchitecturesWithTwoMetrics) {
  TempDir tmp;
  auto ws = Workspace::open(tmp.file("big.nasws"));
  constexpr int kN = 100000;
  auto t0 = std::chrono::steady_clock::now();
  ws->transaction([&] {
    JobId job = ws->createJob("tabular-search", "{}");
    for (int i = 0; i < kN; ++i) {
      ArchId id = ws->upsertArchitecture("nb201", "arch-" + std::to_string(i), 1e6 + i, 1000 + i);
      ws->addEvaluations({{0, id, job, "tabular", "cifar10", "test_accuracy", (i % 1000) / 1000.0, 0},
                          {0, id, job, "tabular", "cifar10", "latency_ms", 1.0 + (i % 77), 0}});
    }
  });
  const double insertMs = msSince(t0);

  t0 = std::chrono::steady_clock::now();
  auto pts = ws->archPoints("test_accuracy", "latency_ms");
  const double pointsMs = msSince(t0);
  t0 = std::chrono::steady_clock::now();
  auto pts3 = ws->archPoints("flops", "test_accuracy", "latency_ms");
  const double points3Ms = msSince(t0);
  t0 = std::chrono::steady_clock::now();
  auto page = ws->archMetricRows("test_accuracy", "", "value", true, 100, 50000);
  const double pageMs = msSince(t0);
  t0 = std::chrono::steady_clock::now();
  auto count = ws->archMetricRowCount("test_accuracy", "", "arch-99");
  const double countMs = msSince(t0);

  std::printf("[ timing ] 100k archs x 2 metrics: insert %.0f ms, archPoints(2 metrics) %.0f ms, "
              "archPoints(flops, metric, metric) %.0f ms, sorted page at offset 50k %.0f ms, "
              "filtered count %.0f ms\n",
              insertMs, pointsMs, points3Ms, pageMs, countMs);
  EXPECT_EQ(std::size_t(kN), pts.size());
  EXPECT_EQ(std::size_t(kN), pts3.size());
  ASSERT_EQ(100u, page.size());
  EXPECT_GE(page.front().value, page.back().value);
  EXPECT_EQ(1111, count);  // arch-99, arch-99x, arch-99xx, arch-99xxx
  EXPECT_LT(pointsMs, 10000.0);
}

}  // namespace
}  // namespace nas
