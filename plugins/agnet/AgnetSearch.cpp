#include "AgnetSearch.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <type_traits>

#include <ATen/CPUGeneratorImpl.h>

#include "common/Error.h"
#include "search/Pareto.h"

namespace nas::agnet {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

at::Generator makeTorchGenerator(std::uint64_t seed) {
  at::Generator g = at::detail::createCPUGenerator(seed);
  return g;
}

std::unique_ptr<torch::optim::Adam> makeAdam(Generator& g, double lr) {
  return std::make_unique<torch::optim::Adam>(g->parameters(), torch::optim::AdamOptions(lr).betas({0.5, 0.999}));
}

}  // namespace

std::shared_ptr<const Pretrained> pretrain(const PretrainConfig& config) {
  if (config.samples < 0 || config.batchSize < 1 || !(config.lr > 0) || config.validitySamples < 1)
    throw Error(ErrorCode::InvalidArgument, "agnet pretraining needs samples >= 0, batch size >= 1, lr > 0");
  const auto start = Clock::now();
  torch::AutoGradMode gradients(true);  // also when a caller holds a NoGradGuard
  auto out = std::make_shared<Pretrained>();
  {
    // Parameter initialisation uses torch's global generator: seed it under a lock.
    static std::mutex initMutex;
    std::lock_guard<std::mutex> lock(initMutex);
    torch::manual_seed(config.seed);
    out->generator = Generator(config.model);
  }
  Generator& g = out->generator;
  g->train();
  at::Generator gen = makeTorchGenerator(config.seed * 7919 + 1);
  std::mt19937_64 rng(config.seed);
  std::uniform_int_distribution<int> pickCell(0, kNb201NumCells - 1);
  auto adam = makeAdam(g, config.lr);  // Adam, betas (0.5, 0.999)
  const int steps = (config.samples + config.batchSize - 1) / config.batchSize;
  double tail = 0;
  int tailCount = 0;
  for (int step = 0; step < steps; ++step) {
    std::vector<Nb201Cell> cells;
    for (int b = 0; b < config.batchSize; ++b) cells.push_back(Nb201Cell::fromIndex(pickCell(rng)));
    auto [types, edges] = cellTargets(cells);
    const torch::Tensor z = torch::randn({config.batchSize, g->latentDim()}, gen);
    adam->zero_grad();
    const torch::Tensor loss = reconstructionLoss(g->decode(z), types, edges).mean();
    loss.backward();
    adam->step();
    if (step >= steps - std::max(1, steps / 10)) {
      tail += loss.item<double>();
      ++tailCount;
    }
  }
  out->finalLoss = tailCount ? tail / tailCount : 0.0;
  g->eval();
  {
    torch::NoGradGuard noGrad;
    const torch::Tensor z = torch::rand({config.validitySamples, g->latentDim()}, gen) * 6.0 - 3.0;
    const auto cells = sampleCells(g->decode(z), gen);
    int valid = 0;
    std::vector<bool> seen(kNb201NumCells, false);
    int unique = 0;
    for (const auto& c : cells)
      if (c) {
        ++valid;
        if (!seen[c->index()]) {
          seen[c->index()] = true;
          ++unique;
        }
      }
    out->validity = double(valid) / double(cells.size());
    out->uniqueValid = double(unique) / double(cells.size());
  }
  out->seconds = secondsSince(start);
  return out;
}

std::shared_ptr<const Pretrained> sharedPretrained(const PretrainConfig& config) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Pretrained>> cache;
  const std::string key = Json{{"nd", config.model.nodeDim}, {"gd", config.model.graphDim},
                               {"gl", config.model.gnnLayers}, {"rl", config.model.regressionLayers},
                               {"n", config.samples}, {"b", config.batchSize}, {"lr", config.lr},
                               {"seed", config.seed}, {"v", config.validitySamples}}
                              .dump();
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  auto p = pretrain(config);
  cache[key] = p;
  return p;
}

const char* pretrainModeName(PretrainMode mode) { return mode == PretrainMode::PerSeed ? "per-seed" : "shared"; }

