#pragma once
// The "sgnas-retrain" job: trains architectures of a finished sgnas job from scratch, for a
// short schedule, and sets their test accuracy next to the supernet's inherited-weight
// estimate. By default it takes `count` generated architectures spread over the job's
// evaluated FLOPs targets and, per target, one random architecture of equal FLOPs, so the
// "generated beats random" claim is checked with real training too. Resumable per
// architecture; results as evaluations from source "scratch" and one sample per architecture.
#include "jobs/Method.h"

namespace nas::sgnas {

class SgnasRetrainMethod final : public Method {
 public:
  std::string name() const override { return "sgnas-retrain"; }
  std::string title() const override { return "SGNAS: train generated architectures from scratch"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  Json run(JobContext& ctx) const override;
};

}  // namespace nas::sgnas
