#pragma once
// The samples of a search job (AG-Net's "agnet", "tabular-search") as plain data for the
// search views: one struct per sample, with its round, latent coordinates, predicted and true
// value and cost, plus what the job says about its objectives. No torch, no Qt, so the views
// are fed by data and this reader is tested on its own.
//
// Payload contract (SampleRecord::payloadJson, an object):
//   "seed" int; "x","y" latent coords (absent for round 0 and for tabular searches);
//   "predicted" fraction or null; "queried" bool (absent = queried); "query" 1-based index;
//   "value" fraction (when queried); "cost" number (only with a second objective).
// Values are kept as written (fractions); views choose their display unit.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/Records.h"

namespace nas {

class Workspace;

struct SearchSample {
  static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

  std::int64_t sampleId = 0;  // SampleRecord::id: unique, unlike the architecture
  ArchId archId = 0;          // 0 when the sample names no architecture
  int round = 0;
  std::int64_t seed = 0;
  bool hasLatent = false;
  double x = kNone, y = kNone;
  double predicted = kNone;
  bool queried = true;
  int query = 0;  // 0 when unknown
  double value = kNone;
  double cost = kNone;  // from the payload; NaN when it has none
  // Filled by loadSearchRun from the workspace; empty / NaN otherwise.
  std::string canonical;
  double flops = kNone;
};

struct SearchRun {
  JobId job = 0;
  std::string method;
  std::vector<SearchSample> samples;  // ordered by round, then by sample id
  // The second objective's name ("flops", "params", "latency_ms", ...): the job result's
  // "objective2", else the spec's params, else "cost" when payloads carry costs without a
  // name, else empty (views then use the architecture's FLOPs).
  std::string costName;
  bool payloadCosts = false;  // some sample carries a "cost"
  std::string metric;         // the searched metric's name when the job says it, else empty
  // Samples that could not be read were skipped; one line each ("sample #12 (round 3): ...").
  std::vector<std::string> problems;

  bool hasLatent() const;
  std::vector<std::int64_t> seeds() const;  // sorted, distinct
  // Rounds present among samples with latent coordinates of `seed` (all seeds when < 0), sorted.
  std::vector<int> latentRounds(std::int64_t seed = -1) const;
  // Latent samples per round for `seed` (all seeds when < 0).
  std::map<int, int> latentCountPerRound(std::int64_t seed = -1) const;
};

// Whether a job's samples follow the contract above, as its method declared when the job was
// submitted (the spec's "result_kinds" holds kSearchSamplesKind, jobs/Method.h). Specs written
// before methods declared kinds (plugin API < 4) have none: std::nullopt, "look at the samples".
std::optional<bool> isSearchJob(const JobRecord& job);

// One sample; throws Error(ParseError) naming the sample when its payload is not a JSON object
// or a key has the wrong type (a string for "x", say).
SearchSample parseSearchSample(const SampleRecord& record);

// Reads every sample (a malformed one is skipped and listed in `problems`, so one bad row
// never hides the rest) and the objective names from the job's result and spec JSON. Samples
// of another kind sharing the table (a payload with a "kind", such as a user's pin) are left out.
SearchRun readSearchRun(const std::vector<SampleRecord>& records, const std::string& resultJson = "{}",
                        const std::string& specJson = "{}");

// readSearchRun on the job's rows, with each sample's canonical string and FLOPs filled from
// its architecture. Throws Error (NotFound for a missing job, store errors).
SearchRun loadSearchRun(const Workspace& ws, JobId job);

// Search jobs of the workspace (isSearchJob; a job with an older spec counts when its samples
// carry a "seed", as every search sample does), newest first.
std::vector<JobRecord> searchJobs(const Workspace& ws);

}  // namespace nas
