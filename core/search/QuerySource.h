#pragma once
// Where a query-based search gets an architecture's value from. A tabular benchmark answers
// in microseconds; a weight-sharing supernet estimates in a fraction of a second; training a
// cell from scratch takes minutes. The search loop and the strategies do not care which: the
// same AG-Net, evolution or random search runs on each, so people without a benchmark table
// can still search (issue 5, query sources).
//
// Torch-free: sources that train or evaluate networks implement it in core/ml or a plugin.
#include <limits>
#include <string>

#include "searchspace/Nb201Cell.h"

namespace nas {

class QuerySource {
 public:
  virtual ~QuerySource() = default;
  // What an evaluation of this source is in the workspace (EvaluationRecord fields):
  // source "tabular", "supernet" or "trained"; dataset "cifar10", "fashion-mnist", ...;
  // metric "test_accuracy", "val_accuracy", ...
  virtual std::string source() const = 0;
  virtual std::string dataset() const = 0;
  virtual std::string metric() const = 0;
  // The factor from the source's unit to the workspace's (accuracies are fractions in the
  // workspace; a table in percent says 0.01).
  virtual double workspaceScale() const { return 1.0; }
  // Whether the cell can be queried at all (a table may miss cells); the loop never asks
  // query() for a cell without it.
  virtual bool has(const Nb201Cell&) const { return true; }
  // The number of cells that can be queried (bounds the budget).
  virtual int size() const { return kNb201NumCells; }
  // The cell's value, maximised. May take long (training); throws nas::Error, including
  // Error(Cancelled) when the source's cancel token fires.
  virtual double query(const Nb201Cell& cell) = 0;

  // The column results are reported in when it is not the searched one: a table searched on
  // its validation column reports its test column for the best-by-validation cell, as
  // tabular-NAS papers do (AG-Net: search on valid, report test). Empty: results report the
  // searched value itself. The loop reads report() for its records after the strategy has
  // been told the searched value; strategies never see it.
  virtual std::string reportMetric() const { return {}; }
  // The report column's value of a cell the loop has queried (called only when reportMetric()
  // is not empty).
  virtual double report(const Nb201Cell&) const { return std::numeric_limits<double>::quiet_NaN(); }
};

}  // namespace nas
