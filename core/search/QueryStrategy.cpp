// Random search and regularized evolution over NAS-Bench-201 cells.
#include "search/QueryStrategy.h"

#include "common/Error.h"

namespace nas {

Nb201Cell randomNb201Cell(Rng& rng) {
  std::uniform_int_distribution<int> pick(0, kNb201NumCells - 1);
  return Nb201Cell::fromIndex(pick(rng));
}

Nb201Cell mutateNb201Cell(const Nb201Cell& parent, Rng& rng) {
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

Nb201Cell RegularizedEvolution::propose(Rng& rng) {
  if (static_cast<int>(population_.size()) < populationSize_) return randomNb201Cell(rng);
  std::uniform_int_distribution<size_t> pick(0, population_.size() - 1);
  const Member* best = nullptr;
  for (int i = 0; i < sampleSize_; ++i) {
    const Member& m = population_[pick(rng)];
    if (!best || m.value > best->value) best = &m;
  }
  return mutateNb201Cell(best->cell, rng);
}

void RegularizedEvolution::observe(const Nb201Cell& cell, double value) {
  population_.push_back({cell, value});
  // Aging: the oldest dies, not the worst, so lucky early members cannot rule forever.
  if (static_cast<int>(population_.size()) > populationSize_) population_.erase(population_.begin());
}

std::vector<std::string> queryStrategyNames() { return {"random", "evolution"}; }

StrategyFactory queryStrategyFactory(const std::string& name) {
  if (name == "random") return [] { return std::make_unique<RandomSearch>(); };
  if (name == "evolution") return [] { return std::make_unique<RegularizedEvolution>(10, 3); };
  throw Error(ErrorCode::InvalidArgument, "unknown search strategy '" + name + "' (known: random, evolution)");
}

}  // namespace nas
