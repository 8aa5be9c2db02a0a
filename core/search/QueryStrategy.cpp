// Random search and regularized evolution over NAS-Bench-201 cells.
#include "search/QueryStrategy.h"

#include <algorithm>

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

const char* const kBuiltinStrategies[] = {"random", "evolution"};

bool isBuiltin(const std::string& name) {
  return std::find(std::begin(kBuiltinStrategies), std::end(kBuiltinStrategies), name) != std::end(kBuiltinStrategies);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
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

// Null for a name that is not built in.
StrategyFactory builtinFactory(const std::string& name, const StrategyParams& params) {
  if (name == "random") {
    checkParamNames(name, params, Json::object());
    return [] { return std::make_unique<RandomSearch>(); };
  }
  if (name == "evolution") {
    checkParamNames(name, params, Json{{"population", 10}, {"sample", 3}});
    const int population = intParam(name, params, "population", 10), sample = intParam(name, params, "sample", 3);
    RegularizedEvolution check(population, sample);  // validates now, not per seed
    return [population, sample] { return std::make_unique<RegularizedEvolution>(population, sample); };
  }
  return {};
}

}  // namespace

struct QueryStrategyRegistry::Registered {
  ParamStrategyFactory factory;
  Json defaults;
};

QueryStrategyRegistry::QueryStrategyRegistry()
    : registered_(std::make_unique<NamedRegistry<Registered>>("query strategy")) {}
QueryStrategyRegistry::~QueryStrategyRegistry() = default;
QueryStrategyRegistry::QueryStrategyRegistry(QueryStrategyRegistry&&) noexcept = default;
QueryStrategyRegistry& QueryStrategyRegistry::operator=(QueryStrategyRegistry&&) noexcept = default;

void QueryStrategyRegistry::add(const std::string& name, ParamStrategyFactory factory, Json defaults) {
  if (name.empty() || !factory)
    throw Error(ErrorCode::PluginError, "a query strategy needs a name and a factory");
  if (isBuiltin(name)) throw Error(ErrorCode::PluginError, "query strategy '" + name + "' is built in");
  registered_->add(name, std::make_unique<Registered>(Registered{std::move(factory), std::move(defaults)}));
}

bool QueryStrategyRegistry::remove(const std::string& name) { return registered_->remove(name); }

bool QueryStrategyRegistry::contains(const std::string& name) const {
  return isBuiltin(name) || registered_->contains(name);
}

std::vector<std::string> QueryStrategyRegistry::names() const {
  std::vector<std::string> names(std::begin(kBuiltinStrategies), std::end(kBuiltinStrategies));
  for (const auto& n : registered_->namesInOrder()) names.push_back(n);
  return names;
}

Json QueryStrategyRegistry::defaults(const std::string& name) const {
  if (name == "random") return Json::object();
  if (name == "evolution") return Json{{"population", 10}, {"sample", 3}};
  if (const Registered* s = registered_->find(name)) return s->defaults;
  throw Error(ErrorCode::NotFound, "unknown search strategy '" + name + "' (known: " + joined(names()) + ")");
}

StrategyFactory QueryStrategyRegistry::factory(const std::string& name, const StrategyParams& params) const {
  if (StrategyFactory builtin = builtinFactory(name, params)) return builtin;
  const Registered* s = registered_->find(name);
  if (!s)
    throw Error(ErrorCode::InvalidArgument, "unknown search strategy '" + name + "' (known: " + joined(names()) + ")");
  checkParamNames(name, params, s->defaults);
  ParamStrategyFactory factory = s->factory;
  Json p = params;
  return [factory, p] { return factory(p); };
}

StrategyFactory queryStrategyFactory(const std::string& name, const StrategyParams& params) {
  if (StrategyFactory builtin = builtinFactory(name, params)) return builtin;
  throw Error(ErrorCode::InvalidArgument, "unknown built-in search strategy '" + name + "' (known: " +
                                              joined({std::begin(kBuiltinStrategies), std::end(kBuiltinStrategies)}) +
                                              "; a plugin's strategy needs the engine's registry)");
}

void PluginHost::addQueryStrategy(const std::string& name, ParamStrategyFactory factory, Json defaults) {
  if (!registries_.strategies)
    throw Error(ErrorCode::PluginError, "this host takes no query strategies", "plugin '" + name_ + "'");
  if (name.empty() || !factory) throw Error(ErrorCode::PluginError, "a query strategy needs a name and a factory");
  QueryStrategyRegistry& strategies = *registries_.strategies;
  if (strategies.contains(name))
    throw Error(ErrorCode::PluginError, "query strategy '" + name + "' is already registered or built in");
  auto held = std::make_shared<std::pair<ParamStrategyFactory, Json>>(std::move(factory), std::move(defaults));
  stage(
      "strategy:" + name,
      [&strategies, name, held] { strategies.add(name, std::move(held->first), std::move(held->second)); },
      [&strategies, name] { strategies.remove(name); });
}

const QueryStrategyRegistry& PluginHost::queryStrategies() const {
  if (!registries_.strategies)
    throw Error(ErrorCode::PluginError, "this host has no query strategies", "plugin '" + name_ + "'");
  return *registries_.strategies;
}

}  // namespace nas
