#pragma once
// The query loop of a tabular search and its multi-seed runner. A query reads one
// architecture's value from the table; the loop never queries the same cell twice, keeps
// the best so far, and reports every query to an optional callback (which may throw, e.g.
// Error(Cancelled), to stop the run). Deterministic per seed.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/Json.h"
#include "search/QueryStrategy.h"
#include "search/TabularBenchmark.h"

namespace nas {

struct QueryRecord {
  int query = 0;  // 1-based: the number of queries spent so far, this one included
  Nb201Cell cell;
  std::size_t row = 0;  // row of the cell in the table
  double value = 0;
  double bestSoFar = 0;    // best feasible so far; NaN while a limited search has none
  double cost = 0;         // the second objective (0 without one)
  bool feasible = true;    // cost within the limit (always true without a limit)
};

// The optional second objective of a search: "flops" (M multiply-accumulates of the
// benchmark's macro network), "params" (M parameters), or a numeric column of the table;
// always minimised. With a limit the search maximises the metric among cells whose cost is
// at most the limit; without one it is a Pareto search (metric up, cost down).
struct SecondObjective {
  std::string name;             // empty: single objective
  std::optional<double> limit;  // set: hard limit; unset: Pareto
};

// The objectives for the strategy and the loop: costs of all cells precomputed once.
// InvalidArgument names an unknown cost (listing flops, params and the table's columns),
// the metric used as its own second objective, or a non-finite limit.
SearchObjectives makeSearchObjectives(const TabularBenchmark& table, const std::string& metric,
                                      const SecondObjective& second);

// The points of a search with a second objective: the Pareto front of the queried cells
// (maximise value, minimise cost) and its hypervolume, normalised by the box between the
// reference (worst value of the table, highest cost of the table's cells) and the ideal
// (best value, lowest cost): 1 would be one cell that is best in both.
struct ParetoSummary {
  std::vector<std::size_t> front;  // indices into the trace, by cost ascending
  double hypervolume = 0;
};
ParetoSummary paretoOfTrace(const TabularBenchmark& table, const std::string& metric,
                            const SearchObjectives& objectives, const std::vector<QueryRecord>& trace);

struct TabularSearchResult {
  std::vector<QueryRecord> trace;  // in query order
  Nb201Cell bestCell;
  double bestValue = 0;  // best feasible value; NaN when a limited search found no feasible cell
  bool hasBest = true;   // false exactly then
  ParetoSummary pareto;  // with a second objective only
  std::vector<double> bestSoFar() const;  // trace[i].bestSoFar
};

using QueryCallback = std::function<void(const QueryRecord&)>;

// Proposals that repeat a queried cell (or name a cell missing from the table) are refused;
// after kMaxProposalRetries refusals in a row the loop queries a uniformly random unseen
// cell of the table instead, so any strategy finishes any budget up to table.size().
inline constexpr int kMaxProposalRetries = 100;

// `table` must be loaded with space "nb201"; `metric` is maximised. Throws
// InvalidArgument when queries is outside 1..table.size(). With objectives (see
// makeSearchObjectives) the strategy is told them before its first proposal, every record
// carries the cost, the best is the best feasible cell, and the result has the Pareto front.
TabularSearchResult runTabularSearch(const TabularBenchmark& table, const std::string& metric,
                                     QueryStrategy& strategy, int queries, std::uint64_t seed,
                                     const QueryCallback& onQuery = {}, const SearchObjectives& objectives = {});

struct MultiSeedSummary {
  std::string strategy;
  std::string metric;
  int queries = 0;
  std::vector<std::uint64_t> seeds;
  std::vector<double> bestPerSeed;
  std::vector<std::string> bestArchPerSeed;
  double meanBest = 0;
  double stdBest = 0;          // sample standard deviation over seeds
  std::vector<double> curve;   // mean best-so-far after each query, size `queries`
  std::string bestArch;        // best over all seeds (first seed wins ties)
  double bestValue = 0;

  // With a second objective. In a limited search a seed without a feasible cell has a NaN
  // best (null in JSON) and mean/std/curve average the seeds that have one.
  std::string objective2;
  std::optional<double> limit;
  int seedsWithoutFeasible = 0;
  std::vector<double> hypervolumePerSeed;
  double meanHypervolume = 0;
  double stdHypervolume = 0;
  Json pareto = Json::array();  // front of all seeds' queried cells: [{"arch","value","cost"}]

  // {"strategy","metric","queries","seeds","mean_best","std_best","best_per_seed",
  //  "best_arch_per_seed","curve","best_arch","best_value"}; with a second objective also
  // "objective2", "limit" (null for Pareto), "seeds_without_feasible", "pareto",
  // "hypervolume" (mean over seeds), "std_hypervolume", "hypervolume_per_seed".
  Json toJson() const;
};

using SeededQueryCallback = std::function<void(std::uint64_t seed, const QueryRecord&)>;

// Runs seeds firstSeed .. firstSeed+seedCount-1, each with a fresh strategy.
MultiSeedSummary runMultiSeedSearch(const TabularBenchmark& table, const std::string& metric,
                                    const std::string& strategyName, const StrategyFactory& factory, int queries,
                                    int seedCount, std::uint64_t firstSeed = 0,
                                    const SeededQueryCallback& onQuery = {}, const SecondObjective& second = {});

}  // namespace nas
