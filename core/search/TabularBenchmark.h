#pragma once
// A tabular benchmark: a CSV of architectures and their measured metrics (the shipped
// NAS-Bench-201 table, or any table a user brings). A "query" reads a value here instead of
// training a network, so search strategies can be compared over many seeds in seconds.
//
// Format: a header line naming the columns, one of them the architecture string (default
// "arch"), every other column numeric. Comma-separated, no quoting (architecture strings
// never contain commas), blank lines and CR line ends tolerated. Loading is strict: every
// problem is an Error whose context is the file and whose message names the line.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "searchspace/Nb201Cell.h"

namespace nas {

class TabularBenchmark {
 public:
  struct Options {
    std::string archColumn = "arch";
    // "" accepts any non-empty string as is; "nb201" parses each string with
    // Nb201Cell::parse (errors name the line) and stores its canonical form.
    std::string space;
  };

  // Throws NotFound (missing file), IoError, ParseError (bad header, column count, number,
  // architecture) or CorruptData (duplicate architecture, no data rows).
  static TabularBenchmark load(const std::string& path, const Options& options);
  static TabularBenchmark load(const std::string& path) { return load(path, Options{}); }

  const std::string& path() const { return path_; }
  std::string stem() const;  // "cifar10" for .../cifar10.csv: the dataset name
  const std::string& space() const { return space_; }

  std::size_t size() const { return archs_.size(); }
  const std::vector<std::string>& metricNames() const { return metrics_; }
  bool hasMetric(const std::string& metric) const;
  // Column of a metric; NotFound lists the metrics the table has.
  std::size_t metricIndex(const std::string& metric) const;

  const std::string& arch(std::size_t row) const { return archs_.at(row); }
  double value(std::size_t row, std::size_t metric) const { return values_.at(row * metrics_.size() + metric); }
  std::vector<double> column(const std::string& metric) const;

  // Row of an architecture (canonicalised first when the table has a space), if present.
  std::optional<std::size_t> find(std::string_view arch) const;
  // Row of an NAS-Bench-201 cell; only for tables loaded with space "nb201".
  std::optional<std::size_t> findCell(const Nb201Cell& cell) const;
  // The metric's value for an architecture; NotFound names the architecture or metric.
  double query(std::string_view arch, const std::string& metric) const;

 private:
  std::string path_;
  std::string space_;
  std::vector<std::string> metrics_;
  std::vector<std::string> archs_;
  std::vector<double> values_;  // row-major, size() x metrics_.size()
  std::unordered_map<std::string, std::size_t> rowOf_;
  std::vector<int> rowOfCell_;  // nb201 only: cell index -> row, -1 when absent
};

}  // namespace nas
