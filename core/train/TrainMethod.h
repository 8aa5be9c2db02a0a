#pragma once
// The "train" job: one NAS-Bench-201 architecture trained from scratch on Fashion-MNIST,
// CIFAR-10 or the synthetic set, resumable from its checkpoint, writing curves, the
// architecture and its accuracies into the workspace.
#include "jobs/Method.h"

namespace nas {

class TrainMethod final : public Method {
 public:
  std::string name() const override { return "train"; }
  std::string title() const override { return "Train from scratch"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  Json run(JobContext& ctx) const override;
  // Image passes times the cell's MFLOPs at the data set's input size (TrainWork.cpp).
  std::optional<WorkAmount> work(const Json& resolvedParams) const override;
};

}  // namespace nas
