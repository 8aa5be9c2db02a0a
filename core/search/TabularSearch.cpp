// The tabular query loop and the multi-seed runner.
#include "search/TabularSearch.h"

#include "common/Error.h"
#include "search/Stats.h"

namespace nas {

namespace {

// Cells of the table not yet queried, for the loop's fallback.
class UnseenCells {
 public:
  explicit UnseenCells(const TabularBenchmark& table) : table_(table), seen_(kNb201NumCells, false) {
    for (int i = 0; i < kNb201NumCells; ++i)
      if (table.findCell(Nb201Cell::fromIndex(i))) ++available_;
  }
  bool usable(const Nb201Cell& c) const { return !seen_[c.index()] && table_.findCell(c).has_value(); }
  void markSeen(const Nb201Cell& c) {
    seen_[c.index()] = true;
    --available_;
  }
  int available() const { return available_; }

  // Uniform over the unseen cells of the table: a few rejection draws (cheap while most
  // cells are unseen), then an exact pick by rank (bounded when almost all are seen).
  Nb201Cell randomUnseen(Rng& rng) const {
    for (int attempt = 0; attempt < 64; ++attempt) {
      Nb201Cell c = randomNb201Cell(rng);
      if (usable(c)) return c;
    }
    std::uniform_int_distribution<int> pick(0, available_ - 1);
    int rank = pick(rng);
    for (int i = 0; i < kNb201NumCells; ++i) {
      Nb201Cell c = Nb201Cell::fromIndex(i);
      if (usable(c) && rank-- == 0) return c;
    }
    throw Error(ErrorCode::Internal, "no unseen cell left although the budget allows one");
  }

 private:
  const TabularBenchmark& table_;
  std::vector<bool> seen_;
  int available_ = 0;
};

}  // namespace

std::vector<double> TabularSearchResult::bestSoFar() const {
  std::vector<double> out;
  out.reserve(trace.size());
  for (const auto& q : trace) out.push_back(q.bestSoFar);
  return out;
}

TabularSearchResult runTabularSearch(const TabularBenchmark& table, const std::string& metric,
                                     QueryStrategy& strategy, int queries, std::uint64_t seed,
                                     const QueryCallback& onQuery) {
  if (table.space() != "nb201")
    throw Error(ErrorCode::InvalidArgument, "tabular search needs a table loaded with space 'nb201'", table.path());
  const size_t metricCol = table.metricIndex(metric);
  UnseenCells unseen(table);
  if (queries < 1 || queries > unseen.available())
    throw Error(ErrorCode::InvalidArgument,
                "queries must be in 1.." + std::to_string(unseen.available()) + " (the table's cells), got " +
                    std::to_string(queries),
                table.path());

  Rng rng(seed);
  TabularSearchResult result;
  result.trace.reserve(queries);
  for (int q = 1; q <= queries; ++q) {
    Nb201Cell cell = strategy.propose(rng);
    for (int retry = 0; !unseen.usable(cell); ++retry)
      cell = retry < kMaxProposalRetries ? strategy.propose(rng) : unseen.randomUnseen(rng);
    unseen.markSeen(cell);

    QueryRecord rec;
    rec.query = q;
    rec.cell = cell;
    rec.row = *table.findCell(cell);
    rec.value = table.value(rec.row, metricCol);
    if (q == 1 || rec.value > result.bestValue) {
      result.bestValue = rec.value;
      result.bestCell = cell;
    }
    rec.bestSoFar = result.bestValue;
    strategy.observe(cell, rec.value);
    result.trace.push_back(rec);
    if (onQuery) onQuery(rec);
  }
  return result;
}

Json MultiSeedSummary::toJson() const {
  return Json{{"strategy", strategy},
              {"metric", metric},
              {"queries", queries},
              {"seeds", seeds},
              {"mean_best", meanBest},
              {"std_best", stdBest},
              {"best_per_seed", bestPerSeed},
              {"best_arch_per_seed", bestArchPerSeed},
              {"curve", curve},
              {"best_arch", bestArch},
              {"best_value", bestValue}};
}

MultiSeedSummary runMultiSeedSearch(const TabularBenchmark& table, const std::string& metric,
                                    const std::string& strategyName, const StrategyFactory& factory, int queries,
                                    int seedCount, std::uint64_t firstSeed, const SeededQueryCallback& onQuery) {
  if (seedCount < 1)
    throw Error(ErrorCode::InvalidArgument, "seeds must be at least 1, got " + std::to_string(seedCount));
  MultiSeedSummary s;
  s.strategy = strategyName;
  s.metric = metric;
  s.queries = queries;
  s.curve.assign(queries, 0.0);
  for (int k = 0; k < seedCount; ++k) {
    const std::uint64_t seed = firstSeed + static_cast<std::uint64_t>(k);
    auto strategy = factory();
    QueryCallback perQuery;
    if (onQuery) perQuery = [&](const QueryRecord& r) { onQuery(seed, r); };
    TabularSearchResult r = runTabularSearch(table, metric, *strategy, queries, seed, perQuery);
    s.seeds.push_back(seed);
    s.bestPerSeed.push_back(r.bestValue);
    s.bestArchPerSeed.push_back(r.bestCell.toString());
    for (int q = 0; q < queries; ++q) s.curve[q] += r.trace[q].bestSoFar / seedCount;
    if (k == 0 || r.bestValue > s.bestValue) {
      s.bestValue = r.bestValue;
      s.bestArch = r.bestCell.toString();
    }
  }
  s.meanBest = mean(s.bestPerSeed);
  s.stdBest = stddev(s.bestPerSeed);
  return s;
}

}  // namespace nas
