#pragma once
// A benchmark table as a query source: a query reads the metric's value of the cell's row,
// in microseconds, so strategies can be compared over many seeds. The cells the table lacks
// are not queryable (has() is false), which bounds the budget to the table's cells.
#include <cstddef>
#include <memory>
#include <string>

#include "search/QuerySource.h"
#include "search/TabularBenchmark.h"

namespace nas {

class TabularQuerySource final : public QuerySource {
 public:
  // `table` must be loaded with space "nb201" and outlive the source; InvalidArgument
  // otherwise, NotFound (listing the table's metrics) for an unknown metric. `reportMetric`:
  // the column results report (see QuerySource::reportMetric); empty or equal to `metric`:
  // none; NotFound names a report column the table lacks.
  TabularQuerySource(const TabularBenchmark& table, std::string metric, std::string reportMetric = {});
  // The same, sharing the table's ownership (a job that loads its own table).
  TabularQuerySource(std::shared_ptr<const TabularBenchmark> table, std::string metric,
                     std::string reportMetric = {});

  std::string source() const override { return "tabular"; }
  std::string dataset() const override { return table_.stem(); }  // "cifar10" for cifar10.csv
  std::string metric() const override { return metric_; }
  double workspaceScale() const override { return scale_; }
  bool has(const Nb201Cell& cell) const override { return table_.findCell(cell).has_value(); }
  int size() const override { return cells_; }
  double query(const Nb201Cell& cell) override;
  std::string reportMetric() const override { return reportMetric_; }
  double report(const Nb201Cell& cell) const override;

  const TabularBenchmark& table() const { return table_; }
  // Row of a cell the table has (NotFound otherwise).
  std::size_t row(const Nb201Cell& cell) const;

 private:
  std::shared_ptr<const TabularBenchmark> owned_;  // empty when the caller owns the table
  const TabularBenchmark& table_;
  std::string metric_;
  std::size_t column_ = 0;
  std::string reportMetric_;  // empty: none
  std::size_t reportColumn_ = 0;
  int cells_ = 0;
  double scale_ = 1.0;
};

// The workspace keeps accuracies as fractions in 0..1 (what the train job measures), so that
// the same metric name means the same unit everywhere; benchmark tables often give percent.
// An accuracy column ("acc" in its name) whose values lie in [0, 100] with some above 1 is
// read as percent: 0.01; anything else 1.
double tableWorkspaceScale(const TabularBenchmark& table, const std::string& metric);

// The table's validation-accuracy column, the search signal tabular-NAS papers use while they
// report test accuracy: the first of valid_accuracy, val_accuracy, validation_accuracy the
// table has; empty when it has none (the shipped NAS-Bench-201 table has test accuracy only).
std::string tableValidationColumn(const TabularBenchmark& table);

}  // namespace nas
