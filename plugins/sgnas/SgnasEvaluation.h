#pragma once
// The evaluation the issue asks to show: generate for n FLOPs targets at the midpoints of n
// equal bins over the reachable range, measure how close the achieved FLOPs land (|error|
// within 5 % of target, Kendall tau between target and achieved), and compare each generated
// architecture's inherited-weight accuracy with random architectures of (nearly) the same
// FLOPs. Used by the job's evaluate phase and by the benchmark.
#include <functional>

#include "SgnasGeneratorTraining.h"
#include "SgnasSupernetTraining.h"

namespace nas::sgnas {

struct EvalOptions {
  int targets = 20;
  int randomPerTarget = 3;
  double randomTolerance = 0.01;  // random baseline within 1 % of the generated FLOPs
  AccuracyOptions accuracy;
  std::uint64_t seed = 0;
};

struct TargetResult {
  double target = 0;
  Generated generated;
  double accuracy = 0;
  std::vector<Generated> randoms;
  std::vector<double> randomAccuracy;
  double errorPct() const { return 100.0 * (generated.cost.flops - target) / target; }
  double randomMean() const;
};

struct EvalSummary {
  std::vector<TargetResult> rows;
  int within5 = 0;          // |error| <= 5 %
  double kendallTau = 0;    // target vs achieved FLOPs
  int beatsRandom = 0;      // generated accuracy > mean of its randoms
  double meanAccuracy = 0, meanRandomAccuracy = 0, meanAbsErrorPct = 0, maxAbsErrorPct = 0;
  // How much "beats random" can be trusted. Each accuracy is an estimate on `evalImages`
  // test images (binomial standard error accuracySePerArch, ~0.009 at 0.8 on 2000), and the
  // random baselines of one FLOPs level differ among themselves by about as much, so a single
  // target's win is close to a coin flip when the true gap is under a point. The figures below
  // pool the targets: the paired difference (generated - mean of its randoms) averaged over
  // targets with its standard error (a 95 % interval is about +-2 SE; |mean/SE| < 2 is within
  // noise), the two-sided sign-test p-value of beatsRandom out of the targets (null: 1/2), and
  // the Wilcoxon signed-rank p-value of the paired differences (it also weighs their sizes:
  // at the top of the range only a few architectures exist and every method ties there, while
  // the wins at the low end are several points).
  double accuracyDiffMean = 0, accuracyDiffSe = 0, beatsRandomSignP = 1, beatsRandomWilcoxonP = 1;
  double accuracySePerArch = 0;
  double maxRandomFlopsGapPct = 0;  // largest |random - generated| FLOPs gap, % of generated
  std::int64_t evalImages = 0;
  Json toJson(const SgnasSpace& space) const;
};

std::vector<double> targetGrid(const Constraint& c, int n);  // bin midpoints

// Held-out constraint targets for a generator whose model selection used targetGrid(c, n)
// (selectionRequests uses the same midpoints): the n-1 points halfway between consecutive grid
// targets (the bin edges inside the range) and `randomCount` targets drawn uniformly over the
// grid's span [t_0, t_{n-1}] with `seed`, any draw closer than 1e-3 of the range to a grid
// target redrawn. So no held-out target is a target the kept epoch was chosen on, and all lie
// where the grid can vouch for interpolation (not beyond its ends).
std::vector<double> heldOutTargets(const Constraint& c, int n, int randomCount, std::uint64_t seed);

// How well a generator meets FLOPs targets: generation and exact cost only (no accuracy).
struct ConstraintSummary {
  std::vector<double> targets, achieved;
  int within5 = 0;
  double kendallTau = 0, meanAbsErrorPct = 0, maxAbsErrorPct = 0;
  void add(double target, double flops);  // call finish() after the last
  void finish();
  Json toJson() const;
};
ConstraintSummary constraintSatisfaction(SgnasGenerator& generator, const GeneratorSetup& setup,
                                         const std::vector<double>& flopsTargets);
ConstraintSummary constraintSatisfaction(const EvalSummary& evaluated);  // its (in-sample) rows

// progress(i, n) after each target.
EvalSummary evaluateGenerator(SgnasGenerator& generator, const GeneratorSetup& setup, SgnasSupernet& supernet,
                              const ImageDataset& eval, const Normalization& norm, const ImageDataset& calibration,
                              const EvalOptions& options, const std::function<void(int, int)>& progress = {});

}  // namespace nas::sgnas
