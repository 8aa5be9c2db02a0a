#pragma once
// The "tabular-search" job: random search or regularized evolution on a tabular NAS-Bench-201
// benchmark over several seeds. Every query lands in the workspace (architecture with its
// FLOPs/params, an evaluation, a sample), with best-so-far curves, so the GUI can show the
// search live and compare it with other jobs afterwards.

#include "jobs/Method.h"

namespace nas {

class QueryStrategyRegistry;

class TabularSearchMethod final : public Method {
 public:
  // `strategies`: the engine's, read when the schema is asked for and when a job runs (all
  // plugins are loaded by then); it must outlive the method.
  explicit TabularSearchMethod(const QueryStrategyRegistry& strategies) : strategies_(strategies) {}
  // Queries are written to the workspace in batches of this size, one transaction each;
  // cancellation and progress are checked at the same points.
  static constexpr int kWriteBatch = 20;

  std::string name() const override { return "tabular-search"; }
  std::string title() const override { return "Tabular benchmark search"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  std::vector<std::string> resultKinds() const override { return {kSearchSamplesKind}; }
  std::vector<std::string> titleParams() const override { return {"strategy"}; }
  Json run(JobContext& ctx) const override;

 private:
  const QueryStrategyRegistry& strategies_;
};

}  // namespace nas
