// Example plugin: a query strategy, "local-search", for NAS-Bench-201 tabular searches.
//
// First-improvement local search with restarts (White et al., "Local search is state of the
// art for neural architecture search benchmarks", 2020): the first `init` proposals are
// random cells; the best of them becomes the current cell. Then its 24 neighbours (one edge
// changed to another op) are proposed in random order; the first one that beats the current
// cell becomes the current cell and its neighbourhood is walked next. A current cell whose
// whole neighbourhood was queried without improvement is a local optimum: the search
// restarts from a random cell.
//
// The search loop (core/search) owns the budget and never queries a cell twice: when this
// strategy proposes a cell already queried, the loop asks again.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/Error.h"
#include "plugin/PluginApi.h"
#include "search/QueryStrategy.h"

namespace {

class LocalSearch final : public nas::QueryStrategy {
 public:
  explicit LocalSearch(int init) : init_(init) {}
  std::string name() const override { return "local-search"; }

  nas::Nb201Cell propose(nas::SearchRng& rng) override {
    if (observed_ < init_ || !hasCurrent_) return nas::randomNb201Cell(rng);
    if (neighbours_.empty()) {
      if (walked_) {  // the whole neighbourhood was queried: a local optimum, restart
        hasCurrent_ = false;
        walked_ = false;
        return nas::randomNb201Cell(rng);
      }
      neighbours_ = neighboursOf(current_);
      std::shuffle(neighbours_.begin(), neighbours_.end(), rng);
      walked_ = true;
    }
    nas::Nb201Cell next = neighbours_.back();
    neighbours_.pop_back();
    return next;
  }

  void observe(const nas::Nb201Cell& cell, double value) override {
    ++observed_;
    if (hasCurrent_ && value <= currentValue_) return;
    // The first cell after a (re)start, or an improvement: it becomes the current cell, whose
    // neighbourhood is walked next (during the random start, only the best is remembered).
    current_ = cell;
    currentValue_ = value;
    hasCurrent_ = true;
    neighbours_.clear();
    walked_ = false;
  }

 private:
  static std::vector<nas::Nb201Cell> neighboursOf(const nas::Nb201Cell& cell) {
    std::vector<nas::Nb201Cell> out;
    for (int e = 0; e < nas::kNb201NumEdges; ++e)
      for (int op = 0; op < nas::kNb201NumOps; ++op) {
        if (op == static_cast<int>(cell.op(e))) continue;
        nas::Nb201Cell n = cell;
        n.setOp(e, static_cast<nas::Nb201Op>(op));
        out.push_back(n);
      }
    return out;
  }

  int init_;
  int observed_ = 0;
  bool hasCurrent_ = false;
  nas::Nb201Cell current_;
  double currentValue_ = 0;
  std::vector<nas::Nb201Cell> neighbours_;  // of current_, still to propose
  bool walked_ = false;                     // neighbours_ was filled for current_
};

// Parameters arrive as the user's overrides only (`--strategy-param init=20`); the loader
// has already refused names missing from the defaults registered below.
std::unique_ptr<nas::QueryStrategy> makeLocalSearch(const nas::StrategyParams& params) {
  int init = 10;
  if (params.contains("init")) {
    if (!params["init"].is_number_integer() || params["init"].get<int>() < 1)
      throw nas::Error(nas::ErrorCode::InvalidArgument, "must be an integer >= 1",
                       "parameter 'init' of strategy 'local-search'");
    init = params["init"].get<int>();
  }
  return std::make_unique<LocalSearch>(init);
}

}  // namespace

// The two symbols every plugin exports. The version is compiled in from the headers this
// plugin was built against; NAS Studio refuses the plugin when it differs from its own.
NASSTUDIO_PLUGIN_EXPORT int nasstudio_plugin_api_version() { return nas::kPluginApiVersion; }

NASSTUDIO_PLUGIN_EXPORT void nasstudio_plugin_register(nas::PluginHost* host) {
  host->addQueryStrategy("local-search", makeLocalSearch, nas::Json{{"init", 10}});
}
