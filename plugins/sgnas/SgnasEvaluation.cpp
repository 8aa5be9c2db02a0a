// Generated vs target FLOPs, and generated vs random accuracy at equal FLOPs.
#include "SgnasEvaluation.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "SgnasSampling.h"
#include "common/Error.h"
#include "search/Stats.h"

namespace nas::sgnas {

double TargetResult::randomMean() const { return randomAccuracy.empty() ? NAN : mean(randomAccuracy); }

std::vector<double> targetGrid(const Constraint& c, int n) {
  std::vector<double> t;
  for (int i = 0; i < n; ++i) t.push_back(c.denormalize((i + 0.5) / n));
  return t;
}

std::vector<double> heldOutTargets(const Constraint& c, int n, int randomCount, std::uint64_t seed) {
  if (n < 2) throw Error(ErrorCode::InvalidArgument, "needs a selection grid of at least 2 targets", "held-out targets");
  std::vector<double> t;
  for (int i = 1; i < n; ++i) t.push_back(c.denormalize(static_cast<double>(i) / n));
  Rng rng(Rng::derive(seed, 0x4e1d));
  const double lo = 0.5 / n, hi = 1.0 - 0.5 / n;
  for (int k = 0; k < randomCount; ++k) {
    double u = 0;
    for (;;) {  // redraw what falls on a grid midpoint (i + 0.5) / n
      u = lo + (hi - lo) * rng.uniform();
      const double nearest = (std::floor(u * n) + 0.5) / n;
      if (std::abs(u - nearest) >= 1e-3) break;
    }
    t.push_back(c.denormalize(u));
  }
  return t;
}

void ConstraintSummary::add(double target, double flops) {
  targets.push_back(target);
  achieved.push_back(flops);
  const double err = 100.0 * std::abs(flops - target) / target;
  within5 += err <= 5.0;
  meanAbsErrorPct += err;
  maxAbsErrorPct = std::max(maxAbsErrorPct, err);
}

void ConstraintSummary::finish() {
  if (!targets.empty()) meanAbsErrorPct /= static_cast<double>(targets.size());
  kendallTau = targets.size() > 1 ? nas::kendallTau(targets, achieved) : 0.0;
}

Json ConstraintSummary::toJson() const {
  return {{"targets", targets.size()},       {"within_5pct", within5},
          {"kendall_tau", kendallTau},         {"mean_abs_error_pct", meanAbsErrorPct},
          {"max_abs_error_pct", maxAbsErrorPct}, {"target_flops", targets},
          {"flops", achieved}};
}

ConstraintSummary constraintSatisfaction(SgnasGenerator& generator, const GeneratorSetup& setup,
                                         const std::vector<double>& flopsTargets) {
  size_t f = 0;
  while (f < setup.constraints.size() && setup.constraints[f].name != "flops") ++f;
  if (f == setup.constraints.size())
    throw Error(ErrorCode::Unsupported, "needs a generator conditioned on FLOPs", "sgnas held-out evaluation");
  generator->eval();
  ConstraintSummary s;
  for (double t : flopsTargets) {
    Targets req(setup.constraints.size());
    req[f] = t;
    s.add(t, generateArch(generator, setup, req).cost.flops);
  }
  s.finish();
  return s;
}

ConstraintSummary constraintSatisfaction(const EvalSummary& evaluated) {
  ConstraintSummary s;
  for (const auto& r : evaluated.rows) s.add(r.target, r.generated.cost.flops);
  s.finish();
  return s;
}

Json EvalSummary::toJson(const SgnasSpace& space) const {
  Json rowsJson = Json::array();
  for (const auto& r : rows) {
    Json randoms = Json::array();
    for (size_t i = 0; i < r.randoms.size(); ++i)
      randoms.push_back({{"arch", archToString(space, r.randoms[i].arch)},
                         {"flops", r.randoms[i].cost.flops},
                         {"accuracy", r.randomAccuracy[i]}});
    rowsJson.push_back({{"target_flops", r.target},
                        {"arch", archToString(space, r.generated.arch)},
                        {"flops", r.generated.cost.flops},
                        {"params", r.generated.cost.params},
                        {"error_pct", r.errorPct()},
                        {"accuracy", r.accuracy},
                        {"random", randoms}});
  }
  return {{"targets", rows.size()},
          {"within_5pct", within5},
          {"kendall_tau", kendallTau},
          {"generated_beats_random", beatsRandom},
          {"mean_accuracy", meanAccuracy},
          {"mean_random_accuracy", meanRandomAccuracy},
          {"mean_abs_error_pct", meanAbsErrorPct},
          {"max_abs_error_pct", maxAbsErrorPct},
          {"accuracy_diff_mean", accuracyDiffMean},
          {"accuracy_diff_se", accuracyDiffSe},
          {"accuracy_diff_ci95", {accuracyDiffMean - 1.96 * accuracyDiffSe, accuracyDiffMean + 1.96 * accuracyDiffSe}},
          {"beats_random_sign_p", beatsRandomSignP},
          {"beats_random_wilcoxon_p", beatsRandomWilcoxonP},
          {"accuracy_se_per_arch", accuracySePerArch},
          {"random_flops_gap_max_pct", maxRandomFlopsGapPct},
          {"eval_images", evalImages},
          {"rows", rowsJson}};
}

EvalSummary evaluateGenerator(SgnasGenerator& generator, const GeneratorSetup& setup, SgnasSupernet& supernet,
                              const ImageDataset& eval, const Normalization& norm, const ImageDataset& calibration,
                              const EvalOptions& o, const std::function<void(int, int)>& progress) {
  size_t flopsIndex = 0;
  while (flopsIndex < setup.constraints.size() && setup.constraints[flopsIndex].name != "flops") ++flopsIndex;
  if (flopsIndex == setup.constraints.size())
    throw Error(ErrorCode::Unsupported, "the evaluation needs a generator conditioned on FLOPs", "sgnas evaluate");
  generator->eval();
  Rng rng(Rng::derive(o.seed, 0xe7a1));
  EvalSummary s;
  std::vector<double> target, achieved, accs, randomAccs, diffs;
  const auto flopsOf = [&](const SgnasArch& a) { return exactCost(setup.table, a).flops; };
  const std::vector<double> grid = targetGrid(setup.constraints[flopsIndex], o.targets);
  for (size_t i = 0; i < grid.size(); ++i) {
    TargetResult r;
    r.target = grid[i];
    Targets t(setup.constraints.size());
    t[flopsIndex] = grid[i];
    r.generated = generateArch(generator, setup, t);
    r.accuracy = pathAccuracy(supernet, r.generated.arch, eval, norm, calibration, o.accuracy);
    for (int k = 0; k < o.randomPerTarget; ++k) {
      const double f = r.generated.cost.flops;
      SgnasArch a = randomArchNear(setup.space, f, o.randomTolerance * f, flopsOf, rng);
      r.randoms.push_back({a, exactCost(setup.table, a)});
      r.randomAccuracy.push_back(pathAccuracy(supernet, a, eval, norm, calibration, o.accuracy));
    }
    target.push_back(r.target);
    achieved.push_back(r.generated.cost.flops);
    accs.push_back(r.accuracy);
    const double err = std::abs(r.errorPct());
    s.within5 += err <= 5.0;
    s.meanAbsErrorPct += err / static_cast<double>(grid.size());
    s.maxAbsErrorPct = std::max(s.maxAbsErrorPct, err);
    if (!r.randomAccuracy.empty()) {
      randomAccs.push_back(r.randomMean());
      diffs.push_back(r.accuracy - r.randomMean());
      s.beatsRandom += r.accuracy > r.randomMean();
      for (const auto& g : r.randoms)
        s.maxRandomFlopsGapPct = std::max(
            s.maxRandomFlopsGapPct, 100.0 * std::abs(g.cost.flops - r.generated.cost.flops) / r.generated.cost.flops);
    }
    s.rows.push_back(std::move(r));
    if (progress) progress(static_cast<int>(i + 1), static_cast<int>(grid.size()));
  }
  s.kendallTau = target.size() > 1 ? kendallTau(target, achieved) : 0.0;
  s.meanAccuracy = accs.empty() ? 0.0 : mean(accs);
  s.meanRandomAccuracy = randomAccs.empty() ? 0.0 : mean(randomAccs);
  if (!diffs.empty()) {
    const double n = static_cast<double>(diffs.size());
    s.accuracyDiffMean = mean(diffs);
    double ss = 0;
    for (double d : diffs) ss += (d - s.accuracyDiffMean) * (d - s.accuracyDiffMean);
    s.accuracyDiffSe = diffs.size() > 1 ? std::sqrt(ss / (n - 1) / n) : 0.0;
    s.beatsRandomSignP = signTestP(s.beatsRandom, static_cast<int>(diffs.size()));
    s.beatsRandomWilcoxonP = wilcoxonSignedRankP(diffs);
  }
  s.evalImages = eval.size();
  s.accuracySePerArch = binomialStandardError(s.meanAccuracy, static_cast<double>(eval.size()));
  return s;
}

}  // namespace nas::sgnas