int paperQueryBudget(const SearchConfig& c) {
  if (c.numInit > c.searchData) return c.numInit;
  const int rounds = (c.searchData - c.numInit) / c.k + 1;  // the first |D| > search_data
  return c.numInit + rounds * c.k;
}

Json searchConfigDefaults() {
  const SearchConfig c;
  return Json{{"num_init", c.numInit},
              {"k", c.k},
              {"num_test", c.numTest},
              {"ticks", c.ticks},
              {"tick_size", c.tickSize},
              {"batch_size", c.batchSize},
              {"weight_factor", c.weightFactor},
              {"alpha", c.alpha},
              {"lr", c.lr},
              {"latent_bound", c.latentBound},
              {"sample_start", c.sampleStart},
              {"sample_end", c.sampleEnd},
              {"infeasible_weight", c.infeasibleWeight},
              {"infeasible_penalty", c.infeasiblePenalty},
              {"value_scale", c.valueScale},
              {"search_data", c.searchData},
              {"pretrain", pretrainModeName(c.pretrainMode)},
              {"node_dim", c.pretrain.model.nodeDim},
              {"graph_dim", c.pretrain.model.graphDim},
              {"gnn_layers", c.pretrain.model.gnnLayers},
              {"regression_layers", c.pretrain.model.regressionLayers},
              {"pretrain_samples", c.pretrain.samples},
              {"pretrain_batch_size", c.pretrain.batchSize},
              {"pretrain_lr", c.pretrain.lr},
              {"pretrain_seed", c.pretrain.seed}};
}

SearchConfig searchConfigFromParams(const Json& params) {
  SearchConfig c;
  auto num = [&](const char* key, auto& field, double lo, double hi) {
    if (!params.contains(key)) return;
    const Json& v = params.at(key);
    using T = std::decay_t<decltype(field)>;
    const bool isInt = std::is_integral_v<T>;
    if (!v.is_number() || (isInt && !v.is_number_integer()))
      throw Error(ErrorCode::InvalidArgument,
                  std::string("agnet parameter '") + key + "' must be " + (isInt ? "an integer" : "a number") +
                      ", got " + v.dump());
    const double d = v.get<double>();
    if (!(d >= lo && d <= hi))
      throw Error(ErrorCode::InvalidArgument, std::string("agnet parameter '") + key + "' must be in [" +
                                                  Json(lo).dump() + ", " + Json(hi).dump() + "], got " + v.dump());
    field = static_cast<T>(isInt ? double(v.get<long long>()) : d);
  };
  num("num_init", c.numInit, 1, 15625);
  num("k", c.k, 1, 15625);
  num("num_test", c.numTest, 1, 15625);
  num("ticks", c.ticks, 0, 1e6);
  num("tick_size", c.tickSize, 1, 1e6);
  num("batch_size", c.batchSize, 1, 1e5);
  num("weight_factor", c.weightFactor, 1e-12, 1e6);
  num("alpha", c.alpha, 0, 1);
  num("lr", c.lr, 0, 10);
  num("latent_bound", c.latentBound, 1e-6, 1e3);
  num("sample_start", c.sampleStart, 1, 1e6);
  num("sample_end", c.sampleEnd, 2, 1e7);
  num("infeasible_weight", c.infeasibleWeight, 0, 1);
  num("infeasible_penalty", c.infeasiblePenalty, 0, 1e12);
  num("value_scale", c.valueScale, 0, 1e12);
  num("search_data", c.searchData, 1, 15625);
  if (params.contains("pretrain")) {
    const Json& v = params.at("pretrain");
    if (v == "shared") c.pretrainMode = PretrainMode::Shared;
    else if (v == "per-seed") c.pretrainMode = PretrainMode::PerSeed;
    else
      throw Error(ErrorCode::InvalidArgument,
                  "agnet parameter 'pretrain' must be \"shared\" or \"per-seed\", got " + v.dump());
  }
  num("node_dim", c.pretrain.model.nodeDim, 2, 4096);
  num("graph_dim", c.pretrain.model.graphDim, 1, 4096);
  num("gnn_layers", c.pretrain.model.gnnLayers, 1, 16);
  num("regression_layers", c.pretrain.model.regressionLayers, 1, 32);
  num("pretrain_samples", c.pretrain.samples, 0, 1e9);
  num("pretrain_batch_size", c.pretrain.batchSize, 1, 1e5);
  num("pretrain_lr", c.pretrain.lr, 1e-9, 10);
  num("pretrain_seed", c.pretrain.seed, 0, 9e15);
  if (c.pretrain.model.nodeDim % 2)
    throw Error(ErrorCode::InvalidArgument, "agnet parameter 'node_dim' must be even (two message-passing halves)");
  if (c.sampleEnd <= c.sampleStart)
    throw Error(ErrorCode::InvalidArgument, "agnet parameter 'sample_end' must exceed 'sample_start'");
  return c;
}

