#pragma once
// A query source that remembers values: a cell asked for again (by another seed, or by a
// resumed job replaying its search) is answered from memory instead of being trained or
// estimated again. The job seeds it with the values its checkpoint kept.
#include <unordered_map>

#include "search/QuerySource.h"

namespace nas {

class CachedQuerySource final : public QuerySource {
 public:
  explicit CachedQuerySource(QuerySource& inner) : inner_(inner) {}

  std::string source() const override { return inner_.source(); }
  std::string dataset() const override { return inner_.dataset(); }
  std::string metric() const override { return inner_.metric(); }
  double workspaceScale() const override { return inner_.workspaceScale(); }
  bool has(const Nb201Cell& cell) const override { return inner_.has(cell); }
  int size() const override { return inner_.size(); }
  std::string reportMetric() const override { return inner_.reportMetric(); }
  double report(const Nb201Cell& cell) const override { return inner_.report(cell); }
  double query(const Nb201Cell& cell) override {
    auto it = values_.find(cell.index());
    if (it != values_.end()) {
      ++hits_;
      return it->second;
    }
    const double v = inner_.query(cell);
    values_.emplace(cell.index(), v);
    return v;
  }

  // Values in the inner source's unit, by cell index (Nb201Cell::index()).
  void remember(int cellIndex, double value) { values_[cellIndex] = value; }
  const std::unordered_map<int, double>& values() const { return values_; }
  int hits() const { return hits_; }  // queries answered from memory

 private:
  QuerySource& inner_;
  std::unordered_map<int, double> values_;
  int hits_ = 0;
};

}  // namespace nas
