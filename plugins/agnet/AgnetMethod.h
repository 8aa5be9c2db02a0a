#pragma once
// The "agnet" job: AG-Net (or, with strategy=evolution|random, a baseline) on a query source:
// a benchmark table, a weight-sharing supernet or training from scratch (source=...), over
// several seeds, optionally with a second objective (flops, params, latency_ms or a table
// column; a limit, else a Pareto search). It writes to the workspace as it goes, one
// transaction per AG-Net round (per 16 queries for the baselines) with a checkpoint:
//   architectures (space "nb201") of every queried cell and every AG-Net candidate;
//   one evaluation per query (source/dataset/metric of the QuerySource, value x its
//   workspaceScale); metrics "best_so_far" (first seed, step = query) and, at the end,
//   "best_so_far_mean"; and samples, whose payload is a contract with the GUI's latent and
//   Pareto views (see AgnetJobWriter.h).
// A killed job resumes: a tabular search replays deterministically and skips what was
// written; expensive sources answer the cells this job already evaluated from the values
// its checkpoint kept instead of querying them again.
#include "jobs/Method.h"

namespace nas {
class QueryStrategyRegistry;
}

namespace nas::agnet {

class AgnetMethod final : public Method {
 public:
  // `strategies`: the engine's (PluginHost::queryStrategies()), with this plugin's "agnet";
  // the schema lists them and the baselines run by name from them. It must outlive the method.
  explicit AgnetMethod(const QueryStrategyRegistry& strategies) : strategies_(strategies) {}
  // Baselines have no rounds: their queries are written in batches of this size.
  static constexpr int kBaselineBatch = 16;

  std::string name() const override { return "agnet"; }
  std::string title() const override { return "AG-Net: generative search with a predictor"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  std::vector<std::string> resultKinds() const override { return {kSearchSamplesKind}; }
  std::vector<std::string> titleParams() const override { return {"strategy", "source"}; }
  Json run(JobContext& ctx) const override;
  // A rank > 0 of a data-parallel job (source=supernet) trains its share of the supernet.
  bool followDataParallelPhase(const Json& message) const override;

 private:
  const QueryStrategyRegistry& strategies_;
};

}  // namespace nas::agnet
