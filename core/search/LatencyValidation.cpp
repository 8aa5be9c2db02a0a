#include "search/LatencyValidation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "common/Error.h"
#include "search/Stats.h"
#include "store/Workspace.h"

namespace nas {

LatencyFit fitLinear(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2)
    throw Error(ErrorCode::InvalidArgument, "needs at least 2 pairs of equal-length lists", "linear fit");
  const double mx = mean(x), my = mean(y);
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (!(sxx > 0)) throw Error(ErrorCode::InvalidArgument, "all x values are equal", "linear fit");
  LatencyFit f;
  f.scale = sxy / sxx;
  f.offsetMs = my - f.scale * mx;
  return f;
}

double meanAbsPercentError(const std::vector<double>& p, const std::vector<double>& m) {
  if (p.size() != m.size() || p.empty()) throw Error(ErrorCode::InvalidArgument, "needs equal, non-empty lists", "MAPE");
  double s = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!(m[i] > 0)) throw Error(ErrorCode::InvalidArgument, "measured value <= 0", "MAPE");
    s += std::abs(p[i] - m[i]) / m[i];
  }
  return 100.0 * s / static_cast<double>(p.size());
}

Json LatencyValidationResult::toJson() const {
  Json list = Json::array();
  for (const auto& v : pairs)
    list.push_back({{"arch", v.arch},
                    {"predicted_ms", v.correctedMs},
                    {"lut_sum_ms", v.predictedMs},
                    {"measured_ms", v.measuredMs},
                    {"iqr_ms", v.iqrMs}});
  Json j{{"profile", profile},   {"space", space},        {"samples", samples},     {"mape", mape},
         {"kendall_tau", kendallTau}, {"mape_raw", mapeRaw}, {"kendall_tau_raw", kendallTauRaw},
         {"corrected", corrected},  {"seconds", seconds},   {"pairs", list}};
  if (corrected) j["correction"] = {{"scale", correction.scale}, {"offset_ms", correction.offsetMs}};
  return j;
}

