#pragma once
// Buffers the agnet job's queries and AG-Net candidates and writes them in one transaction
// per unit (an AG-Net round, or a batch of baseline queries).
//
// Samples are a CONTRACT with the GUI (latent-space and Pareto views), keep it exactly:
//   round       AG-Net round: 0 = the initial random queries, 1.. = rounds; baselines
//               (evolution, random): the query index
//   archId      the cell (space "nb201")
//   payloadJson {"seed": int,
//                "x", "y": float, projected latent coordinates (AG-Net candidates only;
//                          absent in round 0 and for the baselines),
//                "predicted": the predictor's value as a workspace fraction, or null,
//                "queried": bool,
//                "query": 1-based query index (when queried),
//                "value": the queried value as a workspace fraction (when queried),
//                "cost": the second objective (only when the search has one)}
// One sample per AG-Net candidate of a round (the new valid cells the predictor ranked; the
// top k are queried) and one per query that was no candidate (round 0, random fill-ins).
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "AgnetSearch.h"
#include "search/Nb201ArchIds.h"
#include "search/QuerySearch.h"
#include "store/Workspace.h"

namespace nas::agnet {

class JobWriter {
 public:
  // `scale`: the source's workspaceScale; `objectives`: for the "cost" of samples.
  JobWriter(Workspace& ws, JobId job, const QuerySource& source, const SearchObjectives& objectives);

  // One query of `seed` in `round`; `firstSeed` adds it to the best_so_far curve.
  void addQuery(std::uint64_t seed, bool firstSeed, int round, const QueryRecord& r);
  // The candidates of `round` (empty for round 0 and the baselines); the queries of the
  // round added so far are matched to them. Buffers the round's samples.
  void closeRound(std::uint64_t seed, int round, const std::vector<RoundCandidate>& candidates);
  bool empty() const { return evals_.empty() && samples_.empty(); }
  // Writes everything buffered (inside the caller's transaction when there is one).
  void flush();
  // Drops everything buffered (a unit a previous run of the job already wrote).
  void discard();

 private:
  double cost(const Nb201Cell& cell) const;

  Workspace& ws_;
  JobId job_;
  const QuerySource& source_;
  SearchObjectives objectives_;
  double scale_;
  std::vector<QueryRecord> roundQueries_;
  std::vector<Nb201Cell> archs_;  // cells whose ids the buffered evaluations need, one per evaluation
  std::vector<EvaluationRecord> evals_;
  std::vector<MetricPoint> points_;
  struct PendingSample {
    int round;
    Nb201Cell cell;
    Json payload;
  };
  std::vector<PendingSample> samples_;
  Nb201ArchIds archId_;
};

}  // namespace nas::agnet
