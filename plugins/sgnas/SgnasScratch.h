#pragma once
// The summary of the "sgnas-scratch" job (torch-free): generated and random architectures
// of equal FLOPs trained from scratch, paired by target. Per target i the paired difference
// d_i = mean over seeds of (generated - random) test accuracy, where seed s trains both with
// the same initialisation seed and data order and draws a fresh random architecture within
// 1 % of the generated one's FLOPs; over the targets: mean d, its standard error, a 95 %
// Student-t interval, the exact Wilcoxon signed-rank and sign-test p-values; and Kendall tau
// between the supernet's inherited-weight estimate and the from-scratch accuracy (mean over
// the seeds it was trained with) over the distinct architectures. `by_generated_architecture`
// repeats the interval and test with one unit per distinct generated architecture, since
// targets that got the same architecture are not independent.
#include <string>
#include <vector>

#include "common/Json.h"

namespace nas::sgnas {

struct ScratchRow {
  int target = 0;  // index of the target
  double targetFlops = 0;
  int seed = 0;
  std::string kind;  // "generated" or "random"
  std::string arch;
  double flops = 0, params = 0;
  double supernetAccuracy = 0, testAccuracy = 0, seconds = 0;
  Json toJson() const;
  static ScratchRow fromJson(const Json& j);  // throws CorruptData naming the field
};

double tQuantile975(int df);  // two-sided 95 % Student-t quantile; df >= 1

// Only complete pairs count: a (target, seed) with both rows. Throws nothing on too few pairs
// (the figures are then 0 and "pairs" says how many there were).
Json summarizeScratch(const std::vector<ScratchRow>& rows);

}  // namespace nas::sgnas
