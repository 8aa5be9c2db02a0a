// The tabular search: table-specific objectives and Pareto bounds around the generic loop.
#include "search/TabularSearch.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "common/Error.h"

namespace nas {

SearchObjectives makeSearchObjectives(const TabularBenchmark& table, const std::string& metric,
                                      const SecondObjective& second) {
  // Flops, params, a given cost, or latency_ms without a profile: as for any source. A
  // table column is the table's own; its name must not shadow the built-in costs.
  if (second.name.empty() || second.cost || second.name == "flops" || second.name == "params" ||
      second.name == metric || (second.name == kLatencyObjective && !table.hasMetric(second.name)))
    return makeSearchObjectives(metric, second);
  if (!table.hasMetric(second.name)) {
    std::string known = "flops, params, latency_ms";
    for (const auto& m : table.metricNames())
      if (m != metric) known += ", " + m;
    throw Error(ErrorCode::InvalidArgument,
                "unknown second objective '" + second.name + "' (known: " + known + ")", table.path());
  }
  const std::size_t col = table.metricIndex(second.name);
  auto costs = std::make_shared<std::vector<double>>(kNb201NumCells, std::numeric_limits<double>::quiet_NaN());
  for (int i = 0; i < kNb201NumCells; ++i)
    if (auto row = table.findCell(Nb201Cell::fromIndex(i))) (*costs)[i] = table.value(*row, col);
  SecondObjective given = second;
  given.cost = [costs](const Nb201Cell& c) { return (*costs)[c.index()]; };
  return makeSearchObjectives(metric, given);
}

ParetoBounds tableParetoBounds(const TabularBenchmark& table, const std::string& metric,
                               const SearchObjectives& objectives) {
  const std::size_t col = table.metricIndex(metric);
  double worstValue = std::numeric_limits<double>::infinity(), bestValue = -worstValue;
  double worstCost = -std::numeric_limits<double>::infinity(), bestCost = -worstCost;
  for (int i = 0; i < kNb201NumCells; ++i) {
    const Nb201Cell cell = Nb201Cell::fromIndex(i);
    const auto row = table.findCell(cell);
    if (!row) continue;
    const double v = table.value(*row, col);
    worstValue = std::min(worstValue, v);
    bestValue = std::max(bestValue, v);
    const double c = objectives.cost(cell);
    if (std::isfinite(c)) {
      worstCost = std::max(worstCost, c);
      bestCost = std::min(bestCost, c);
    }
  }
  return {worstValue, bestValue, worstCost, bestCost};
}

ParetoSummary paretoOfTrace(const TabularBenchmark& table, const std::string& metric,
                            const SearchObjectives& objectives, const std::vector<QueryRecord>& trace) {
  if (objectives.mode == SearchObjectives::Mode::Single || trace.empty()) return {};
  return paretoOfRecords(objectives, trace, tableParetoBounds(table, metric, objectives));
}

namespace {

std::optional<ParetoBounds> boundsFor(const TabularBenchmark& table, const std::string& metric,
                                      const SearchObjectives& objectives) {
  if (objectives.mode == SearchObjectives::Mode::Single) return std::nullopt;
  return tableParetoBounds(table, metric, objectives);
}

// The loop knows no rows; the tabular search fills them in for its callers.
QueryCallback withRows(const TabularQuerySource& source, const QueryCallback& onQuery) {
  if (!onQuery) return {};
  return [&source, onQuery](const QueryRecord& r) {
    QueryRecord withRow = r;
    withRow.row = source.row(r.cell);
    onQuery(withRow);
  };
}

void checkBudget(const TabularQuerySource& source, int queries) {
  if (queries < 1 || queries > source.size())
    throw Error(ErrorCode::InvalidArgument,
                "queries must be in 1.." + std::to_string(source.size()) + " (the table's cells), got " +
                    std::to_string(queries),
                source.table().path());
}

}  // namespace

TabularSearchResult runTabularSearch(const TabularBenchmark& table, const std::string& metric,
                                     QueryStrategy& strategy, int queries, std::uint64_t seed,
                                     const QueryCallback& onQuery, const SearchObjectives& objectives) {
  TabularQuerySource source(table, metric);
  checkBudget(source, queries);
  if (objectives.mode != SearchObjectives::Mode::Single && !objectives.cost)
    throw Error(ErrorCode::InvalidArgument, "a second objective needs a cost function");
  TabularSearchResult r = runQuerySearch(source, strategy, queries, seed, withRows(source, onQuery), objectives,
                                         boundsFor(table, metric, objectives));
  for (auto& q : r.trace) q.row = source.row(q.cell);
  return r;
}

MultiSeedSummary runMultiSeedSearch(const TabularBenchmark& table, const std::string& metric,
                                    const std::string& strategyName, const StrategyFactory& factory, int queries,
                                    int seedCount, std::uint64_t firstSeed, const SeededQueryCallback& onQuery,
                                    const SecondObjective& second) {
  if (seedCount < 1)
    throw Error(ErrorCode::InvalidArgument, "seeds must be at least 1, got " + std::to_string(seedCount));
  const SearchObjectives objectives = makeSearchObjectives(table, metric, second);
  TabularQuerySource source(table, metric);
  checkBudget(source, queries);
  SeededQueryCallback perQuery;
  if (onQuery)
    perQuery = [&](std::uint64_t seed, const QueryRecord& r) {
      QueryRecord withRow = r;
      withRow.row = source.row(r.cell);
      onQuery(seed, withRow);
    };
  MultiSeedSummary s = runMultiSeedQuerySearch(source, strategyName, factory, queries, seedCount, firstSeed, perQuery,
                                               objectives, boundsFor(table, metric, objectives));
  s.objective2 = second.name;  // also what the caller named when single (empty)
  s.limit = second.limit;
  return s;
}

}  // namespace nas
