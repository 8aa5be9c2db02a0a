// The agnet job's workspace writes: evaluations, curves and the samples of the GUI contract.
#include "AgnetJobWriter.h"

#include <cmath>
#include <unordered_set>

namespace nas::agnet {

JobWriter::JobWriter(Workspace& ws, JobId job, const QuerySource& source, const SearchObjectives& objectives)
    : ws_(ws), job_(job), source_(source), objectives_(objectives), scale_(source.workspaceScale()), archId_(ws) {}

double JobWriter::cost(const Nb201Cell& cell) const { return objectives_.cost(cell); }

void JobWriter::addQuery(std::uint64_t seed, bool firstSeed, int round, const QueryRecord& r) {
  (void)seed;
  (void)round;
  roundQueries_.push_back(r);
  archs_.push_back(r.cell);
  // archId 0 is set in flush(), from archs_ (same order for queries)
  EvaluationRecord e = EvaluationRecord::of(0, job_, source_.source(), source_.dataset(), source_.metric(), r.value * scale_);
  // A source with a report column (a table searched on validation accuracy) also records the
  // cell's report value, so views that show test accuracy find it; the search never read it.
  // The same workspace scale: both are accuracies of one table.
  const std::string report = source_.reportMetric();
  if (!report.empty()) {
    EvaluationRecord t = e;
    t.metric = report;
    t.value = r.report * scale_;
    archs_.push_back(r.cell);
    evals_.push_back(std::move(t));
  }
  evals_.push_back(std::move(e));
  // One curve per job keeps the metric view readable; the mean over seeds follows at the end.
  if (firstSeed && std::isfinite(r.bestSoFar)) {
    points_.push_back({"best_so_far", r.query, r.bestSoFar * scale_});
    if (!report.empty()) points_.push_back({"best_so_far_report", r.query, r.reportOfBest * scale_});
  }
}

void JobWriter::closeRound(std::uint64_t seed, int round, const std::vector<RoundCandidate>& candidates) {
  const bool withCost = objectives_.mode != SearchObjectives::Mode::Single;
  std::unordered_map<int, const QueryRecord*> queried;
  for (const auto& q : roundQueries_) queried[q.cell.index()] = &q;
  auto queryFields = [&](Json& p, const QueryRecord* q) {
    p["queried"] = q != nullptr;
    if (q) {
      p["query"] = q->query;
      p["value"] = q->value * scale_;
    }
  };
  std::unordered_set<int> covered;
  for (const auto& c : candidates) {
    Json p{{"seed", seed}, {"x", c.latent[0]}, {"y", c.latent[1]}, {"predicted", c.predicted * scale_}};
    auto it = queried.find(c.cell.index());
    queryFields(p, it == queried.end() ? nullptr : it->second);
    if (withCost) p["cost"] = cost(c.cell);
    covered.insert(c.cell.index());
    samples_.push_back({round, c.cell, std::move(p)});
  }
  // Queries that were no candidate: round 0, the baselines, random fill-ins.
  for (const auto& q : roundQueries_) {
    if (covered.count(q.cell.index())) continue;
    Json p{{"seed", seed}, {"predicted", nullptr}};
    queryFields(p, &q);
    if (withCost) p["cost"] = q.cost;
    samples_.push_back({round, q.cell, std::move(p)});
  }
  roundQueries_.clear();
}

void JobWriter::flush() {
  if (empty() && points_.empty()) return;
  ws_.transaction([&] {
    for (std::size_t i = 0; i < evals_.size(); ++i) evals_[i].archId = archId_(archs_[i]);
    std::vector<SampleRecord> samples;
    samples.reserve(samples_.size());
    for (auto& s : samples_) samples.push_back(SampleRecord::of(job_, s.round, archId_(s.cell), s.payload.dump()));
    if (!evals_.empty()) ws_.addEvaluations(evals_);
    if (!points_.empty()) ws_.appendMetrics(job_, points_);
    if (!samples.empty()) ws_.addSamples(samples);
  });
  discard();
}

void JobWriter::discard() {
  archs_.clear();
  evals_.clear();
  points_.clear();
  samples_.clear();
}

}  // namespace nas::agnet
