#pragma once
// The fixed sample of NAS-Bench-201 cells a ranking study is judged on. Stratified by size so
// that small and large cells are both present: all 15,625 cells sorted by trainable parameters
// of the macro network (then by index), cut into `count` equal strata, one cell drawn
// uniformly from each. The same (count, seed, macro) always gives the same cells.
#include <cstdint>
#include <vector>

#include "searchspace/Nb201Cell.h"

namespace nas::naslid {

std::vector<Nb201Cell> stratifiedSample(int count, std::uint64_t seed, const Nb201MacroConfig& macro);

// Top-k precision: the fraction of the k best cells by `truth` that are among the k best by
// `predicted` (ties broken by position). k is clamped to 1..n.
double topKPrecision(const std::vector<double>& predicted, const std::vector<double>& truth, int k);

}  // namespace nas::naslid
