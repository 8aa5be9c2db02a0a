#pragma once
// Validation of a device profile's lookup table: whole networks of random architectures are
// measured end to end (timed exactly like the entries: same threads, batch, warm-up and
// repeats, median) and compared with the table's predictions: MAPE and Kendall tau. An
// optional correction (measured ~= scale x table sum + offset, least squares) is fitted on a
// separate calibration set of networks, so the figures on the validation set are held out.
// The pairs and the correction are stored in the workspace for the GUI. No torch here.
#include <cstdint>
#include <vector>

#include "common/CancelToken.h"
#include "common/Json.h"
#include "common/ProgressSink.h"
#include "jobs/LatencySpace.h"

namespace nas {

class Workspace;

struct LatencyValidationOptions {
  int samples = 50;          // validation networks
  int calibration = 20;      // networks for fitting the correction (0: no correction)
  std::uint64_t seed = 1;
  // Networks are timed interleaved: `rounds` passes over all of them in a shuffled order,
  // each timing one block of `runsPerRound` runs (after one warm-up run) whose minimum is the
  // round's value; a network's latency is the median over rounds, its spread their IQR.
  // Threads, batch and clock come from the profile, so entries and networks share a footing.
  int rounds = 6;
  int runsPerRound = kLatencyBlockSize;
  bool store = true;         // write the pairs and the correction into the workspace
};

struct LatencyFit {
  double scale = 1, offsetMs = 0;
};
// Least squares y ~= scale x + offset; fewer than 2 distinct x throws InvalidArgument.
LatencyFit fitLinear(const std::vector<double>& x, const std::vector<double>& y);
// Mean absolute percentage error in percent: mean |p - m| / m x 100.
double meanAbsPercentError(const std::vector<double>& predicted, const std::vector<double>& measured);

struct LatencyValidationResult {
  std::string profile, space;
  int samples = 0;
  double mape = 0, kendallTau = 0;         // of the predictor as stored (corrected when a correction is kept)
  double mapeRaw = 0, kendallTauRaw = 0;   // of the plain table sum
  bool corrected = false;
  LatencyFit correction;
  double seconds = 0;
  std::vector<LatencyValidationRecord> pairs;
  Json toJson() const;  // {"mape", "kendall_tau", "samples", ...}
};

LatencyValidationResult validateLatency(Workspace& ws, const DeviceProfileRecord& profile, const LatencySpace& space,
                                        const LatencyValidationOptions& options, ProgressSink& sink,
                                        const CancelToken& cancel = {});

}  // namespace nas
