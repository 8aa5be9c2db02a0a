#pragma once
// Small statistics used to judge searches and rankings: mean/std, Kendall tau-b and
// Spearman rho (ties handled), quantiles.

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

}  // namespace nas
