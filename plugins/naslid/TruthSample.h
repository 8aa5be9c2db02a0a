#pragma once
// The fixed sample of NAS-Bench-201 cells a ranking study is judged on, stratified so that the
// sample spans the space rather than clustering where most cells are. Two rules:
//  - params: all 15,625 cells sorted by trainable parameters of the macro network (then by
//    index), cut into `count` equal strata, one cell drawn uniformly from each (the first
//    rule; large cells are not necessarily good ones, so its accuracies can be bunched).
//  - accuracy: the connected cells of a NAS-Bench-201 table (cells cut off from the input
//    score chance under any method and would only inflate every criterion's tau) sorted by
//    the table's accuracy (then by index), cut into `count` quantile strata, one drawn from
//    each: the sample runs from bad to good cells, so the true differences between them can
//    exceed the noise of a short from-scratch training.
// The same (rule, count, seed, macro or table) always gives the same cells, in stratum order.
#include <cstdint>
#include <string>
#include <vector>

#include "searchspace/Nb201Cell.h"

namespace nas {
class TabularBenchmark;
}

namespace nas::naslid {

enum class Strata { Params, Accuracy };
// "params" | "accuracy"; anything else: Error(InvalidArgument), context "strata".
Strata parseStrata(const std::string& name);
const char* strataName(Strata s);

std::vector<Nb201Cell> stratifiedSample(int count, std::uint64_t seed, const Nb201MacroConfig& macro);
std::vector<Nb201Cell> stratifiedByAccuracy(int count, std::uint64_t seed, const TabularBenchmark& table,
                                            const std::string& metric = "test_accuracy");
// Either rule; `accuracy` reads the NB201 table at tablePath (empty: the shipped CIFAR-10 one).
// `params` uses the benchmark's reference network (C=16, N=5), so the cells do not depend on
// the study's C and N.
std::vector<Nb201Cell> truthSample(Strata rule, int count, std::uint64_t seed, const std::string& tablePath = "");

// Top-k precision: the fraction of the k best cells by `truth` that are among the k best by
// `predicted` (ties broken by position). k is clamped to 1..n.
double topKPrecision(const std::vector<double>& predicted, const std::vector<double>& truth, int k);

}  // namespace nas::naslid
