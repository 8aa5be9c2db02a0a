// The generic query loop, its Pareto summary and the multi-seed runner.
#include "search/QuerySearch.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "common/Error.h"
#include "search/Pareto.h"
#include "search/Stats.h"

namespace nas {

namespace {

// Cells of the source not yet queried, for the loop's refusals and fallback.
class UnseenCells {
 public:
  explicit UnseenCells(const QuerySource& source) : source_(source), seen_(kNb201NumCells, false) {
    for (int i = 0; i < kNb201NumCells; ++i)
      if (source.has(Nb201Cell::fromIndex(i))) ++available_;
  }
  bool usable(const Nb201Cell& c) const { return !seen_[c.index()] && source_.has(c); }
  void markSeen(const Nb201Cell& c) {
    seen_[c.index()] = true;
    --available_;
  }
  int available() const { return available_; }

  // Uniform over the unseen cells of the source: a few rejection draws (cheap while most
  // cells are unseen), then an exact pick by rank (bounded when almost all are seen).
  Nb201Cell randomUnseen(SearchRng& rng) const {
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
  const QuerySource& source_;
  std::vector<bool> seen_;
  int available_ = 0;
};

void checkLimit(const SecondObjective& second) {
  if (second.name.empty() && second.limit)
    throw Error(ErrorCode::InvalidArgument,
                "a limit needs a second objective (--objective2 flops, params, latency_ms or a column)");
  if (second.limit && !std::isfinite(*second.limit))
    throw Error(ErrorCode::InvalidArgument, "the limit of '" + second.name + "' must be a finite number");
}

}  // namespace

SearchObjectives makeSearchObjectives(const std::string& metric, const SecondObjective& second) {
  SearchObjectives o;
  checkLimit(second);
  if (second.name.empty()) return o;
  if (second.name == metric)
    throw Error(ErrorCode::InvalidArgument, "the second objective '" + second.name + "' is the searched metric itself");
  auto costs = std::make_shared<std::vector<double>>(kNb201NumCells, std::numeric_limits<double>::quiet_NaN());
  if (second.cost) {
    for (int i = 0; i < kNb201NumCells; ++i) (*costs)[i] = second.cost(Nb201Cell::fromIndex(i));
  } else if (second.name == "flops" || second.name == "params") {
    const bool flops = second.name == "flops";
    for (int i = 0; i < kNb201NumCells; ++i) {
      const CostCounts c = nb201Cost(Nb201Cell::fromIndex(i));
      (*costs)[i] = flops ? c.flops / 1e6 : double(c.params) / 1e6;
    }
  } else if (second.name == kLatencyObjective) {
    throw Error(ErrorCode::InvalidArgument,
                "the second objective 'latency_ms' needs a device profile of space nb201 in a workspace "
                "(--latency-profile NAME --workspace FILE); `nasstudio-cli latency profile --space nb201` "
                "measures one");
  } else {
    throw Error(ErrorCode::InvalidArgument,
                "unknown second objective '" + second.name + "' (known: flops, params, latency_ms)");
  }
  o.mode = second.limit ? SearchObjectives::Mode::Limit : SearchObjectives::Mode::Pareto;
  o.costName = second.name;
  o.limit = second.limit.value_or(0.0);
  o.cost = [costs](const Nb201Cell& c) { return (*costs)[c.index()]; };
  return o;
}

ParetoSummary paretoOfRecords(const SearchObjectives& objectives, const std::vector<QueryRecord>& trace,
                              const std::optional<ParetoBounds>& bounds) {
  ParetoSummary out;
  if (objectives.mode == SearchObjectives::Mode::Single || trace.empty()) return out;
  ParetoBounds b;
  if (bounds) {
    b = *bounds;
  } else {
    // No table: the queried cells' own range (see the header).
    b.worstValue = b.worstCost = std::numeric_limits<double>::quiet_NaN();
    bool any = false;
    for (const auto& q : trace) {
      if (!std::isfinite(q.value) || !std::isfinite(q.cost)) continue;
      if (!any) {
        b = {q.value, q.value, q.cost, q.cost};
        any = true;
        continue;
      }
      b.worstValue = std::min(b.worstValue, q.value);
      b.bestValue = std::max(b.bestValue, q.value);
      b.worstCost = std::max(b.worstCost, q.cost);
      b.bestCost = std::min(b.bestCost, q.cost);
    }
  }
  std::vector<Point2d> points;
  for (const auto& q : trace) points.push_back({q.cost, q.value});
  const Objectives2d dirs{false, true};
  out.front = paretoFront(points, dirs);
  const double box = (b.bestValue - b.worstValue) * (b.worstCost - b.bestCost);
  // The reference sits just outside the worst corner so that the corner still counts.
  const Point2d ref{b.worstCost + 1e-9 * std::abs(b.worstCost) + 1e-12,
                    b.worstValue - 1e-9 * std::abs(b.worstValue) - 1e-12};
  out.hypervolume = box > 0 ? hypervolume2d(points, dirs, ref) / box : 0.0;
  return out;
}

std::vector<double> QuerySearchResult::bestSoFar() const {
  std::vector<double> out;
  out.reserve(trace.size());
  for (const auto& q : trace) out.push_back(q.bestSoFar);
  return out;
}

QuerySearchResult runQuerySearch(QuerySource& source, QueryStrategy& strategy, int queries, std::uint64_t seed,
                                 const QueryCallback& onQuery, const SearchObjectives& objectives,
                                 const std::optional<ParetoBounds>& bounds) {
  UnseenCells unseen(source);
  const int budget = std::min(unseen.available(), source.size());
  if (queries < 1 || queries > budget)
    throw Error(ErrorCode::InvalidArgument,
                "queries must be in 1.." + std::to_string(budget) + " (the " + source.source() +
                    " source's cells), got " + std::to_string(queries),
                source.source() + " " + source.dataset());

  const bool limited = objectives.mode == SearchObjectives::Mode::Limit;
  if (objectives.mode != SearchObjectives::Mode::Single) {
    if (!objectives.cost) throw Error(ErrorCode::InvalidArgument, "a second objective needs a cost function");
    strategy.setObjectives(objectives);
  }
  SearchRng rng(seed);
  QuerySearchResult result;
  result.hasBest = false;
  result.bestValue = std::numeric_limits<double>::quiet_NaN();
  result.bestReport = result.bestValue;
  const bool reports = !source.reportMetric().empty();
  result.trace.reserve(queries);
  for (int q = 1; q <= queries; ++q) {
    Nb201Cell cell = strategy.propose(rng);
    for (int retry = 0; !unseen.usable(cell); ++retry)
      cell = retry < kMaxProposalRetries ? strategy.propose(rng) : unseen.randomUnseen(rng);
    unseen.markSeen(cell);

    QueryRecord rec;
    rec.query = q;
    rec.cell = cell;
    rec.value = source.query(cell);
    if (objectives.mode != SearchObjectives::Mode::Single) rec.cost = objectives.cost(cell);
    rec.feasible = !limited || rec.cost <= objectives.limit;
    if (rec.feasible && (!result.hasBest || rec.value > result.bestValue)) {
      result.bestValue = rec.value;
      result.bestCell = cell;
      result.hasBest = true;
    }
    rec.bestSoFar = result.bestValue;
    strategy.observe(cell, rec.value);
    // The report column is read only now, for the record: the strategy has had its value.
    rec.report = reports ? source.report(cell) : rec.value;
    if (result.hasBest && result.bestCell.index() == cell.index()) result.bestReport = rec.report;
    rec.reportOfBest = result.bestReport;
    result.trace.push_back(rec);
    if (onQuery) onQuery(rec);
  }
  result.pareto = paretoOfRecords(objectives, result.trace, bounds);
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
              {"best_value", bestValue},
              {"report_metric", reportMetric},
              {"mean_report", meanReport},
              {"std_report", stdReport},
              {"report_per_seed", reportPerSeed},
              {"report_curve", reportCurve}};
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

MultiSeedSummary runMultiSeedQuerySearch(QuerySource& source, const std::string& strategyName,
                                         const StrategyFactory& factory, int queries, int seedCount,
                                         std::uint64_t firstSeed, const SeededQueryCallback& onQuery,
                                         const SearchObjectives& objectives,
                                         const std::optional<ParetoBounds>& bounds) {
  if (seedCount < 1)
    throw Error(ErrorCode::InvalidArgument, "seeds must be at least 1, got " + std::to_string(seedCount));
  const bool multi = objectives.mode != SearchObjectives::Mode::Single;
  MultiSeedSummary s;
  if (multi) s.objective2 = objectives.costName;
  if (objectives.mode == SearchObjectives::Mode::Limit) s.limit = objectives.limit;
  std::vector<int> curveCount(queries > 0 ? queries : 0, 0);
  std::vector<QueryRecord> allQueried;
  s.strategy = strategyName;
  s.metric = source.metric();
  s.queries = queries;
  s.curve.assign(curveCount.size(), 0.0);
  s.reportMetric = source.reportMetric().empty() ? source.metric() : source.reportMetric();
  s.reportCurve.assign(curveCount.size(), 0.0);
  for (int k = 0; k < seedCount; ++k) {
    const std::uint64_t seed = firstSeed + static_cast<std::uint64_t>(k);
    auto strategy = factory();
    QueryCallback perQuery;
    if (onQuery) perQuery = [&](const QueryRecord& r) { onQuery(seed, r); };
    QuerySearchResult r = runQuerySearch(source, *strategy, queries, seed, perQuery, objectives, bounds);
    s.seeds.push_back(seed);
    s.bestPerSeed.push_back(r.bestValue);
    s.reportPerSeed.push_back(r.bestReport);
    s.bestArchPerSeed.push_back(r.hasBest ? r.bestCell.toString() : std::string());
    for (int q = 0; q < queries; ++q)
      if (!std::isnan(r.trace[q].bestSoFar)) {
        s.curve[q] += r.trace[q].bestSoFar;
        s.reportCurve[q] += r.trace[q].reportOfBest;
        ++curveCount[q];
      }
    if (r.hasBest && (s.bestArch.empty() || r.bestValue > s.bestValue)) {
      s.bestValue = r.bestValue;
      s.bestArch = r.bestCell.toString();
    }
    if (!r.hasBest) ++s.seedsWithoutFeasible;
    if (multi) {
      s.hypervolumePerSeed.push_back(r.pareto.hypervolume);
      for (std::size_t i : r.pareto.front) allQueried.push_back(r.trace[i]);
    }
  }
  for (int q = 0; q < queries; ++q) {
    s.curve[q] = curveCount[q] ? s.curve[q] / curveCount[q] : std::numeric_limits<double>::quiet_NaN();
    s.reportCurve[q] = curveCount[q] ? s.reportCurve[q] / curveCount[q] : std::numeric_limits<double>::quiet_NaN();
  }
  std::vector<double> found, foundReport;
  for (std::size_t i = 0; i < s.bestPerSeed.size(); ++i)
    if (!std::isnan(s.bestPerSeed[i])) {
      found.push_back(s.bestPerSeed[i]);
      foundReport.push_back(s.reportPerSeed[i]);
    }
  s.meanBest = found.empty() ? std::numeric_limits<double>::quiet_NaN() : mean(found);
  s.stdBest = found.size() < 2 ? 0.0 : stddev(found);
  s.meanReport = foundReport.empty() ? std::numeric_limits<double>::quiet_NaN() : mean(foundReport);
  s.stdReport = foundReport.size() < 2 ? 0.0 : stddev(foundReport);
  if (s.bestArch.empty()) s.bestValue = std::numeric_limits<double>::quiet_NaN();
  if (multi) {
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
