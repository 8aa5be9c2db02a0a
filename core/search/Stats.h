#pragma once
// Small statistics used to judge searches and rankings: mean/std, Kendall tau-b and
// Spearman rho (ties handled), quantiles, and two paired tests (sign, Wilcoxon signed-rank).

#include <vector>

namespace nas {

double mean(const std::vector<double>& v);
double stddev(const std::vector<double>& v);  // sample standard deviation (n-1)
double median(std::vector<double> v);
// Kendall tau-b: ties in either list handled; O(n^2), fine below ~20k pairs per side.
double kendallTau(const std::vector<double>& a, const std::vector<double>& b);
// Spearman rank correlation with average ranks for ties.
double spearmanRho(const std::vector<double>& a, const std::vector<double>& b);
// Average ranks (1-based), ties share the mean rank.
std::vector<double> averageRanks(const std::vector<double>& v);

// Standard error of an accuracy (a proportion p in [0, 1]) measured on n samples:
// sqrt(p (1 - p) / n); 0 when n <= 0 (nothing measured, no error to show).
double binomialStandardError(double p, double n);

// Two-sided exact sign-test p-value of `wins` out of `n` (ties counted as losses) under p = 1/2.
double signTestP(int wins, int n);
// Two-sided exact Wilcoxon signed-rank p-value of paired differences against "symmetric about
// 0". Zero differences are dropped (Wilcoxon's rule); tied |d| share their average rank and the
// null distribution is enumerated over those ranks, so ties are exact too. Unlike the sign test
// it weighs how far each difference is from 0, so a few large wins are not cancelled by many
// coin-flip losses. n <= 60 after dropping zeros (more throws InvalidArgument; use a normal
// approximation there); no differences give 1.
double wilcoxonSignedRankP(const std::vector<double>& differences);

}  // namespace nas
