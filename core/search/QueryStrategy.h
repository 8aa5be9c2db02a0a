#pragma once
// Query-based search over NAS-Bench-201 cells, ask/tell style: the search loop asks the
// strategy for a cell (propose), queries it, and tells the strategy the value (observe).
// The loop owns the budget, the random generator and the rule that no cell is queried
// twice; a strategy only has to be good at proposing. Strategies that think in batches
// (AG-Net ranks 100 candidates and queries the top 16) keep a queue and hand it out one
// proposal at a time, refilling it when it runs dry.
//
// Values are maximised (accuracies). A strategy instance serves one run: the multi-seed
// runner builds a fresh one per seed through a factory.

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "searchspace/Nb201Cell.h"

namespace nas {

// The only randomness of a search: seeded per run, never a global generator.
using Rng = std::mt19937_64;

class QueryStrategy {
 public:
  virtual ~QueryStrategy() = default;
  virtual std::string name() const = 0;
  // The next cell to query. It may be one already queried (the loop then asks again, and
  // after a few refusals queries a random unseen cell instead, which it still observes).
  virtual Nb201Cell propose(Rng& rng) = 0;
  // The value of a cell the loop has just queried, in query order.
  virtual void observe(const Nb201Cell& cell, double value) = 0;
};

using StrategyFactory = std::function<std::unique_ptr<QueryStrategy>()>;

// Uniform random cell, every op equally likely on every edge.
Nb201Cell randomNb201Cell(Rng& rng);
// The cell with exactly one edge changed to a different op, edge and op uniform.
Nb201Cell mutateNb201Cell(const Nb201Cell& parent, Rng& rng);

// Uniformly random cells.
class RandomSearch final : public QueryStrategy {
 public:
  std::string name() const override { return "random"; }
  Nb201Cell propose(Rng& rng) override { return randomNb201Cell(rng); }
  void observe(const Nb201Cell&, double) override {}
};

// Regularized evolution (Real et al., AAAI 2019): the first `population` proposals are
// random; after that each proposal mutates the best of `sample` members drawn uniformly
// with replacement, and every observed cell joins the population while the oldest leaves.
class RegularizedEvolution final : public QueryStrategy {
 public:
  explicit RegularizedEvolution(int population = 10, int sample = 3);
  std::string name() const override { return "evolution"; }
  Nb201Cell propose(Rng& rng) override;
  void observe(const Nb201Cell& cell, double value) override;

 private:
  struct Member {
    Nb201Cell cell;
    double value;
  };
  int populationSize_;
  int sampleSize_;
  std::vector<Member> population_;  // oldest first
};

// Builds a strategy by name ("random", "evolution"); InvalidArgument lists known names.
StrategyFactory queryStrategyFactory(const std::string& name);
std::vector<std::string> queryStrategyNames();

}  // namespace nas
