#pragma once
// The "sgnas-scratch" job: from-scratch evidence for a finished sgnas job's generator. For
// `targets` FLOPs targets spread over the range (bin midpoints of their own grid), it
// generates an architecture, and for each of `seeds` seeds draws a random architecture within
// 1 % of the generated one's FLOPs and trains both from scratch with that seed (same
// initialisation seed, same data order), records the supernet's inherited-weight estimate of
// each, and summarises the paired differences (SgnasScratch.h). Seed 0 of every target comes
// first, so a job stopped early still has whole pairs. Resumable per architecture: the plan
// (architectures) and the finished rows are the checkpoint.
#include "jobs/Method.h"

namespace nas::sgnas {

class SgnasScratchMethod final : public Method {
 public:
  std::string name() const override { return "sgnas-scratch"; }
  std::string title() const override { return "SGNAS: generated vs random from scratch, paired"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  Json run(JobContext& ctx) const override;
};

}  // namespace nas::sgnas
