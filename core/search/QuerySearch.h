#pragma once
// The query loop of every query-based search, whatever answers the queries (a QuerySource:
// a benchmark table, a supernet, training from scratch), and its multi-seed runner. The loop
// never queries the same cell twice, never queries a cell the source lacks, keeps the best
// so far, and reports every query to an optional callback (which may throw, e.g.
// Error(Cancelled), to stop the run). Deterministic per seed when the source is.
//
// The tabular search (TabularSearch.h) is this loop with a TabularQuerySource.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/Json.h"
#include "search/QuerySource.h"
#include "search/QueryStrategy.h"

namespace nas {

struct QueryRecord {
  int query = 0;  // 1-based: the number of queries spent so far, this one included
  Nb201Cell cell;
  std::size_t row = 0;  // row of the cell in the table (tabular searches only; 0 otherwise)
  double value = 0;
  double bestSoFar = 0;    // best feasible so far; NaN while a limited search has none
  double cost = 0;         // the second objective (0 without one)
  bool feasible = true;    // cost within the limit (always true without a limit)
  // What results report (QuerySource::reportMetric): this cell's report column, and that of
  // the best-so-far cell (chosen by `value`, never by the report). Without a report column
  // both equal value and bestSoFar.
  double report = 0;
  double reportOfBest = 0;  // NaN while a limited search has no feasible cell
};

// The name of the latency objective: predicted milliseconds of the cell's NB201 network
// from a device profile's lookup table (see LatencyObjective.h).
inline constexpr const char* kLatencyObjective = "latency_ms";

// The optional second objective of a search: "flops" (M multiply-accumulates of the
// benchmark's macro network), "params" (M parameters), "latency_ms" (with `cost` given, see
// nb201LatencyCost), or a numeric column of the table; always minimised. With a limit the
// search maximises the metric among cells whose cost is at most the limit; without one it
// is a Pareto search (metric up, cost down).
struct SecondObjective {
  std::string name;             // empty: single objective
  std::optional<double> limit;  // set: hard limit; unset: Pareto
  // A cost computed outside the search room (latency from a workspace's device profile);
  // when set it is used for `name` instead of looking the name up.
  std::function<double(const Nb201Cell&)> cost = {};
};

// The objectives for sources without a table: flops, params, or a given cost (all cells'
// costs precomputed once). InvalidArgument names an unknown cost (listing the known ones),
// the metric used as its own second objective, a limit without a second objective, or a
// non-finite limit; "latency_ms" without a cost says how to get one.
SearchObjectives makeSearchObjectives(const std::string& metric, const SecondObjective& second);

// The box a hypervolume is normalised by: from the reference (worst value, highest cost) to
// the ideal (best value, lowest cost).
struct ParetoBounds {
  double worstValue = 0, bestValue = 0;
  double worstCost = 0, bestCost = 0;
};

// The points of a search with a second objective: the Pareto front of the queried cells
// (maximise value, minimise cost) and its hypervolume, normalised by `bounds`: 1 would be one
// cell that is best in both. Tabular searches pass the table's bounds (comparable across
// runs); sources without a table (supernet, scratch) cannot know the best and worst of all
// cells without querying them, so without bounds the box is the range of the queried cells
// themselves (comparable only between runs that queried similar ranges).
struct ParetoSummary {
  std::vector<std::size_t> front;  // indices into the trace, by cost ascending
  double hypervolume = 0;
};
ParetoSummary paretoOfRecords(const SearchObjectives& objectives, const std::vector<QueryRecord>& trace,
                              const std::optional<ParetoBounds>& bounds = std::nullopt);

struct QuerySearchResult {
  std::vector<QueryRecord> trace;  // in query order
  Nb201Cell bestCell;
  double bestValue = 0;  // best feasible value; NaN when a limited search found no feasible cell
  double bestReport = 0;  // the report column of bestCell (= bestValue without one)
  bool hasBest = true;   // false exactly then
  ParetoSummary pareto;  // with a second objective only
  std::vector<double> bestSoFar() const;  // trace[i].bestSoFar
};

using QueryCallback = std::function<void(const QueryRecord&)>;

// Proposals that repeat a queried cell (or name a cell the source lacks) are refused; after
// kMaxProposalRetries refusals in a row the loop queries a uniformly random unseen cell of
// the source instead, so any strategy finishes any budget up to the source's cells.
inline constexpr int kMaxProposalRetries = 100;

// Throws InvalidArgument when queries is outside 1..(cells the source has, at most
// source.size()). With objectives the strategy is told them before its first proposal,
// every record carries the cost, the best is the best feasible cell, and the result has the
// Pareto front (normalised by `bounds`, see paretoOfRecords).
QuerySearchResult runQuerySearch(QuerySource& source, QueryStrategy& strategy, int queries, std::uint64_t seed,
                                 const QueryCallback& onQuery = {}, const SearchObjectives& objectives = {},
                                 const std::optional<ParetoBounds>& bounds = std::nullopt);

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

  // The report column (QuerySource::reportMetric; the searched metric when the source has
  // none): per seed the report value of the best-by-metric cell, its mean and sample
  // standard deviation, and the mean over seeds after each query.
  std::string reportMetric;
  std::vector<double> reportPerSeed;
  double meanReport = 0;
  double stdReport = 0;
  std::vector<double> reportCurve;

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
  //  "best_arch_per_seed","curve","best_arch","best_value","report_metric","mean_report",
  //  "std_report","report_per_seed","report_curve"}; with a second objective also
  // "objective2", "limit" (null for Pareto), "seeds_without_feasible", "pareto",
  // "hypervolume" (mean over seeds), "std_hypervolume", "hypervolume_per_seed".
  Json toJson() const;
};

using SeededQueryCallback = std::function<void(std::uint64_t seed, const QueryRecord&)>;

// Runs seeds firstSeed .. firstSeed+seedCount-1 on one source, each with a fresh strategy.
// The summary's metric is source.metric(); objective2 and limit come from `objectives`.
MultiSeedSummary runMultiSeedQuerySearch(QuerySource& source, const std::string& strategyName,
                                         const StrategyFactory& factory, int queries, int seedCount,
                                         std::uint64_t firstSeed = 0, const SeededQueryCallback& onQuery = {},
                                         const SearchObjectives& objectives = {},
                                         const std::optional<ParetoBounds>& bounds = std::nullopt);

}  // namespace nas