std::array<float, 2> projectLatent(const float* z, int dim) {
  static std::mutex mutex;
  static std::map<int, std::vector<float>> matrices;
  std::vector<float> m;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto& stored = matrices[dim];
    if (stored.empty()) {
      std::mt19937_64 rng(201);
      std::normal_distribution<float> normal(0.0f, 1.0f / std::sqrt(float(dim)));
      stored.resize(2 * size_t(dim));
      for (auto& v : stored) v = normal(rng);
    }
    m = stored;
  }
  std::array<float, 2> p{0.0f, 0.0f};
  for (int i = 0; i < dim; ++i) {
    p[0] += m[i] * z[i];
    p[1] += m[dim + i] * z[i];
  }
  return p;
}

AgnetStrategy::AgnetStrategy(SearchConfig config) : config_(std::move(config)), tickSize_(config_.tickSize) {
  if (config_.pretrainMode == PretrainMode::Shared) pretrained_ = sharedPretrained(config_.pretrain);
}

void AgnetStrategy::start(SearchRng& rng) {
  const std::uint64_t draw = rng();
  torchGen_ = makeTorchGenerator(draw);
  if (!pretrained_) {
    // Per seed: the run's own pretraining, seeded from the draw above (the same one in both
    // modes, so the search's random stream is the same and only the generator differs).
    PretrainConfig own = config_.pretrain;
    std::seed_seq seq{std::uint32_t(draw), std::uint32_t(draw >> 32), std::uint32_t(config_.pretrain.seed),
                      std::uint32_t(config_.pretrain.seed >> 32)};
    std::uint32_t words[2];
    seq.generate(words, words + 2);
    own.seed = ((std::uint64_t(words[0]) << 32) | words[1]) >> 11;  // < 2^53: exact in JSON
    pretrained_ = pretrain(own);
  }
  generator_ = Generator(config_.pretrain.model);
  generator_->copyFrom(*pretrained_->generator);
  optimizer_ = makeAdam(generator_, config_.lr);
}

Nb201Cell AgnetStrategy::propose(SearchRng& rng) {
  if (!torchGen_) start(rng);
  if (queue_.empty() && int(data_.size()) >= config_.numInit) runRound(rng);
  while (!queue_.empty()) {
    Nb201Cell c = queue_.front();
    queue_.erase(queue_.begin());
    if (!seen_.count(c.index())) return c;
  }
  // The initial queries, or a round that found no new valid cell: uniform random.
  return randomNb201Cell(rng);
}

void AgnetStrategy::observe(const Nb201Cell& cell, double value) {
  if (scale_ == 0) scale_ = config_.valueScale > 0 ? config_.valueScale : (std::abs(value) > 1.5 ? 100.0 : 1.0);
  data_.push_back(cell);
  values_.push_back(value);
  seen_.insert(cell.index());
}

std::vector<double> rankWeights(const std::vector<double>& values, double kappa) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] > values[b]; });
  std::vector<double> w(n);
  for (std::size_t r = 0; r < n; ++r) w[order[r]] = 1.0 / (kappa * double(n) + double(r));
  return w;
}