LatencyValidationResult validateLatency(Workspace& ws, const DeviceProfileRecord& profile, const LatencySpace& space,
                                        const LatencyValidationOptions& o, ProgressSink& sink,
                                        const CancelToken& cancel) {
  const auto started = std::chrono::steady_clock::now();
  if (o.samples < 2) throw Error(ErrorCode::InvalidArgument, "must be >= 2, got " + std::to_string(o.samples), "samples");
  if (o.calibration < 0 || o.calibration == 1)
    throw Error(ErrorCode::InvalidArgument, "must be 0 or >= 2, got " + std::to_string(o.calibration), "calibration");
  LatencyTable table = LatencyTable::load(ws, profile, space);  // throws when the profile lacks entries
  if (o.rounds < 1) throw Error(ErrorCode::InvalidArgument, "must be >= 1, got " + std::to_string(o.rounds), "rounds");
  if (o.runsPerRound < 1)
    throw Error(ErrorCode::InvalidArgument, "must be >= 1, got " + std::to_string(o.runsPerRound), "runs per round");
  LatencyOptions lo;
  lo.threads = profile.threads;
  lo.batch = profile.batch;
  lo.timing.clock = profileClock(profile.threads);  // as the entries were measured
  lo.validate();
  TimingOptions round;
  round.clock = lo.timing.clock;
  round.warmupRuns = 1;
  round.warmupMs = 0;
  round.minRepeats = round.maxRepeats = o.runsPerRound;
  round.budgetMs = 0;
  round.blockSize = o.runsPerRound;  // one block: the round's value is its minimum

  // Distinct architectures: calibration first, then validation, never the same one twice.
  std::mt19937_64 rng(o.seed);
  std::set<std::string> seen;
  auto draw = [&](int n) {
    std::vector<std::string> out;
    for (int tries = 0; static_cast<int>(out.size()) < n && tries < 100 * n + 1000; ++tries) {
      std::string a = space.randomArchitecture(rng);
      if (seen.insert(a).second) out.push_back(a);
    }
    return out;
  };
  const std::vector<std::string> calib = draw(o.calibration);
  const std::vector<std::string> valid = draw(o.samples);

  struct Item {
    std::string arch;
    LatencySpace::NetworkTimer timer;
    std::vector<double> rounds;
  };
  std::vector<Item> items;
  for (const auto& a : calib) items.push_back({a, {}, {}});
  for (const auto& a : valid) items.push_back({a, {}, {}});
  for (size_t i = 0; i < items.size(); ++i) {
    if (cancel.cancelled()) throw Error(ErrorCode::Cancelled, "latency validation cancelled");
    sink.progress(0.05 * static_cast<double>(i) / static_cast<double>(items.size()),
                  "building network " + std::to_string(i + 1) + "/" + std::to_string(items.size()));
    items[i].timer = space.prepareNetwork(items[i].arch, lo);
  }
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 shuffleRng(o.seed ^ 0x5eedULL);
  for (int r = 0; r < o.rounds; ++r) {
    std::shuffle(order.begin(), order.end(), shuffleRng);
    for (size_t k = 0; k < order.size(); ++k) {
      if (cancel.cancelled()) throw Error(ErrorCode::Cancelled, "latency validation cancelled");
      if (k % 10 == 0)
        sink.progress(0.05 + 0.95 * (static_cast<double>(r) + static_cast<double>(k) / static_cast<double>(order.size())) /
                                  static_cast<double>(o.rounds),
                      "round " + std::to_string(r + 1) + "/" + std::to_string(o.rounds));
      items[order[k]].rounds.push_back(items[order[k]].timer(round).medianMs);
    }
  }
  struct Measured {
    double lut, measured, iqr;
  };
  auto summarize = [&](size_t begin, size_t end) {
    std::vector<Measured> out;
    for (size_t i = begin; i < end; ++i) {
      const TimingStats t = summarizeTimings(items[i].rounds);
      out.push_back({table.lutSum(space.entriesOf(items[i].arch)), t.medianMs, t.iqrMs});
    }
    return out;
  };
  const std::vector<Measured> cal = summarize(0, calib.size());
  const std::vector<Measured> val = summarize(calib.size(), items.size());

  LatencyValidationResult r;
  r.profile = profile.name;
  r.space = space.name();
  r.samples = static_cast<int>(val.size());
  std::vector<double> lut, meas;
  for (const auto& m : val) {
    lut.push_back(m.lut);
    meas.push_back(m.measured);
  }
  r.mapeRaw = meanAbsPercentError(lut, meas);
  r.kendallTauRaw = kendallTau(lut, meas);

  // The correction is kept only when it helps on the calibration set itself.
  if (cal.size() >= 2) {
    std::vector<double> cx, cy;
    for (const auto& m : cal) {
      cx.push_back(m.lut);
      cy.push_back(m.measured);
    }
    const LatencyFit fit = fitLinear(cx, cy);
    std::vector<double> cp;
    for (double x : cx) cp.push_back(fit.scale * x + fit.offsetMs);
    if (fit.scale > 0 && meanAbsPercentError(cp, cy) < meanAbsPercentError(cx, cy)) {
      r.corrected = true;
      r.correction = fit;
    }
  }
  if (r.corrected) {
    LatencyCorrectionRecord c;
    c.space = space.name();
    c.scale = r.correction.scale;
    c.offsetMs = r.correction.offsetMs;
    c.samples = static_cast<std::int64_t>(cal.size());
    table.setCorrection(c);
  } else {
    table.setCorrection(std::nullopt);
  }
  std::vector<double> pred;
  for (size_t i = 0; i < val.size(); ++i) {
    LatencyValidationRecord v;
    v.space = space.name();
    v.arch = valid[i];
    v.predictedMs = val[i].lut;
    v.correctedMs = table.correct(val[i].lut);
    v.measuredMs = val[i].measured;
    v.iqrMs = val[i].iqr;
    pred.push_back(v.correctedMs);
    r.pairs.push_back(std::move(v));
  }
  r.mape = meanAbsPercentError(pred, meas);
  r.kendallTau = kendallTau(pred, meas);
  if (o.store) {
    ws.transaction([&] {
      if (table.correction()) ws.putLatencyCorrection(profile.id, *table.correction());
      else if (o.calibration > 0) ws.clearLatencyCorrection(profile.id, space.name());
      ws.replaceLatencyValidations(profile.id, space.name(), r.pairs);
    });
  }
  sink.progress(1.0, "done");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

}  // namespace nas
