#pragma once
// A trained SGNAS generator behind core's LiveGenerator interface: loaded once from a job's
// "generator"/"best" artifact (which carries the space, ranges and prior pool), then each
// generate() is one forward pass, argmax decoding and the exact cost; sweep() answers K
// targets in one batched forward. It measures nothing itself (the CLI times it). estimate()
// runs the job's supernet on the architecture's path (SgnasSupernetEstimator), on the one
// worker thread the caller dedicates to it; accuracy estimates the job already stored are
// also reported by generate() ("estimated_accuracy"), since they cost nothing.
#include <map>
#include <memory>

#include "SgnasGeneratorTraining.h"
#include "SgnasSupernetEstimator.h"
#include "jobs/Method.h"

namespace nas::sgnas {

class SgnasLiveGenerator final : public LiveGenerator {
 public:
  // Throws NotFound when the job has no trained generator. Without a supernet artifact the
  // generator still works and estimate() throws NotFound.
  static std::unique_ptr<SgnasLiveGenerator> open(Workspace& ws, JobId job);
  SgnasLiveGenerator(LoadedGenerator loaded, std::map<std::string, double> knownAccuracy,
                     std::unique_ptr<SgnasSupernetEstimator> estimator = nullptr);

  std::vector<ControlSpec> controls() const override;
  Json generate(const Json& targets) override;
  Json sweep(const std::string& control, int points, const Json& fixed) override;
  std::optional<Json> estimate(const std::string& arch) override;
  const GeneratorSetup& setup() const { return g_.setup; }

 private:
  Json describe(const Generated& g, bool withGraph) const;

  LoadedGenerator g_;
  std::map<std::string, double> known_;  // canonical -> supernet_val_accuracy
  std::unique_ptr<SgnasSupernetEstimator> estimator_;
};

}  // namespace nas::sgnas
