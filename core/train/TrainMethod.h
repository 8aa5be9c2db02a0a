#pragma once
// The "train" job: one NAS-Bench-201 architecture trained from scratch on Fashion-MNIST,
// CIFAR-10 or the synthetic set, resumable from its checkpoint, writing curves, the
// architecture and its accuracies into the workspace.
#include <functional>
#include <optional>
#include <string>

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

// For the commands that run a job: in a data-parallel job (torchrun's environment,
// train/DistGroup.h) a rank > 0 waits here for rank 0's job (method and resolved parameters,
// sent when rank 0's run() starts), trains its share of every batch, reads and writes no
// workspace, and returns the method's name. std::nullopt in a one-process run and on rank 0,
// which runs the job itself. Another method's data-parallel phases (train/DistributedJob.h:
// sgnas, agnet) run through its followDataParallelPhase(), the method found in `methods`,
// which is called only then (so a rank of a `train` job loads no plugins). Throws
// Error(Unsupported) for a method that does not train data-parallel, Error(IoError) when
// another rank fails.
std::optional<std::string> followDistributedJob(const std::function<const MethodRegistry&()>& methods);

}  // namespace nas
