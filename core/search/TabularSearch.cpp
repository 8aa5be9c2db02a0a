// The tabular query loop and the multi-seed runner.
#include "search/TabularSearch.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "common/Error.h"
#include "search/Pareto.h"
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

SearchObjectives makeSearchObjectives(const TabularBenchmark& table, const std::string& metric,
                                      const SecondObjective& second) {
  SearchObjectives o;
  if (second.name.empty()) {
    if (second.limit)
      throw Error(ErrorCode::InvalidArgument, "a limit needs a second objective (--objective2 flops, params or a column)");
    return o;
  }
  if (second.name == metric)
    throw Error(ErrorCode::InvalidArgument, "the second objective '" + second.name + "' is the searched metric itself");
  auto costs = std::make_shared<std::vector<double>>(kNb201NumCells, std::numeric_limits<double>::quiet_NaN());
  if (second.name == "flops" || second.name == "params") {
    const bool flops = second.name == "flops";
    for (int i = 0; i < kNb201NumCells; ++i) {
      const CostCounts c = nb201Cost(Nb201Cell::fromIndex(i));
      (*costs)[i] = flops ? c.flops / 1e6 : double(c.params) / 1e6;
    }
  } else if (table.hasMetric(second.name)) {
    const std::size_t col = table.metricIndex(second.name);
    for (int i = 0; i < kNb201NumCells; ++i)
      if (auto row = table.findCell(Nb201Cell::fromIndex(i))) (*costs)[i] = table.value(*row, col);
  } else {
    std::string known = "flops, params";
    for (const auto& m : table.metricNames())
      if (m != metric) known += ", " + m;
    throw Error(ErrorCode::InvalidArgument,
                "unknown second objective '" + second.name + "' (known: " + known + ")", table.path());
  }
  if (second.limit && !std::isfinite(*second.limit))
    throw Error(ErrorCode::InvalidArgument, "the limit of '" + second.name + "' must be a finite number");
  o.mode = second.limit ? SearchObjectives::Mode::Limit : SearchObjectives::Mode::Pareto;
  o.costName = second.name;
  o.limit = second.limit.value_or(0.0);
  o.cost = [costs](const Nb201Cell& c) { return (*costs)[c.index()]; };
  return o;
}

ParetoSummary paretoOfTrace(const TabularBenchmark& table, const std::string& metric,
                            const SearchObjectives& objectives, const std::vector<QueryRecord>& trace) {
  ParetoSummary out;
  if (objectives.mode == SearchObjectives::Mode::Single || trace.empty()) return out;
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
  std::vector<Point2d> points;
  for (const auto& q : trace) points.push_back({q.cost, q.value});
  const Objectives2d dirs{false, true};
  out.front = paretoFront(points, dirs);
  const double box = (bestValue - worstValue) * (worstCost - bestCost);
  // The reference sits just outside the table's worst corner so that corner still counts.
  const Point2d ref{worstCost + 1e-9 * std::abs(worstCost) + 1e-12, worstValue - 1e-9 * std::abs(worstValue) - 1e-12};
  out.hypervolume = box > 0 ? hypervolume2d(points, dirs, ref) / box : 0.0;
  return out;
}

std::vector<double> TabularSearchResult::bestSoFar() const {
  std::vector<double> out;
  out.reserve(trace.size());
  for (const auto& q : trace) out.push_back(q.bestSoFar);
  return out;
}

TabularSearchResult runTabularSearch(const TabularBenchmark& table, const std::string& metric,
                                     QueryStrategy& strategy, int queries, std::uint64_t seed,
                                     const QueryCallback& onQuery, const SearchObjectives& objectives) {
  if (table.space() != "nb201")
    throw Error(ErrorCode::InvalidArgument, "tabular search needs a table loaded with space 'nb201'", table.path());
  const size_t metricCol = table.metricIndex(metric);
  UnseenCells unseen(table);
  if (queries < 1 || queries > unseen.available())
    throw Error(ErrorCode::InvalidArgument,
                "queries must be in 1.." + std::to_string(unseen.available()) + " (the table's cells), got " +
                    std::to_string(queries),
                table.path());

  const bool limited = objectives.mode == SearchObjectives::Mode::Limit;
  if (objectives.mode != SearchObjectives::Mode::Single) {
    if (!objectives.cost) throw Error(ErrorCode::InvalidArgument, "a second objective needs a cost function");
    strategy.setObjectives(objectives);
  }
  Rng rng(seed);
  TabularSearchResult result;
  result.hasBest = false;
  result.bestValue = std::numeric_limits<double>::quiet_NaN();
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
    if (objectives.mode != SearchObjectives::Mode::Single) rec.cost = objectives.cost(cell);
    rec.feasible = !limited || rec.cost <= objectives.limit;
    if (rec.feasible && (!result.hasBest || rec.value > result.bestValue)) {
      result.bestValue = rec.value;
      result.bestCell = cell;
      result.hasBest = true;
    }
    rec.bestSoFar = result.bestValue;
    strategy.observe(cell, rec.value);
    result.trace.push_back(rec);
    if (onQuery) onQuery(rec);
  }
  result.pareto = paretoOfTrace(table, metric, objectives, result.trace);
  return result;
}

