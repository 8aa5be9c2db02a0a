// bench_repnas_deploy: what re-parameterisation buys on this machine.
//   bench_repnas_deploy [--samples 50] [--seed 1] [--rounds 6] [--threads 1] [--workspace FILE]
// Draws `samples` random training-form architectures of the "dbb" space (its own sampler),
// builds each network once in training form and once deployed (the same masks folded into one
// conv per layer), and times all 2 x samples networks interleaved in `rounds` shuffled passes
// (each a block of 5 runs after one warm-up, its minimum the round's value; a network's
// latency is the median over rounds), on the profile clock (thread CPU time with 1 thread).
// With --workspace, the workspace's latest "dbb" device profile also predicts both forms
// (table sum and, when stored, its correction): MAPE per form. Prints one JSON object with
// every network's pair under "networks".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <numeric>
#include <string>

#include "DbbLatency.h"
#include "common/Error.h"
#include "common/Json.h"
#include "store/Workspace.h"

using namespace nas;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

struct Net {
  std::string arch;
  LatencySpace::NetworkTimer timer;
  std::vector<double> rounds;
};

}  // namespace

int main(int argc, char** argv) {
  int samples = 50, rounds = 6, threads = 1;
  std::uint64_t seed = 1;
  std::string workspace;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--samples") samples = std::stoi(v);
    else if (a == "--seed") seed = std::stoull(v);
    else if (a == "--rounds") rounds = std::stoi(v);
    else if (a == "--threads") threads = std::stoi(v);
    else if (a == "--workspace") workspace = v;
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  try {
    const auto space = repnas::makeDbbLatencySpace();
    LatencyOptions o;
    o.threads = threads;
    o.timing.clock = profileClock(threads);
    std::mt19937_64 rng(seed);
    std::vector<Net> train, deployed;
    for (int i = 0; i < samples; ++i) {
      const std::string arch = space->randomArchitecture(rng);
      train.push_back({arch, space->prepareNetwork(arch, o), {}});
      deployed.push_back({"deploy:" + arch, space->prepareNetwork("deploy:" + arch, o), {}});
    }
    TimingOptions round;
    round.warmupRuns = 1;
    round.warmupMs = 0;
    round.minRepeats = round.maxRepeats = kLatencyBlockSize;
    round.blockSize = kLatencyBlockSize;
    round.budgetMs = 0;
    round.clock = o.timing.clock;
    std::vector<Net*> all;
    for (auto& n : train) all.push_back(&n);
    for (auto& n : deployed) all.push_back(&n);
    for (int r = 0; r < rounds; ++r) {
      std::shuffle(all.begin(), all.end(), rng);
      for (Net* n : all) n->rounds.push_back(n->timer(round).medianMs);
    }
    std::vector<double> tMs, dMs, speedup;
    Json pairs = Json::array();
    for (int i = 0; i < samples; ++i) {
      tMs.push_back(median(train[static_cast<size_t>(i)].rounds));
      dMs.push_back(median(deployed[static_cast<size_t>(i)].rounds));
      speedup.push_back(tMs.back() / dMs.back());
      pairs.push_back({{"arch", train[static_cast<size_t>(i)].arch}, {"training_ms", tMs.back()}, {"deployed_ms", dMs.back()}});
    }
    Json out{{"samples", samples},
             {"threads", threads},
             {"clock", timingClockName(o.timing.clock)},
             {"training_ms_mean", mean(tMs)},
             {"deployed_ms_mean", mean(dMs)},
             {"speedup_mean", mean(speedup)},
             {"speedup_median", median(speedup)},
             {"speedup_min", *std::min_element(speedup.begin(), speedup.end())},
             {"speedup_max", *std::max_element(speedup.begin(), speedup.end())}};
    if (!workspace.empty()) {
      auto ws = Workspace::openForReading(workspace);
      const auto profile = resolveDeviceProfile(*ws, "", space->name());
      if (!profile) throw Error(ErrorCode::NotFound, "no device profile with entries of 'dbb'", workspace);
      const LatencyTable table = LatencyTable::load(*ws, *profile, *space);
      const auto mape = [&](const std::vector<Net>& nets, const std::vector<double>& measured, bool corrected) {
        double sum = 0;
        for (size_t i = 0; i < nets.size(); ++i) {
          const auto terms = space->entriesOf(nets[i].arch);
          const double p = corrected ? table.predict(terms) : table.lutSum(terms);
          sum += std::abs(p - measured[i]) / measured[i];
        }
        return 100.0 * sum / static_cast<double>(nets.size());
      };
      out["profile"] = profile->name;
      out["training_mape_table_sum"] = mape(train, tMs, false);
      out["deployed_mape_table_sum"] = mape(deployed, dMs, false);
      if (table.correction()) {
        out["training_mape_corrected"] = mape(train, tMs, true);
        out["deployed_mape_corrected"] = mape(deployed, dMs, true);
      }
    }
    out["networks"] = pairs;
    std::cout << out.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_repnas_deploy: " << e.what() << "\n";
    return 1;
  }
}
