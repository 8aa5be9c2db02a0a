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

#include "common/Json.h"
#include "searchspace/Nb201Cell.h"

namespace nas {

template <class T>
class NamedRegistry;

// The only randomness of a search: seeded per run, never a global generator. A standard
// engine, for the std distributions the strategies draw with; the data pipeline's nas::Rng
// (data/Rng.h) is a different, one-word generator.
using SearchRng = std::mt19937_64;

// The objectives of a search. Single: maximise the metric. Limit: maximise the metric among
// cells whose cost is at most `limit` (the hard constraint of AG-Net's hardware search).
// Pareto: maximise the metric and minimise the cost together. The cost is the second
// objective (FLOPs, params or a table column), always minimised, known exactly per cell.
struct SearchObjectives {
  enum class Mode { Single, Limit, Pareto };
  Mode mode = Mode::Single;
  std::string costName;                          // "flops", "params" or a table column
  std::function<double(const Nb201Cell&)> cost;  // set for Limit and Pareto
  double limit = 0;                              // Limit only
  bool feasible(const Nb201Cell& c) const { return mode != Mode::Limit || cost(c) <= limit; }
};

class QueryStrategy {
 public:
  virtual ~QueryStrategy() = default;
  virtual std::string name() const = 0;
  // The next cell to query. It may be one already queried (the loop then asks again, and
  // after a few refusals queries a random unseen cell instead, which it still observes).
  virtual Nb201Cell propose(SearchRng& rng) = 0;
  // The value of a cell the loop has just queried, in query order.
  virtual void observe(const Nb201Cell& cell, double value) = 0;
  // Called once by the loop before the first proposal when the search has a second
  // objective. Strategies that ignore it still work: the loop reports the best feasible cell.
  virtual void setObjectives(const SearchObjectives&) {}
};

using StrategyFactory = std::function<std::unique_ptr<QueryStrategy>()>;

// Uniform random cell, every op equally likely on every edge.
Nb201Cell randomNb201Cell(SearchRng& rng);
// The cell with exactly one edge changed to a different op, edge and op uniform.
Nb201Cell mutateNb201Cell(const Nb201Cell& parent, SearchRng& rng);

// Uniformly random cells.
class RandomSearch final : public QueryStrategy {
 public:
  std::string name() const override { return "random"; }
  Nb201Cell propose(SearchRng& rng) override { return randomNb201Cell(rng); }
  void observe(const Nb201Cell&, double) override {}
};

// Regularized evolution (Real et al., AAAI 2019): the first `population` proposals are
// random; after that each proposal mutates the best of `sample` members drawn uniformly
// with replacement, and every observed cell joins the population while the oldest leaves.
class RegularizedEvolution final : public QueryStrategy {
 public:
  explicit RegularizedEvolution(int population = 10, int sample = 3);
  std::string name() const override { return "evolution"; }
  Nb201Cell propose(SearchRng& rng) override;
  void observe(const Nb201Cell& cell, double value) override;
  // Limit: a cell over the limit competes with value - 1000 (every feasible one beats it).
  // Pareto: the tournament compares rank sums (metric rank + cost rank) in the population.
  void setObjectives(const SearchObjectives& objectives) override { objectives_ = objectives; }

 private:
  struct Member {
    Nb201Cell cell;
    double value;
  };
  int populationSize_;
  int sampleSize_;
  std::vector<Member> population_;  // oldest first
  SearchObjectives objectives_;
};

// Strategy parameters as a JSON object of name -> value (numbers, strings, booleans).
using StrategyParams = Json;
using ParamStrategyFactory = std::function<std::unique_ptr<QueryStrategy>(const StrategyParams&)>;

// The query strategies of one Engine (engine/Engine.h): the built-in "random" and
// "evolution", and those plugins add through PluginHost::addQueryStrategy. `defaults`
// documents every parameter with its default; a factory gets the user's overrides only and
// must reject unknown names. Not synchronised: filled while plugins load, read after.
class QueryStrategyRegistry {
 public:
  QueryStrategyRegistry();
  ~QueryStrategyRegistry();
  QueryStrategyRegistry(QueryStrategyRegistry&&) noexcept;
  QueryStrategyRegistry& operator=(QueryStrategyRegistry&&) noexcept;
  // Throws PluginError for an empty name, a missing factory, or a built-in or taken name.
  void add(const std::string& name, ParamStrategyFactory factory, Json defaults = Json::object());
  bool remove(const std::string& name);  // a rollback; false when `name` is not a registered one
  bool contains(const std::string& name) const;
  // Built-in names first, then registered ones in registration order.
  std::vector<std::string> names() const;
  // The defaults a strategy documents (an empty object for random; evolution's population
  // and sample). NotFound lists the known names.
  Json defaults(const std::string& name) const;
  // Builds a strategy by name; InvalidArgument lists known names. `params` overrides
  // defaults; an unknown parameter is InvalidArgument.
  StrategyFactory factory(const std::string& name, const StrategyParams& params = Json::object()) const;

 private:
  struct Registered;
  std::unique_ptr<NamedRegistry<Registered>> registered_;
};

// A built-in strategy ("random", "evolution") by name, without an engine (tests, benches);
// a plugin's strategy needs the engine's QueryStrategyRegistry.
StrategyFactory queryStrategyFactory(const std::string& name, const StrategyParams& params = Json::object());

}  // namespace nas
