// The search/report column switch (issue 20): a table searched on one column (validation
// accuracy) and reported in another (test accuracy). On a table whose two columns disagree
// (test = 100 - valid), the strategy only ever sees the search column, the search does not
// change with the report column, and results report the report column of the
// best-by-search-column cell, not the best report value queried.
#include <gtest/gtest.h>

#include <iomanip>
#include <cmath>
#include <sstream>

#include "SearchTestUtil.h"
#include "common/Error.h"
#include "search/CachedQuerySource.h"
#include "search/QuerySearch.h"
#include "search/TabularQuerySource.h"

using namespace nas;

namespace {

double validOf(int index) { return 50.0 + 40.0 * double((index * 7919) % kNb201NumCells) / kNb201NumCells; }

// valid_accuracy, test_accuracy = 100 - valid (opposite order), test_shuffled (another order).
const TabularBenchmark& disagreeingTable() {
  static test::ScratchDir dir;
  static const TabularBenchmark table = [] {
    std::ostringstream csv;
    csv << std::setprecision(17);  // exact round trip: the test compares values
    csv << "arch,valid_accuracy,test_accuracy,test_shuffled\n";
    for (int i = 0; i < kNb201NumCells; ++i)
      csv << Nb201Cell::fromIndex(i).toString() << "," << validOf(i) << "," << 100.0 - validOf(i) << ","
          << validOf((i * 31 + 5) % kNb201NumCells) << "\n";
    return TabularBenchmark::load(dir.write("disagree.csv", csv.str()), {"arch", "nb201"});
  }();
  return table;
}

// Regularized evolution that records every value it is told.
class RecordingEvolution final : public QueryStrategy {
 public:
  std::string name() const override { return "recording"; }
  Nb201Cell propose(SearchRng& rng) override { return inner_.propose(rng); }
  void observe(const Nb201Cell& c, double v) override {
    seen.push_back({c.index(), v});
    inner_.observe(c, v);
  }
  std::vector<std::pair<int, double>> seen;

 private:
  RegularizedEvolution inner_;
};

}  // namespace

TEST(ReportColumn, StrategySeesOnlyTheSearchColumnAndResultsReportTheOther) {
  const TabularBenchmark& t = disagreeingTable();
  TabularQuerySource plain(t, "valid_accuracy"), reported(t, "valid_accuracy", "test_accuracy"),
      shuffled(t, "valid_accuracy", "test_shuffled");
  EXPECT_EQ(plain.reportMetric(), "");
  EXPECT_EQ(reported.reportMetric(), "test_accuracy");
  RecordingEvolution a, b, c;
  const auto ra = runQuerySearch(plain, a, 120, 3);
  const auto rb = runQuerySearch(reported, b, 120, 3);
  const auto rc = runQuerySearch(shuffled, c, 120, 3);
  // What the strategy was told: the search column, identically whatever the report column.
  ASSERT_EQ(b.seen.size(), 120u);
  for (const auto& [cell, value] : b.seen) EXPECT_DOUBLE_EQ(value, validOf(cell));
  EXPECT_EQ(a.seen, b.seen);
  EXPECT_EQ(b.seen, c.seen);
  // The best is chosen by the search column; its report is that cell's test value.
  EXPECT_EQ(ra.bestCell.index(), rb.bestCell.index());
  EXPECT_DOUBLE_EQ(rb.bestReport, 100.0 - rb.bestValue);
  double bestTestQueried = -1;
  for (const auto& q : rb.trace) {
    EXPECT_DOUBLE_EQ(q.report, 100.0 - q.value);
    bestTestQueried = std::max(bestTestQueried, q.report);
  }
  EXPECT_LT(rb.bestReport, bestTestQueried);  // the columns disagree: not the best test queried
  for (std::size_t i = 0; i < rb.trace.size(); ++i) EXPECT_DOUBLE_EQ(rb.trace[i].reportOfBest, 100.0 - rb.trace[i].bestSoFar);
  // Without a report column the report is the searched value.
  EXPECT_DOUBLE_EQ(ra.bestReport, ra.bestValue);
  EXPECT_DOUBLE_EQ(ra.trace.back().reportOfBest, ra.trace.back().bestSoFar);
}

TEST(ReportColumn, MultiSeedSummaryReportsTheReportColumn) {
  const TabularBenchmark& t = disagreeingTable();
  TabularQuerySource source(t, "valid_accuracy", "test_accuracy");
  CachedQuerySource cached(source);  // the job's wrapper passes the report column through
  const auto s = runMultiSeedQuerySearch(cached, "evolution", queryStrategyFactory("evolution"), 40, 3, 7);
  EXPECT_EQ(s.metric, "valid_accuracy");
  EXPECT_EQ(s.reportMetric, "test_accuracy");
  ASSERT_EQ(s.reportPerSeed.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(s.reportPerSeed[i], 100.0 - s.bestPerSeed[i]);
  EXPECT_NEAR(s.meanReport, 100.0 - s.meanBest, 1e-9);
  EXPECT_NEAR(s.stdReport, s.stdBest, 1e-9);
  ASSERT_EQ(s.reportCurve.size(), 40u);
  EXPECT_NEAR(s.reportCurve.back(), 100.0 - s.curve.back(), 1e-9);
  const Json j = s.toJson();
  EXPECT_EQ(j.at("report_metric"), "test_accuracy");
  EXPECT_EQ(j.at("report_per_seed").size(), 3u);
}

TEST(ReportColumn, MissingReportColumnIsNamed) {
  const TabularBenchmark& t = disagreeingTable();
  try {
    TabularQuerySource s(t, "valid_accuracy", "test_acc");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(e.what()).find("report column 'test_acc'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("valid_accuracy, test_accuracy"), std::string::npos) << e.what();
  }
}

TEST(ReportColumn, ValidationColumnOfATable) {
  EXPECT_EQ(tableValidationColumn(disagreeingTable()), "valid_accuracy");
  EXPECT_EQ(tableValidationColumn(test::shippedTable()), "");  // test accuracy only
}
