#pragma once
// AG-Net as a query strategy (AG-Net: search/Search_Tabular.py, written anew): after
// `numInit` random queries, each round retrains the pretrained generator + predictor on the
// queried cells with rank weights, samples latent codes until more than `numTest` new valid
// cells appear, ranks them by the predictor and queues the top `k`. The loop hands the queue
// out one proposal at a time. Pretraining (reconstruction of the space's cells) is shared by
// every strategy of the process with the same pretraining settings.

#include <torch/torch.h>

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "AgnetModel.h"
#include "common/Json.h"
#include "search/Pareto.h"
#include "search/QueryStrategy.h"

namespace nas::agnet {

struct PretrainConfig {
  ModelConfig model;
  // The paper: 2.5 M instances at lr 2e-4. Here 500 steps at 2e-3 reach the same optimum
  // (uniform op marginals + the fixed adjacency: loss (6/8) ln 5 = 1.21, validity > 0.99) in
  // about a minute on one core; see the plugin README.
  int samples = 16000;
  int batchSize = 32;
  double lr = 2e-3;       // Adam, betas (0.5, 0.999)
  std::uint64_t seed = 0;
  int validitySamples = 1000;  // latent codes drawn after training to measure validity
};

struct Pretrained {
  Generator generator{nullptr};
  double validity = 0;     // valid fraction of samples from z ~ U(-3, 3)
  double uniqueValid = 0;  // distinct valid cells among those samples
  double finalLoss = 0;    // mean reconstruction loss over the last 10% of steps
  double seconds = 0;
};

// Whose pretrained generator a search starts from. Shared: one per process and pretraining
// settings, the same for every seed, as in the official code (every trial of
// Search_Tabular.py loads the one shipped state_dicts/NASBench201/best.model). PerSeed: each
// run pretrains its own, seeded from the run's random stream, so the seeds' spread includes
// the pretraining's.
enum class PretrainMode { Shared, PerSeed };
const char* pretrainModeName(PretrainMode mode);  // "shared", "per-seed"

// Trains a generator on reconstruction of all 15,625 cells (drawn uniformly). Deterministic.
std::shared_ptr<const Pretrained> pretrain(const PretrainConfig& config);
// The same, memoised per process by config (thread-safe): every seed of a run shares one.
std::shared_ptr<const Pretrained> sharedPretrained(const PretrainConfig& config);

struct SearchConfig {
  int numInit = 16;          // random queries before the first round (num_init)
  int k = 16;                // top-k of the predictor queried per round
  int numTest = 100;         // new valid candidates kept per round (num_test)
  int ticks = 30;            // training instances per round = ticks * tickSize
  int tickSize = 16;         // grows by the number of cells added each round
  int batchSize = 16;
  double weightFactor = 0.01;  // kappa of the rank weights 1 / (kappa |D| + rank)
  double alpha = 0.9;        // loss = (1 - alpha) rec + alpha pred
  double lr = 1e-3;          // Adam, betas (0.5, 0.999)
  double latentBound = 3;    // z ~ U(-b, b)
  int sampleStart = 100;     // sampling batch sizes 100, 200, ... < sampleEnd
  int sampleEnd = 1000;
  double infeasibleWeight = 0.005;  // rank-weight factor of cells over the limit (pi)
  double infeasiblePenalty = 1000;  // subtracted from the predicted score of candidates over it
  double valueScale = 0;     // targets = value / scale; 0: 100 when values look like percent
  // The paper's budget: the official loop (search_data = 310) queries rounds of k until more
  // than searchData cells are queried (paperQueryBudget).
  int searchData = 310;
  PretrainConfig pretrain;
  PretrainMode pretrainMode = PretrainMode::Shared;  // the official code's
};

// The queries the official loop spends: num_init, then whole rounds of k, until more than
// search_data cells are queried: 16 + 19 x 16 = 320 with the defaults. (Its results list the
// best-by-validation cell after 16, 32, ..., 304 queries.)
int paperQueryBudget(const SearchConfig& config);

// Parameter names and defaults as the strategy registry documents them.
Json searchConfigDefaults();
// Defaults overridden by params; InvalidArgument names a bad value.
SearchConfig searchConfigFromParams(const Json& params);

// One new valid cell a round sampled and ranked (the latent-space view shows all of them,
// the queried ones marked).
struct RoundCandidate {
  Nb201Cell cell;
  double predicted = 0;               // the predictor's value, in the queried values' unit
  std::array<float, 2> latent{};      // projectLatent of the code it was decoded from
  bool queued = false;                // among the top-k handed to the loop
};

struct RoundInfo {
  int queried = 0;         // |D| when the round started
  int sampled = 0;         // latent codes decoded
  double validity = 0;     // valid fraction of them
  int candidates = 0;      // new valid cells ranked
  double trainLoss = 0;    // weighted loss of the last epoch
  double seconds = 0;
  std::vector<std::array<float, 2>> latent2d;  // fixed 2D projection of the queued cells' z
  std::vector<std::string> queued;            // the top-k, best first
  std::vector<RoundCandidate> ranked;         // every candidate, best-ranked first
};

class AgnetStrategy final : public QueryStrategy {
 public:
  explicit AgnetStrategy(SearchConfig config);
  std::string name() const override { return "agnet"; }
  Nb201Cell propose(SearchRng& rng) override;
  void observe(const Nb201Cell& cell, double value) override;
  void setObjectives(const SearchObjectives& objectives) override { objectives_ = objectives; }

  const std::vector<RoundInfo>& rounds() const { return rounds_; }
  // The generator the search started from; PerSeed: null until the first proposal.
  std::shared_ptr<const Pretrained> pretrained() const { return pretrained_; }
  // The factor from predictor outputs to the values' unit (100 for percent tables), known
  // after the first observation.
  double valueScale() const { return scale_; }

 private:
  void start(SearchRng& rng);  // first proposal: the torch generator and, PerSeed, pretraining
  void runRound(SearchRng& rng);
  std::vector<double> rankWeights() const;
  void train(SearchRng& rng);

  SearchConfig config_;
  std::shared_ptr<const Pretrained> pretrained_;
  Generator generator_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::optional<at::Generator> torchGen_;
  SearchObjectives objectives_;
  std::vector<Nb201Cell> data_;
  std::vector<double> values_;
  std::unordered_set<int> seen_;
  std::vector<Nb201Cell> queue_;  // next proposals, front = next
  std::size_t dataAtLastRound_ = 0;
  int tickSize_;
  double scale_ = 0;
  std::vector<RoundInfo> rounds_;
};

// The paper's rank weights: w_i = 1 / (kappa * n + rank_i), rank 0 for the largest value
// (ties by order).
std::vector<double> rankWeights(const std::vector<double>& values, double kappa);

// Pareto mode's order of the candidates to query (NSGA-II survivor selection): by
// non-dominated front of (exact cost, minimised; predicted value, maximised), first front
// first, and within a front by crowding distance, its two ends first. Scores, higher first:
// front f scores in (-f, -f + 1).
std::vector<double> paretoAcquisition(const std::vector<double>& costs, const std::vector<double>& predicted);

// The fixed 2D projection of latent codes for the latent-space view: a constant random
// Gaussian matrix (seed 201) scaled by 1/sqrt(dim), the same for every run and round.
std::array<float, 2> projectLatent(const float* z, int dim);

}  // namespace nas::agnet
