#pragma once
// How long a job will run, before it exists (issue 21): the method's work model
// (Method::work) times a measured speed. The speed is that of the newest finished job of the
// same method in the workspace that ran in one go (seconds per unit of its own work); without
// one, the reference speed the method states; without either, no figure. Every estimate says
// its basis, so a person can judge it ("about 4 min, from job 12's speed"). No Qt, no torch.
#include <optional>
#include <string>
#include <vector>

#include "common/Json.h"
#include "jobs/Method.h"
#include "store/Records.h"

namespace nas {

struct RunTimeEstimate {
  std::optional<double> seconds;      // nullopt: nothing to base a figure on
  std::string basis;                  // one sentence: where the speed comes from
  JobId fromJob = 0;                  // the finished job whose speed was used (0: none)
  std::optional<WorkAmount> work;     // the new job's work, when the method models it
};

// `params`: the new job's resolved parameters. `jobs`: the workspace's jobs (any order).
// Never throws: a model that fails for some parameters gives an estimate without a figure.
RunTimeEstimate estimateRunTime(const Method& method, const Json& params, const std::vector<JobRecord>& jobs);

// "about 40 s", "about 4 min", "about 1.5 h": rounded as an estimate should be.
std::string roughDuration(double seconds);

}  // namespace nas
