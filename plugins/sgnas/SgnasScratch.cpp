// Paired from-scratch comparison: differences, interval, tests, rank correlation.
#include "SgnasScratch.h"

#include <cmath>
#include <map>

#include "common/Error.h"
#include "search/Stats.h"

namespace nas::sgnas {

Json ScratchRow::toJson() const {
  return {{"target", target},   {"target_flops", targetFlops}, {"seed", seed},
          {"kind", kind},       {"arch", arch},                {"flops", flops},
          {"params", params},   {"supernet_accuracy", supernetAccuracy},
          {"test_accuracy", testAccuracy}, {"seconds", seconds}};
}

ScratchRow ScratchRow::fromJson(const Json& j) {
  try {
    ScratchRow r;
    r.target = j.at("target").get<int>();
    r.targetFlops = j.at("target_flops").get<double>();
    r.seed = j.at("seed").get<int>();
    r.kind = j.at("kind").get<std::string>();
    r.arch = j.at("arch").get<std::string>();
    r.flops = j.at("flops").get<double>();
    r.params = j.at("params").get<double>();
    r.supernetAccuracy = j.at("supernet_accuracy").get<double>();
    r.testAccuracy = j.at("test_accuracy").get<double>();
    r.seconds = j.at("seconds").get<double>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CorruptData, std::string("malformed row: ") + e.what(), "sgnas-scratch checkpoint");
  }
}

double tQuantile975(int df) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) throw Error(ErrorCode::InvalidArgument, "needs df >= 1", "tQuantile975");
  if (df <= 30) return table[df - 1];
  return 1.959964 + 2.4 / df;  // within 0.002 of the exact value above 30
}

Json summarizeScratch(const std::vector<ScratchRow>& rows) {
  // (target, seed) -> generated, random
  std::map<std::pair<int, int>, std::pair<const ScratchRow*, const ScratchRow*>> pairs;
  for (const auto& r : rows) {
    auto& p = pairs[{r.target, r.seed}];
    (r.kind == "generated" ? p.first : p.second) = &r;
  }
  std::map<int, std::vector<double>> perTarget;  // target -> per-seed differences
  std::map<std::string, std::vector<double>> perGenerated;  // generated architecture -> its differences
  std::map<int, double> targetFlops;
  std::vector<double> gen, rnd;
  int complete = 0;
  for (const auto& [key, p] : pairs) {
    if (!p.first || !p.second) continue;
    ++complete;
    perTarget[key.first].push_back(p.first->testAccuracy - p.second->testAccuracy);
    perGenerated[p.first->arch].push_back(p.first->testAccuracy - p.second->testAccuracy);
    targetFlops[key.first] = p.first->targetFlops;
    gen.push_back(p.first->testAccuracy);
    rnd.push_back(p.second->testAccuracy);
  }
  std::vector<double> d;
  Json targets = Json::array();
  for (const auto& [t, v] : perTarget) {
    d.push_back(mean(v));
    targets.push_back({{"target", t}, {"target_flops", targetFlops[t]}, {"seeds", v.size()}, {"difference", d.back()}});
  }
  Json out{{"pairs", complete}, {"targets", d.size()}, {"per_target", targets}};
  out["generated_mean"] = gen.empty() ? 0.0 : mean(gen);
  out["random_mean"] = rnd.empty() ? 0.0 : mean(rnd);
  int wins = 0;
  for (double x : d) wins += x > 0;
  out["generated_wins"] = wins;
  if (d.size() >= 2) {
    const double m = mean(d), se = stddev(d) / std::sqrt(static_cast<double>(d.size()));
    const double q = tQuantile975(static_cast<int>(d.size()) - 1);
    out["difference_mean"] = m;
    out["difference_se"] = se;
    out["difference_ci95"] = {m - q * se, m + q * se};
    out["wilcoxon_p"] = wilcoxonSignedRankP(d);
    out["sign_test_p"] = signTestP(wins, static_cast<int>(d.size()));
  } else {
    out["difference_mean"] = d.empty() ? 0.0 : d[0];
    out["difference_se"] = 0.0;
    out["difference_ci95"] = {0.0, 0.0};
    out["wilcoxon_p"] = 1.0;
    out["sign_test_p"] = 1.0;
  }
  // Targets whose generator returned the same architecture are not independent (a generator
  // that misses its targets repeats itself): the same test with one unit per distinct
  // generated architecture, its difference the mean over all its pairs.
  std::vector<double> g;
  for (const auto& [arch, v] : perGenerated) g.push_back(mean(v));
  Json byArchitecture{{"units", g.size()}};
  int gWins = 0;
  for (double x : g) gWins += x > 0;
  byArchitecture["generated_wins"] = gWins;
  if (g.size() >= 2) {
    const double m = mean(g), se = stddev(g) / std::sqrt(static_cast<double>(g.size()));
    const double q = tQuantile975(static_cast<int>(g.size()) - 1);
    byArchitecture["difference_mean"] = m;
    byArchitecture["difference_ci95"] = {m - q * se, m + q * se};
    byArchitecture["wilcoxon_p"] = wilcoxonSignedRankP(g);
  }
  out["by_generated_architecture"] = byArchitecture;
  // Rank correlation over distinct architectures: estimate vs mean scratch accuracy.
  std::map<std::string, std::pair<double, std::vector<double>>> byArch;
  for (const auto& r : rows) {
    auto& a = byArch[r.arch];
    a.first = r.supernetAccuracy;
    a.second.push_back(r.testAccuracy);
  }
  std::vector<double> est, real, seedSd;
  for (const auto& [arch, a] : byArch) {
    est.push_back(a.first);
    real.push_back(mean(a.second));
    if (a.second.size() >= 2) seedSd.push_back(stddev(a.second));
  }
  out["architectures"] = est.size();
  out["kendall_tau_supernet_vs_scratch"] = est.size() >= 2 ? kendallTau(est, real) : 0.0;
  // How much one architecture's scratch accuracy moves between seeds (the noise a difference
  // has to beat).
  out["seed_sd_same_arch"] = seedSd.empty() ? 0.0 : mean(seedSd);
  return out;
}

}  // namespace nas::sgnas