Json MultiSeedSummary::toJson() const {
  Json j{{"strategy", strategy},
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
  if (!objective2.empty()) {
    j["objective2"] = objective2;
    j["limit"] = limit ? Json(*limit) : Json(nullptr);
    j["seeds_without_feasible"] = seedsWithoutFeasible;
    j["pareto"] = pareto;
    j["hypervolume"] = meanHypervolume;
    j["std_hypervolume"] = stdHypervolume;
    j["hypervolume_per_seed"] = hypervolumePerSeed;
  }
  return j;
}

MultiSeedSummary runMultiSeedSearch(const TabularBenchmark& table, const std::string& metric,
                                    const std::string& strategyName, const StrategyFactory& factory, int queries,
                                    int seedCount, std::uint64_t firstSeed, const SeededQueryCallback& onQuery,
                                    const SecondObjective& second) {
  if (seedCount < 1)
    throw Error(ErrorCode::InvalidArgument, "seeds must be at least 1, got " + std::to_string(seedCount));
  const SearchObjectives objectives = makeSearchObjectives(table, metric, second);
  MultiSeedSummary s;
  s.objective2 = second.name;
  s.limit = second.limit;
  std::vector<int> curveCount(queries, 0);
  std::vector<QueryRecord> allQueried;
  s.strategy = strategyName;
  s.metric = metric;
  s.queries = queries;
  s.curve.assign(queries, 0.0);
  for (int k = 0; k < seedCount; ++k) {
    const std::uint64_t seed = firstSeed + static_cast<std::uint64_t>(k);
    auto strategy = factory();
    QueryCallback perQuery;
    if (onQuery) perQuery = [&](const QueryRecord& r) { onQuery(seed, r); };
    TabularSearchResult r = runTabularSearch(table, metric, *strategy, queries, seed, perQuery, objectives);
    s.seeds.push_back(seed);
    s.bestPerSeed.push_back(r.bestValue);
    s.bestArchPerSeed.push_back(r.hasBest ? r.bestCell.toString() : std::string());
    for (int q = 0; q < queries; ++q)
      if (!std::isnan(r.trace[q].bestSoFar)) {
        s.curve[q] += r.trace[q].bestSoFar;
        ++curveCount[q];
      }
    if (r.hasBest && (s.bestArch.empty() || r.bestValue > s.bestValue)) {
      s.bestValue = r.bestValue;
      s.bestArch = r.bestCell.toString();
    }
    if (!r.hasBest) ++s.seedsWithoutFeasible;
    if (objectives.mode != SearchObjectives::Mode::Single) {
      s.hypervolumePerSeed.push_back(r.pareto.hypervolume);
      for (std::size_t i : r.pareto.front) allQueried.push_back(r.trace[i]);
    }
  }
  for (int q = 0; q < queries; ++q)
    s.curve[q] = curveCount[q] ? s.curve[q] / curveCount[q] : std::numeric_limits<double>::quiet_NaN();
  std::vector<double> found;
  for (double b : s.bestPerSeed)
    if (!std::isnan(b)) found.push_back(b);
  s.meanBest = found.empty() ? std::numeric_limits<double>::quiet_NaN() : mean(found);
  s.stdBest = found.size() < 2 ? 0.0 : stddev(found);
  if (s.bestArch.empty()) s.bestValue = std::numeric_limits<double>::quiet_NaN();
  if (objectives.mode != SearchObjectives::Mode::Single) {
    s.meanHypervolume = mean(s.hypervolumePerSeed);
    s.stdHypervolume = s.hypervolumePerSeed.size() < 2 ? 0.0 : stddev(s.hypervolumePerSeed);
    std::vector<Point2d> points;
    for (const auto& q : allQueried) points.push_back({q.cost, q.value});
    std::string lastArch;
    for (std::size_t i : paretoFront(points, {false, true})) {
      const std::string arch = allQueried[i].cell.toString();
      if (arch == lastArch) continue;  // the same cell found by several seeds
      lastArch = arch;
      s.pareto.push_back(Json{{"arch", arch}, {"value", allQueried[i].value}, {"cost", allQueried[i].cost}});
    }
  }
  return s;
}

}  // namespace nas
