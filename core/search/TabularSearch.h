#pragma once
// The query loop of a tabular search and its multi-seed runner. A query reads one
// architecture's value from the table; the loop never queries the same cell twice, keeps
// the best so far, and reports every query to an optional callback (which may throw, e.g.
// Error(Cancelled), to stop the run). Deterministic per seed.

#include <cstdint>
#include <functional>
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
  double bestSoFar = 0;
};

struct TabularSearchResult {
  std::vector<QueryRecord> trace;  // in query order
  Nb201Cell bestCell;
  double bestValue = 0;
  std::vector<double> bestSoFar() const;  // trace[i].bestSoFar
};

using QueryCallback = std::function<void(const QueryRecord&)>;

// Proposals that repeat a queried cell (or name a cell missing from the table) are refused;
// after kMaxProposalRetries refusals in a row the loop queries a uniformly random unseen
// cell of the table instead, so any strategy finishes any budget up to table.size().
inline constexpr int kMaxProposalRetries = 100;

// `table` must be loaded with space "nb201"; `metric` is maximised. Throws
// InvalidArgument when queries is outside 1..table.size().
TabularSearchResult runTabularSearch(const TabularBenchmark& table, const std::string& metric,
                                     QueryStrategy& strategy, int queries, std::uint64_t seed,
                                     const QueryCallback& onQuery = {});

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

  // {"strategy","metric","queries","seeds","mean_best","std_best","best_per_seed",
  //  "best_arch_per_seed","curve","best_arch","best_value"}
  Json toJson() const;
};

using SeededQueryCallback = std::function<void(std::uint64_t seed, const QueryRecord&)>;

// Runs seeds firstSeed .. firstSeed+seedCount-1, each with a fresh strategy.
MultiSeedSummary runMultiSeedSearch(const TabularBenchmark& table, const std::string& metric,
                                    const std::string& strategyName, const StrategyFactory& factory, int queries,
                                    int seedCount, std::uint64_t firstSeed = 0,
                                    const SeededQueryCallback& onQuery = {});

}  // namespace nas
