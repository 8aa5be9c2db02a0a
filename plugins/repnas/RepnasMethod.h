#pragma once
// The "repnas" job (arXiv 2109.03508): trains a RepVGG-style network whose every layer is a
// diverse branch block, searching which optional branches each layer keeps under a global
// branch budget (branch_set=searched: random -> search -> fixed), or training a fixed set with
// the same schedule (repvgg, full, random, given: the baselines at equal deployed cost); then
// folds every layer into one KxK conv and compares both forms: test accuracy, max |logit
// difference|, latency. Writes per epoch a metric point and a sample holding the layers x
// branches choice grid (the search's progress), resumes from its epoch checkpoint, and keeps
// the deployed network as the artifact "model"/"deployed" (space, architecture, weights) and
// the architecture (space "repnas:<preset>") with evaluations from source "repnas".
#include "jobs/Method.h"

namespace nas::repnas {

class RepnasMethod final : public Method {
 public:
  std::string name() const override { return "repnas"; }
  std::string title() const override { return "RepNAS: branch search and one-conv deployment"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  std::vector<std::string> resultKinds() const override { return {kHeatGridsKind}; }
  std::vector<std::string> titleParams() const override { return {"branch_set"}; }
  Json run(JobContext& ctx) const override;
};

}  // namespace nas::repnas
