#pragma once
// A trained SGNAS generator behind core's LiveGenerator interface: loaded once from a job's
// "generator"/"best" artifact (which carries the space, ranges and prior pool), then each
// generate() is one forward pass, argmax decoding and the exact cost. It measures nothing
// itself (the CLI times it). Accuracy estimates the job already stored for an architecture
// are looked up, never computed.
#include <map>
#include <memory>

#include "SgnasGeneratorTraining.h"
#include "jobs/Method.h"

namespace nas::sgnas {

class SgnasLiveGenerator final : public LiveGenerator {
 public:
  // Throws NotFound when the job has no trained generator.
  static std::unique_ptr<SgnasLiveGenerator> open(Workspace& ws, JobId job);
  SgnasLiveGenerator(LoadedGenerator loaded, std::map<std::string, double> knownAccuracy);

  std::vector<ControlSpec> controls() const override;
  Json generate(const Json& targets) override;
  const GeneratorSetup& setup() const { return g_.setup; }

 private:
  LoadedGenerator g_;
  std::map<std::string, double> known_;  // canonical -> supernet_val_accuracy
};

}  // namespace nas::sgnas