// Pareto mode's pick, NSGA-II's survivor selection applied to the candidates: non-dominated
// sorting on (exact cost, predicted value), and within a front the crowding distance, so the
// queries spread along the predicted front instead of piling up at one cost. The candidates
// are not compared with the queried cells' true values: the predictor's values sit below
// those (it regresses to the mean), so a hypervolume-improvement pick against the queried
// front, the first version, found no gain after the first rounds and fell back to a rank sum
// of value and cost: 20 seeds, hypervolume 0.9783 against random search's 0.9816.
std::vector<double> paretoAcquisition(const std::vector<double>& costs, const std::vector<double>& predicted) {
  const std::size_t n = costs.size();
  std::vector<double> score(n, 0.0);
  std::vector<std::size_t> remaining(n);
  std::iota(remaining.begin(), remaining.end(), 0);
  for (int front = 0; !remaining.empty(); ++front) {
    std::vector<Point2d> pts;
    for (std::size_t i : remaining) pts.push_back({costs[i], predicted[i]});
    const std::vector<std::size_t> f = paretoFront(pts, Objectives2d{false, true});  // cost ascending
    if (f.empty()) {  // only values no front can hold (NaN): last, in their order
      for (std::size_t i : remaining) score[i] = -double(front) - 1;
      break;
    }
    // Crowding distance along the front, each objective normalised by the front's extent;
    // the two ends are unbounded (always kept). Mapped into [0, 1) below the front's rank.
    const double rx = std::max(1e-12, pts[f.back()].x - pts[f.front()].x);
    const double ry = std::max(1e-12, std::abs(pts[f.back()].y - pts[f.front()].y));
    for (std::size_t j = 0; j < f.size(); ++j) {
      const bool end = j == 0 || j + 1 == f.size();
      const double c = end ? 0.0
                           : (pts[f[j + 1]].x - pts[f[j - 1]].x) / rx + std::abs(pts[f[j + 1]].y - pts[f[j - 1]].y) / ry;
      score[remaining[f[j]]] = -double(front) + (end ? 0.999 : 0.998 * c / (1 + c));
    }
    std::vector<bool> onFront(pts.size(), false);
    for (std::size_t j : f) onFront[j] = true;
    std::vector<std::size_t> rest;
    for (std::size_t j = 0; j < pts.size(); ++j)
      if (!onFront[j]) rest.push_back(remaining[j]);
    remaining = std::move(rest);
  }
  return score;
}

std::vector<double> AgnetStrategy::rankWeights() const {
  std::vector<double> w = agnet::rankWeights(values_, config_.weightFactor);
  if (objectives_.mode == SearchObjectives::Mode::Pareto) {
    // Joint weighting: the cost's rank weights (cheapest first) added to the metric's.
    std::vector<double> negCost(data_.size());
    for (std::size_t i = 0; i < data_.size(); ++i) negCost[i] = -objectives_.cost(data_[i]);
    const std::vector<double> wc = agnet::rankWeights(negCost, config_.weightFactor);
    for (std::size_t i = 0; i < w.size(); ++i) w[i] += wc[i];
  } else if (objectives_.mode == SearchObjectives::Mode::Limit) {
    for (std::size_t i = 0; i < w.size(); ++i)
      if (!objectives_.feasible(data_[i])) w[i] *= config_.infeasibleWeight;
  }
  return w;
}

void AgnetStrategy::train(SearchRng& rng) {
  torch::AutoGradMode gradients(true);
  const std::vector<double> w = rankWeights();
  std::discrete_distribution<std::size_t> sampler(w.begin(), w.end());
  const long long total = (long long)config_.ticks * tickSize_;
  long long instances = 0;
  generator_->train();
  double lastEpochLoss = 0;
  while (instances < total) {
    // One epoch: |D| draws with replacement by weight (WeightedRandomSampler), in batches.
    std::vector<std::size_t> draw(data_.size());
    for (auto& d : draw) d = sampler(rng);
    double epochLoss = 0;
    for (std::size_t start = 0; start < draw.size(); start += config_.batchSize) {
      const std::size_t end = std::min(draw.size(), start + std::size_t(config_.batchSize));
      std::vector<Nb201Cell> cells;
      std::vector<float> targets, weights;
      for (std::size_t i = start; i < end; ++i) {
        cells.push_back(data_[draw[i]]);
        targets.push_back(float(values_[draw[i]] / scale_));
        weights.push_back(float(w[draw[i]]));
      }
      const int64_t B = int64_t(cells.size());
      auto [types, edges] = cellTargets(cells);
      const torch::Tensor target = torch::from_blob(targets.data(), {B}, torch::kFloat32).clone();
      const torch::Tensor weight = torch::from_blob(weights.data(), {B}, torch::kFloat32).clone();
      const torch::Tensor z = torch::randn({B, generator_->latentDim()}, *torchGen_);
      optimizer_->zero_grad();
      const DecodeOutput out = generator_->decode(z);
      const torch::Tensor rec = reconstructionLoss(out, types, edges);
      const torch::Tensor mse = (generator_->predict(out) - target).pow(2);
      const torch::Tensor loss = (((1.0 - config_.alpha) * rec + config_.alpha * mse) * weight).mean();
      loss.backward();
      optimizer_->step();
      epochLoss += loss.item<double>() * double(B);
      instances += B;
    }
    lastEpochLoss = epochLoss / double(draw.size());
  }
  if (!rounds_.empty()) rounds_.back().trainLoss = lastEpochLoss;
}

