// The benchmark table behind the QuerySource interface.
#include "search/TabularQuerySource.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "common/Error.h"

namespace nas {

TabularQuerySource::TabularQuerySource(const TabularBenchmark& table, std::string metric, std::string reportMetric)
    : table_(table), metric_(std::move(metric)) {
  if (table.space() != "nb201")
    throw Error(ErrorCode::InvalidArgument, "tabular search needs a table loaded with space 'nb201'", table.path());
  column_ = table.metricIndex(metric_);
  if (!reportMetric.empty() && reportMetric != metric_) {
    if (!table.hasMetric(reportMetric)) {
      std::string columns;
      for (const auto& m : table.metricNames()) columns += (columns.empty() ? "" : ", ") + m;
      throw Error(ErrorCode::NotFound, "no report column '" + reportMetric + "' (table has: " + columns + ")",
                  table.path());
    }
    reportMetric_ = std::move(reportMetric);
    reportColumn_ = table.metricIndex(reportMetric_);
  }
  for (int i = 0; i < kNb201NumCells; ++i)
    if (table.findCell(Nb201Cell::fromIndex(i))) ++cells_;
  scale_ = tableWorkspaceScale(table, metric_);
}

TabularQuerySource::TabularQuerySource(std::shared_ptr<const TabularBenchmark> table, std::string metric,
                                       std::string reportMetric)
    : TabularQuerySource(*table, std::move(metric), std::move(reportMetric)) {
  owned_ = std::move(table);
}

std::size_t TabularQuerySource::row(const Nb201Cell& cell) const {
  const auto r = table_.findCell(cell);
  if (!r) throw Error(ErrorCode::NotFound, "the table has no row for cell " + cell.toString(), table_.path());
  return *r;
}

double TabularQuerySource::query(const Nb201Cell& cell) { return table_.value(row(cell), column_); }

double TabularQuerySource::report(const Nb201Cell& cell) const {
  if (reportMetric_.empty()) return std::numeric_limits<double>::quiet_NaN();
  return table_.value(row(cell), reportColumn_);
}

double tableWorkspaceScale(const TabularBenchmark& table, const std::string& metric) {
  std::string lower = metric;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("acc") == std::string::npos) return 1.0;
  const std::vector<double> values = table.column(metric);
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return (lo != values.end() && *lo >= 0.0 && *hi > 1.0 && *hi <= 100.0) ? 0.01 : 1.0;
}

std::string tableValidationColumn(const TabularBenchmark& table) {
  for (const char* name : {"valid_accuracy", "val_accuracy", "validation_accuracy"})
    if (table.hasMetric(name)) return name;
  return {};
}

}  // namespace nas
