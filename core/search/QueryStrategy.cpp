// Random search and regularized evolution over NAS-Bench-201 cells.
#include "search/QueryStrategy.h"

#include <algorithm>
#include <mutex>

#include "common/Error.h"
#include "plugin/NamedRegistry.h"
#include "plugin/PluginApi.h"
#include "search/Stats.h"

namespace nas {

Nb201Cell randomNb201Cell(SearchRng& rng) {
  std::uniform_int_distribution<int> pick(0, kNb201NumCells - 1);
  return Nb201Cell::fromIndex(pick(rng));
}

Nb201Cell mutateNb201Cell(const Nb201Cell& parent, SearchRng& rng) {
  std::uniform_int_distribution<int> edgeDist(0, kNb201NumEdges - 1);
  // Draw among the 4 other ops, then skip over the current one: always a real change.
  std::uniform_int_distribution<int> opDist(0, kNb201NumOps - 2);
  const int edge = edgeDist(rng);
  int op = opDist(rng);
  if (op >= static_cast<int>(parent.op(edge))) ++op;
  Nb201Cell child = parent;
  child.setOp(edge, static_cast<Nb201Op>(op));
  return child;
}

RegularizedEvolution::RegularizedEvolution(int population, int sample)
    : populationSize_(population), sampleSize_(sample) {
  if (population < 1 || sample < 1)
    throw Error(ErrorCode::InvalidArgument,
                "evolution needs population >= 1 and sample >= 1, got " + std::to_string(population) + " and " +
                    std::to_string(sample));
}

Nb201Cell RegularizedEvolution::propose(SearchRng& rng) {
  if (static_cast<int>(population_.size()) < populationSize_) return randomNb201Cell(rng);
  // Fitness per member: the value, penalised over the limit, or minus the rank sum.
  std::vector<double> fitness(population_.size());
  if (objectives_.mode == SearchObjectives::Mode::Pareto) {
    std::vector<double> values, costs;
    for (const Member& m : population_) {
      values.push_back(-m.value);  // rank 1 = best value
      costs.push_back(objectives_.cost(m.cell));
    }
    const std::vector<double> rv = averageRanks(values), rc = averageRanks(costs);
    for (size_t i = 0; i < fitness.size(); ++i) fitness[i] = -(rv[i] + rc[i]);
  } else {
    for (size_t i = 0; i < fitness.size(); ++i)
      fitness[i] = population_[i].value - (objectives_.feasible(population_[i].cell) ? 0.0 : 1000.0);
  }
  std::uniform_int_distribution<size_t> pick(0, population_.size() - 1);
  size_t best = population_.size();
  for (int i = 0; i < sampleSize_; ++i) {
    const size_t m = pick(rng);
    if (best == population_.size() || fitness[m] > fitness[best]) best = m;
  }
  return mutateNb201Cell(population_[best].cell, rng);
}

void RegularizedEvolution::observe(const Nb201Cell& cell, double value) {
  population_.push_back({cell, value});
  // Aging: the oldest dies, not the worst, so lucky early members cannot rule forever.
  if (static_cast<int>(population_.size()) > populationSize_) population_.erase(population_.begin());
}

namespace {

struct RegisteredStrategy {
  std::string name;
  ParamStrategyFactory factory;
  Json defaults;
};

// Process-wide (registerQueryStrategy is a free function), so guarded by a mutex.
struct StrategyRegistry {
  std::mutex mutex;
  NamedRegistry<RegisteredStrategy> strategies{"query strategy"};
};

StrategyRegistry& registry() {
  static StrategyRegistry r;
  return r;
}

const char* const kBuiltinStrategies[] = {"random", "evolution"};

bool isBuiltin(const std::string& name) {
  return std::find(std::begin(kBuiltinStrategies), std::end(kBuiltinStrategies), name) != std::end(kBuiltinStrategies);
}

std::string knownNames() {
  std::string out;
  for (const auto& n : queryStrategyNames()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void checkParamNames(const std::string& strategy, const StrategyParams& params, const Json& defaults) {
  if (!params.is_object())
    throw Error(ErrorCode::InvalidArgument, "parameters of strategy '" + strategy + "' must be a JSON object");
  for (const auto& [key, value] : params.items())
    if (!defaults.contains(key)) {
      std::string known;
      for (const auto& [k, v] : defaults.items()) known += (known.empty() ? "" : ", ") + k;
      throw Error(ErrorCode::InvalidArgument, "strategy '" + strategy + "' has no parameter '" + key + "' (known: " +
                                                  (known.empty() ? std::string("none") : known) + ")");
    }
}

int intParam(const std::string& strategy, const StrategyParams& params, const std::string& key, int fallback) {
  if (!params.contains(key)) return fallback;
  const Json& v = params.at(key);
  if (!v.is_number_integer())
    throw Error(ErrorCode::InvalidArgument, "parameter '" + key + "' of strategy '" + strategy + "' must be an integer");
  return v.get<int>();
}

}  // namespace

void registerQueryStrategy(const std::string& name, ParamStrategyFactory factory, Json defaults) {
  if (name.empty() || !factory)
    throw Error(ErrorCode::PluginError, "a query strategy needs a name and a factory");
  if (isBuiltin(name)) throw Error(ErrorCode::PluginError, "query strategy '" + name + "' is built in");
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.strategies.add(name, std::make_unique<RegisteredStrategy>(RegisteredStrategy{name, std::move(factory), std::move(defaults)}));
}

void PluginHost::addQueryStrategy(const std::string& name, ParamStrategyFactory factory, Json defaults) {
  if (name.empty() || !factory) throw Error(ErrorCode::PluginError, "a query strategy needs a name and a factory");
  const auto known = queryStrategyNames();
  if (std::find(known.begin(), known.end(), name) != known.end())
    throw Error(ErrorCode::PluginError, "query strategy '" + name + "' is already registered or built in");
  auto held = std::make_shared<std::pair<ParamStrategyFactory, Json>>(std::move(factory), std::move(defaults));
  stage("strategy:" + name, [name, held] { registerQueryStrategy(name, std::move(held->first), std::move(held->second)); });
}

std::vector<std::string> queryStrategyNames() {
  std::vector<std::string> names(std::begin(kBuiltinStrategies), std::end(kBuiltinStrategies));
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto& n : r.strategies.namesInOrder()) names.push_back(n);
  return names;
}

Json queryStrategyDefaults(const std::string& name) {
  if (name == "random") return Json::object();
  if (name == "evolution") return Json{{"population", 10}, {"sample", 3}};
  auto& r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    if (const RegisteredStrategy* s = r.strategies.find(name)) return s->defaults;
  }
  throw Error(ErrorCode::NotFound, "unknown search strategy '" + name + "' (known: " + knownNames() + ")");
}

StrategyFactory queryStrategyFactory(const std::string& name, const StrategyParams& params) {
  if (name == "random") {
    checkParamNames(name, params, Json::object());
    return [] { return std::make_unique<RandomSearch>(); };
  }
  if (name == "evolution") {
    checkParamNames(name, params, queryStrategyDefaults(name));
    const int population = intParam(name, params, "population", 10), sample = intParam(name, params, "sample", 3);
    RegularizedEvolution check(population, sample);  // validates now, not per seed
    return [population, sample] { return std::make_unique<RegularizedEvolution>(population, sample); };
  }
  ParamStrategyFactory factory;
  Json defaults;
  {
    auto& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (const RegisteredStrategy* s = r.strategies.find(name)) {
      factory = s->factory;
      defaults = s->defaults;
    }
  }
  if (!factory)
    throw Error(ErrorCode::InvalidArgument, "unknown search strategy '" + name + "' (known: " + knownNames() + ")");
  checkParamNames(name, params, defaults);
  Json p = params;
  return [factory, p] { return factory(p); };
}

}  // namespace nas
