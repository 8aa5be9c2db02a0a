#pragma once
// The "sgnas" job: the whole SGNAS pipeline in three resumable phases,
//   1. supernet: train the unified supernet with fair path sampling,
//   2. generator: train the constraint-conditioned generator on the frozen supernet,
//   3. evaluate: generate for a grid of FLOPs targets over the reachable range, estimate
//      accuracy with inherited weights, and compare with random architectures of equal FLOPs.
// One checkpoint holds the phase and that phase's state; it is saved every few steps and at
// every epoch end, so a killed job resumes where it stopped. Results: metric series
// (supernet_loss, generator_loss, hc_loss, kendall_tau, ...), artifacts "supernet"/"supernet"
// and "generator"/"best", architectures (space "sgnas") with evaluations from source
// "supernet", and one sample per evaluated architecture.
#include "jobs/Method.h"

namespace nas::sgnas {

class SgnasMethod final : public Method {
 public:
  std::string name() const override { return "sgnas"; }
  std::string title() const override { return "SGNAS: search by generating"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  Json run(JobContext& ctx) const override;
  std::unique_ptr<LiveGenerator> openGenerator(Workspace& ws, JobId job) const override;
};

}  // namespace nas::sgnas
