#pragma once
// The "latency-profile" job: measures every lookup-table entry of a latency space on this
// machine into a named device profile of the workspace. Each entry is written in its own
// transaction as soon as it is measured, and entries already in the profile are skipped, so
// a killed or cancelled job resumes where it stopped (`jobs resume`, or the same command
// again). Progress and cancel come from the job machinery. No torch here: the space measures.
#include "jobs/LatencySpace.h"
#include "jobs/Method.h"

namespace nas {

class LatencyProfileMethod final : public Method {
 public:
  // `spaces` must outlive the method (the engine owns both).
  explicit LatencyProfileMethod(const LatencySpaceRegistry& spaces) : spaces_(spaces) {}
  std::string name() const override { return "latency-profile"; }
  std::string title() const override { return "Latency profile"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  Json run(JobContext& ctx) const override;
  std::optional<WorkAmount> work(const Json& resolvedParams) const override;

  // Options of a resolved parameter object (threads, batch, repeats, budget_ms).
  static LatencyOptions optionsFrom(const Json& resolvedParams);
  // "<host>-t<threads>-b<batch>" when the profile parameter is empty.
  static std::string defaultProfileName(int threads, int batch);

 private:
  const LatencySpaceRegistry& spaces_;
};

}  // namespace nas