void AgnetStrategy::runRound(SearchRng& rng) {
  const auto start = Clock::now();
  // The training budget grows with the data: tick_size += cells added since the last round.
  if (!rounds_.empty()) tickSize_ += int(data_.size() - dataAtLastRound_);
  dataAtLastRound_ = data_.size();
  rounds_.push_back({});
  RoundInfo& info = rounds_.back();
  info.queried = int(data_.size());
  train(rng);

  struct Candidate {
    Nb201Cell cell;
    double predicted;
    std::array<float, 2> latent;
  };
  std::vector<Candidate> candidates;
  std::unordered_set<int> visited = seen_;
  int decoded = 0, valid = 0;
  generator_->eval();
  {
    torch::NoGradGuard noGrad;
    const int dim = generator_->latentDim();
    for (int j = config_.sampleStart; j < config_.sampleEnd; j += config_.sampleStart) {
      const torch::Tensor z =
          (torch::rand({j, dim}, *torchGen_) * 2.0 - 1.0) * config_.latentBound;
      const DecodeOutput out = generator_->decode(z);
      const torch::Tensor pred = generator_->predict(out).contiguous();
      const auto cells = sampleCells(out, *torchGen_);
      const torch::Tensor zc = z.contiguous();
      const float* zp = zc.data_ptr<float>();
      const float* pp = pred.data_ptr<float>();
      decoded += j;
      for (int i = 0; i < j; ++i) {
        if (!cells[i]) continue;
        ++valid;
        if (visited.insert(cells[i]->index()).second)
          candidates.push_back({*cells[i], double(pp[i]), projectLatent(zp + std::size_t(i) * dim, dim)});
      }
      if (int(candidates.size()) > config_.numTest) {
        std::shuffle(candidates.begin(), candidates.end(), rng);
        candidates.resize(config_.numTest);
        break;
      }
    }
  }
  info.sampled = decoded;
  info.validity = decoded ? double(valid) / decoded : 0.0;
  info.candidates = int(candidates.size());

  // Rank: predicted accuracy; over the limit penalised; Pareto: non-dominated sorting of
  // (cost, predicted accuracy) with crowding distance.
  std::vector<double> score(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    score[i] = candidates[i].predicted;
    if (objectives_.mode == SearchObjectives::Mode::Limit && !objectives_.feasible(candidates[i].cell))
      score[i] -= config_.infeasiblePenalty;
  }
  if (objectives_.mode == SearchObjectives::Mode::Pareto) {
    std::vector<double> costs(candidates.size()), predicted(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      costs[i] = objectives_.cost(candidates[i].cell);
      predicted[i] = candidates[i].predicted * scale_;
    }
    score = paretoAcquisition(costs, predicted);
  }
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  for (std::size_t r = 0; r < order.size(); ++r) {
    const Candidate& c = candidates[order[r]];
    const bool queued = int(r) < config_.k;
    info.ranked.push_back({c.cell, c.predicted * scale_, c.latent, queued});
    if (!queued) continue;
    queue_.push_back(c.cell);
    info.queued.push_back(c.cell.toString());
    info.latent2d.push_back(c.latent);
  }
  info.seconds = secondsSince(start);
}

}  // namespace nas::agnet
