#pragma once
// The tabular search: the generic query loop (QuerySearch.h) with a TabularQuerySource. A
// query reads one architecture's value from the table; the loop never queries the same cell
// twice, keeps the best so far, and reports every query to an optional callback (which may
// throw, e.g. Error(Cancelled), to stop the run). Deterministic per seed.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/Json.h"
#include "search/QuerySearch.h"
#include "search/QueryStrategy.h"
#include "search/TabularQuerySource.h"
#include "search/TabularBenchmark.h"

namespace nas {

// The objectives for the strategy and the loop: costs of all cells precomputed once; a
// numeric column of the table is a cost too (besides flops, params and a given cost).
// InvalidArgument names an unknown cost (listing flops, params, latency_ms and the table's columns),
// the metric used as its own second objective, or a non-finite limit.
SearchObjectives makeSearchObjectives(const TabularBenchmark& table, const std::string& metric,
                                      const SecondObjective& second);

// The table's bounds for the hypervolume: worst and best value of the metric, highest and
// lowest cost of the table's cells, so that hypervolumes are comparable across runs.
ParetoBounds tableParetoBounds(const TabularBenchmark& table, const std::string& metric,
                               const SearchObjectives& objectives);
// paretoOfRecords with the table's bounds.
ParetoSummary paretoOfTrace(const TabularBenchmark& table, const std::string& metric,
                            const SearchObjectives& objectives, const std::vector<QueryRecord>& trace);

using TabularSearchResult = QuerySearchResult;

// `table` must be loaded with space "nb201"; `metric` is maximised. Throws
// InvalidArgument when queries is outside 1..table.size(). With objectives (see
// makeSearchObjectives) the strategy is told them before its first proposal, every record
// carries the cost, the best is the best feasible cell, and the result has the Pareto front.
TabularSearchResult runTabularSearch(const TabularBenchmark& table, const std::string& metric,
                                     QueryStrategy& strategy, int queries, std::uint64_t seed,
                                     const QueryCallback& onQuery = {}, const SearchObjectives& objectives = {});

// Runs seeds firstSeed .. firstSeed+seedCount-1, each with a fresh strategy.
MultiSeedSummary runMultiSeedSearch(const TabularBenchmark& table, const std::string& metric,
                                    const std::string& strategyName, const StrategyFactory& factory, int queries,
                                    int seedCount, std::uint64_t firstSeed = 0,
                                    const SeededQueryCallback& onQuery = {}, const SecondObjective& second = {});

}  // namespace nas
