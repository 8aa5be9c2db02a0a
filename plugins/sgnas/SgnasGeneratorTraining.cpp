// Generator training, generation, grid scoring and the generator artifact.
#include "SgnasGeneratorTraining.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "SgnasSampling.h"
#include "SgnasSupernetTraining.h"
#include "common/Error.h"
#include "search/Stats.h"

namespace nas::sgnas {
namespace {

torch::Tensor priorTensor(const std::vector<const SgnasArch*>& archs, const GeneratorConfig& c) {
  std::vector<float> all;
  for (const SgnasArch* a : archs) {
    const auto v = archOneHot(*a);
    all.insert(all.end(), v.begin(), v.end());
  }
  return torch::tensor(all).view({static_cast<std::int64_t>(archs.size()), c.layers, c.groups * kNumChoices});
}

torch::Tensor conditionTensor(const std::vector<std::vector<float>>& rows) {
  std::vector<float> all;
  for (const auto& r : rows) all.insert(all.end(), r.begin(), r.end());
  return torch::tensor(all).view({static_cast<std::int64_t>(rows.size()), -1});
}

double hcTotal(const GeneratorSetup& s, const Targets& t, const Cost& c, const HcLossOptions& hc) {
  double sum = 0;
  for (size_t i = 0; i < s.constraints.size(); ++i)
    if (t[i]) sum += hcLossValue(costValue(c, s.constraints[i].name), *t[i], s.constraints[i], hc);
  return sum;
}

std::int64_t readInt(const Json& j, const char* key) {
  if (!j.contains(key)) throw Error(ErrorCode::CorruptData, std::string("lacks '") + key + "'", "sgnas generator checkpoint");
  return j.at(key).get<std::int64_t>();
}

}  // namespace

Generated generateArch(SgnasGenerator& generator, const GeneratorSetup& setup, const Targets& targets) {
  torch::NoGradGuard ng;
  const SgnasArch& prior = setup.pool.nearest(setup.constraints, targets).arch;
  // The request goes in twice: with a batch of one, LibTorch runs these small convolutions
  // as im2col + the system BLAS (10+ ms with a reference BLAS), with two it takes oneDNN
  // (under 1 ms on one core, measured by bench_sgnas). Row 0 is the answer.
  const std::vector<float> cond = conditionRow(setup.constraints, targets);
  const torch::Tensor logits = generator->forward(priorTensor({&prior, &prior}, setup.config), conditionTensor({cond, cond}));
  return decodeForTargets(logits[0], setup, targets);
}

Generated decodeForTargets(const torch::Tensor& logits, const GeneratorSetup& setup, const Targets& targets,
                           const HcLossOptions& hc) {
  Generated argmax;
  argmax.arch = decodeArgmax(logits);
  argmax.cost = exactCost(setup.table, argmax.arch);
  const int n = setup.config.decodeSamples;
  if (n <= 0) return argmax;
  const torch::Tensor lg = logits.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const torch::Tensor logp = torch::log_softmax(lg, -1).contiguous();
  const std::int64_t L = lg.size(0), G = lg.size(1);
  const double* v = lg.data_ptr<double>();
  const double* lp = logp.data_ptr<double>();
  const auto logLikelihood = [&](const SgnasArch& a) {
    double sum = 0;
    for (std::int64_t l = 0; l < L; ++l)
      for (std::int64_t b = 0; b < G; ++b)
        sum += lp[(l * G + b) * kNumChoices + static_cast<int>(a.choices[static_cast<size_t>(l)][static_cast<size_t>(b)])];
    return sum;
  };
  struct Candidate {
    Generated g;
    double loss, logLikelihood;
  };
  std::vector<Candidate> candidates{{argmax, hcTotal(setup, targets, argmax.cost, hc), logLikelihood(argmax.arch)}};
  Rng rng(0x5eed);  // fixed: the same request always decodes to the same architecture
  for (int s = 0; s < n; ++s) {
    SgnasArch a;
    for (std::int64_t l = 0; l < L; ++l) {
      std::vector<Choice> groups;
      for (std::int64_t b = 0; b < G; ++b) {
        int pick = 0;
        double top = -INFINITY;
        for (int k = 0; k < kNumChoices; ++k) {  // Gumbel-max: argmax(logit + g) ~ softmax(logits)
          const double x = v[(l * G + b) * kNumChoices + k];
          if (!std::isfinite(x)) continue;  // group 0's masked skip
          const double u = std::clamp(rng.uniform(), 1e-12, 1.0 - 1e-12);
          const double z = x - std::log(-std::log(u));
          if (z > top) top = z, pick = k;
        }
        groups.push_back(static_cast<Choice>(pick));
      }
      a.choices.push_back(std::move(groups));
    }
    const Cost c = exactCost(setup.table, a);
    const double ll = logLikelihood(a);
    candidates.push_back({{std::move(a), c}, hcTotal(setup, targets, c, hc), ll});
  }
  // The loss of missing every given target by the tolerance (under budget, the milder side).
  double good = 0;
  for (size_t i = 0; i < setup.constraints.size(); ++i)
    if (targets[i]) good += hc.alpha * std::pow(setup.config.decodeTolerance * *targets[i] / hc.scale(*targets[i], setup.constraints[i]), 2);
  double lowest = INFINITY;
  for (const auto& c : candidates) lowest = std::min(lowest, c.loss);
  const double accept = std::max(lowest, good);
  const Candidate* best = nullptr;
  for (const auto& c : candidates)  // first wins ties: the argmax, then samples in order
    if (c.loss <= accept && (!best || c.logLikelihood > best->logLikelihood)) best = &c;
  return best->g;
}

GridScore scoreGrid(SgnasGenerator& generator, const GeneratorSetup& setup, const std::vector<Targets>& requests,
                    const HcLossOptions& hc) {
  const bool wasTraining = generator->is_training();
  generator->eval();
  GridScore s;
  std::vector<double> target, achieved;
  for (const Targets& t : requests) {
    Generated g = generateArch(generator, setup, t);
    s.hcLoss += hcTotal(setup, t, g.cost, hc);
    if (setup.constraints[0].name == "flops" && t[0]) {
      target.push_back(*t[0]);
      achieved.push_back(g.cost.flops);
    }
    s.results.push_back(std::move(g));
  }
  s.kendallTau = target.size() > 1 ? kendallTau(target, achieved) : 0.0;
  generator->train(wasTraining);
  return s;
}

std::vector<Targets> selectionRequests(const GeneratorSetup& setup, int n, std::uint64_t seed) {
  const size_t K = setup.constraints.size();
  std::vector<Targets> out;
  for (size_t c = 0; c < K; ++c)
    for (int i = 0; i < n; ++i) {
      Targets t(K);
      t[c] = setup.constraints[c].denormalize((i + 0.5) / n);
      out.push_back(t);
    }
  if (K > 1) {
    Rng rng(seed);
    for (int i = 0; i < n; ++i) {
      const Cost c = exactCost(setup.table, randomArchAtLevel(setup.space, (i + 0.5) / n, rng));
      Targets t(K);
      for (size_t k = 0; k < K; ++k) t[k] = costValue(c, setup.constraints[k].name);
      out.push_back(t);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
GeneratorTrainer::GeneratorTrainer(SgnasSupernet supernet, GeneratorSetup setup, ImageDataset data, Normalization norm,
                                   GeneratorTrainOptions o)
    : supernet_(std::move(supernet)),
      setup_(std::move(setup)),
      data_(std::move(data)),
      norm_(std::move(norm)),
      options_(o),
      generator_(setup_.config),
      batcher_(data_.size(), o.batchSize, Rng::derive(o.seed, 0x9e11), true),
      rng_(Rng::derive(o.seed, 0x7a26)),
      tau_(o.tau0) {
  if (data_.size() < 2) throw Error(ErrorCode::InvalidArgument, "needs at least 2 held-out images", "sgnas generator");
  if (o.targetsPerStep < 1 || o.targetsPerStep > o.batchSize)
    throw Error(ErrorCode::InvalidArgument, "must be in 1..batch size", "targets_per_step");
  supernet_->eval();  // frozen: running BN statistics, no weight gradients
  for (auto& p : supernet_->parameters()) p.set_requires_grad(false);
  adam_ = std::make_unique<torch::optim::Adam>(generator_->parameters(),
                                               torch::optim::AdamOptions(o.lr).betas({0.5, 0.999}));
  for (size_t c = 0; c < setup_.constraints.size(); ++c) {
    std::vector<double> g;
    for (int i = 0; i < o.gridPoints; ++i) g.push_back(o.gridPoints > 1 ? double(i) / (o.gridPoints - 1) : 0.5);
    for (size_t i = g.size(); i > 1; --i) std::swap(g[i - 1], g[rng_.below(i)]);
    grids_.push_back(std::move(g));
    gridIndex_.push_back(0);
  }
  selection_ = selectionRequests(setup_, o.selectionTargets, Rng::derive(o.seed, 0x5e1));
  // The FLOPs-only requests: one architecture per level of the range, as the evaluation has;
  // their validation loss and FLOPs error decide model selection.
  for (size_t i = 0; i < selection_.size(); ++i)
    if (setup_.constraints[0].name == "flops" && selection_[i][0] &&
        std::all_of(selection_[i].begin() + 1, selection_[i].end(), [](const auto& t) { return !t; }))
      flopsOnly_.push_back(i);
  if (o.selectionImages > 0) {  // the first images of the held-out split, the same every epoch
    std::vector<std::int64_t> idx(static_cast<size_t>(std::min<std::int64_t>(o.selectionImages, data_.size())));
    std::iota(idx.begin(), idx.end(), 0);
    selectionX_ = batchImages(data_, idx, norm_);
    selectionY_ = batchLabels(data_, idx);
  }
}

Targets GeneratorTrainer::sampleTargets() {
  const size_t K = setup_.constraints.size();
  Targets t(K);
  const size_t mode = K == 1 ? 0 : static_cast<size_t>(rng_.below(K + 1));
  if (mode == K) {  // every constraint: the costs of a random architecture, so reachable together
    const Cost c = exactCost(setup_.table, randomArchAtLevel(setup_.space, rng_.uniform(), rng_));
    for (size_t k = 0; k < K; ++k) t[k] = costValue(c, setup_.constraints[k].name);
    return t;
  }
  auto& grid = grids_[mode];
  auto& idx = gridIndex_[mode];
  const double step = grid.size() > 1 ? 1.0 / static_cast<double>(grid.size() - 1) : 1.0;
  const double u = std::clamp(grid[idx] + (rng_.uniform() - 0.5) * step, 0.0, 1.0);
  if (++idx == grid.size()) {
    idx = 0;
    for (size_t i = grid.size(); i > 1; --i) std::swap(grid[i - 1], grid[rng_.below(i)]);
  }
  t[mode] = setup_.constraints[mode].denormalize(u);
  return t;
}

GeneratorTrainer::Step GeneratorTrainer::step() {
  if (done()) throw Error(ErrorCode::Internal, "GeneratorTrainer::step() after the last epoch");
  const Batch batch = batcher_.next();
  const torch::Tensor x = batchImages(data_, batch.indices, norm_), y = batchLabels(data_, batch.indices);
  // chunk() may return fewer than T pieces (a last batch of 6 in 4 targets gives 3 chunks of
  // 2): T is the number of chunks it returned, else xs[T-1] reads past the end (it crashed).
  const auto xs = x.chunk(std::min<std::int64_t>(options_.targetsPerStep, x.size(0))), ys = y.chunk(static_cast<std::int64_t>(xs.size()));
  const int T = static_cast<int>(xs.size());
  const int all = T + std::max(0, options_.hcTargetsPerStep);  // the first T also get the CE
  std::vector<Targets> targets;
  std::vector<const SgnasArch*> priors;
  std::vector<std::vector<float>> cond;
  for (int i = 0; i < all; ++i) {
    targets.push_back(sampleTargets());
    priors.push_back(&setup_.pool.nearest(setup_.constraints, targets.back()).arch);
    cond.push_back(conditionRow(setup_.constraints, targets.back()));
  }
  generator_->train();
  const torch::Tensor p = gumbelSoftmax(generator_->forward(priorTensor(priors, setup_.config), conditionTensor(cond)), tau_);
  torch::Tensor pc = p;
  if (options_.straightThroughCost) {
    const torch::Tensor hard = torch::one_hot(p.argmax(-1), kNumChoices).to(p.scalar_type());
    pc = hard - p.detach() + p;
  }
  const bool cutoff = !options_.straightThroughCost;
  std::vector<torch::Tensor> costs;  // per constraint, [all]
  for (const auto& c : setup_.constraints)
    costs.push_back(lutCost(setup_.table, pc, c.name, cutoff));
  const auto ceOpts = torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(options_.labelSmoothing);
  torch::Tensor ce = torch::zeros({}), hc = torch::zeros({}), hcExtra = torch::zeros({});
  for (int i = 0; i < all; ++i) {
    if (i < T)
      ce = ce + torch::nn::functional::cross_entropy(supernet_->forwardMixed(xs[static_cast<size_t>(i)], p[i]),
                                                      ys[static_cast<size_t>(i)], ceOpts);
    for (size_t c = 0; c < setup_.constraints.size(); ++c)
      if (targets[static_cast<size_t>(i)][c]) {
        const torch::Tensor l = hcLoss(costs[c][i], *targets[static_cast<size_t>(i)][c], setup_.constraints[c], options_.hc);
        (i < T ? hc : hcExtra) = (i < T ? hc : hcExtra) + l;
      }
  }
  // The paper's loss on the supernet-bound targets, plus the mean hc loss of the extra ones.
  ce = ce / T;
  hc = hc / T;
  if (all > T) hc = hc + hcExtra / (all - T);
  const torch::Tensor loss = ce + hc;
  adam_->zero_grad();
  loss.backward();
  adam_->step();
  ++step_;
  return {loss.item<double>(), ce.item<double>(), hc.item<double>()};
}

GeneratorTrainer::EpochEnd GeneratorTrainer::endEpoch() {
  EpochEnd e;
  e.score = scoreGrid(generator_, setup_, selection_, options_.hc);
  e.score.score = e.score.hcLoss;
  if (selectionX_.defined()) {
    torch::NoGradGuard ng;
    const auto ceOpts = torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(options_.labelSmoothing);
    double ce = 0;
    for (size_t i : flopsOnly_) {
      const torch::Tensor out = supernet_->forward(selectionX_, e.score.results[i].arch);
      ce += torch::nn::functional::cross_entropy(out, selectionY_, ceOpts).item<double>();
    }
    e.score.ce = flopsOnly_.empty() ? 0.0 : ce / static_cast<double>(flopsOnly_.size());
    e.score.score = e.score.hcLoss / static_cast<double>(selection_.size()) + e.score.ce;
  }
  // Eligible: every FLOPs-only request of the grid met within selectionMaxError. An eligible
  // epoch beats one that is not; two eligible ones compare by score, two others by hc loss.
  e.score.maxFlopsError = 0;
  for (size_t i : flopsOnly_)
    e.score.maxFlopsError = std::max(e.score.maxFlopsError, std::abs(e.score.results[i].cost.flops / *selection_[i][0] - 1));
  const bool eligible = options_.selectionMaxError <= 0 || e.score.maxFlopsError <= options_.selectionMaxError;
  const bool better = best_.empty() || (eligible && !bestEligible_) ||
                      (eligible == bestEligible_ && (eligible ? e.score.score <= bestScore_ : e.score.hcLoss <= bestHc_));
  if (better) {  // ties go to the later, longer-trained generator
    bestEligible_ = eligible;
    bestScore_ = e.score.score;
    bestHc_ = e.score.hcLoss;
    best_ = moduleToBytes(*generator_);
    e.improved = true;
  }
  tau_ *= options_.tauDecay;
  ++epoch_;
  step_ = 0;
  return e;
}

std::string GeneratorTrainer::state() const {
  torch::serialize::OutputArchive a, gen, adam;
  generator_->save(gen);
  adam_->save(adam);
  a.write("generator", gen);
  a.write("adam", adam);
  a.write("best", bytesToTensor(best_));
  Json s{{"epoch", epoch_},        {"step", step_},
         {"tau", tau_},            {"best_hc", std::isfinite(bestHc_) ? bestHc_ : -1.0},
         {"best_score", std::isfinite(bestScore_) ? bestScore_ : -1.0},
         {"best_eligible", bestEligible_},
         {"rng", rng_.state()},    {"grids", grids_},
         {"grid_index", gridIndex_}, {"batch_epoch", batcher_.position().epoch},
         {"batch", batcher_.position().batch}, {"total_steps", totalSteps()}};
  a.write("state", c10::IValue(s.dump()));
  {
    auto g = at::detail::getDefaultCPUGenerator();  // Gumbel noise comes from torch's generator
    std::lock_guard<std::mutex> lock(g.mutex());
    a.write("torch_cpu_rng", g.get_state());
  }
  std::ostringstream out(std::ios::binary);
  a.save_to(out);
  return out.str();
}

void GeneratorTrainer::restore(const std::string& bytes) {
  const char* ctx = "sgnas generator checkpoint";
  torch::serialize::InputArchive a;
  c10::IValue state;
  try {
    std::istringstream in(bytes, std::ios::binary);
    a.load_from(in);
    torch::serialize::InputArchive gen, adam;
    a.read("generator", gen);
    a.read("adam", adam);
    generator_->load(gen);
    adam_->load(adam);
    torch::Tensor best, rng;
    a.read("best", best);
    best_ = tensorToBytes(best);
    a.read("torch_cpu_rng", rng);
    auto g = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(g.mutex());
    g.set_state(rng);
    if (!a.try_read("state", state) || !state.isString()) throw Error(ErrorCode::CorruptData, "lacks its state", ctx);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("unreadable: ") + e.what_without_backtrace(), ctx);
  }
  const Json s = parseJson(state.toStringRef(), ctx);
  try {
    if (readInt(s, "total_steps") != totalSteps())
      throw Error(ErrorCode::CorruptData, "taken with another schedule (epochs or steps changed)", ctx);
    epoch_ = readInt(s, "epoch");
    step_ = readInt(s, "step");
    tau_ = s.at("tau").get<double>();
    const double b = s.at("best_hc").get<double>();
    bestHc_ = b < 0 ? INFINITY : b;
    const double bs = s.value("best_score", b);  // checkpoints before selectionImages: the hc loss
    bestScore_ = bs < 0 ? INFINITY : bs;
    bestEligible_ = s.value("best_eligible", true);
    rng_.setState(s.at("rng").get<std::uint64_t>());
    grids_ = s.at("grids").get<std::vector<std::vector<double>>>();
    gridIndex_ = s.at("grid_index").get<std::vector<size_t>>();
    batcher_.setPosition({readInt(s, "batch_epoch"), readInt(s, "batch")});
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CorruptData, std::string("malformed state: ") + e.what(), ctx);
  }
  if (grids_.size() != setup_.constraints.size() || gridIndex_.size() != grids_.size())
    throw Error(ErrorCode::CorruptData, "taken with other constraints", ctx);
}

// ---------------------------------------------------------------------------------------
std::string generatorArtifact(const GeneratorSetup& setup, const std::string& generatorBytes, const Json& extra) {
  Json cs = Json::array();
  for (const auto& c : setup.constraints) cs.push_back({{"name", c.name}, {"min", c.min}, {"max", c.max}});
  const Json meta{{"space", setup.space.toJson()},
                  {"constraints", cs},
                  {"prior_pool", setup.pool.toJson(setup.space)},
                  {"config", setup.config.toJson()},
                  {"extra", extra},
                  {"latency_table", setup.table.latency ? latencyCostTableToJson(*setup.table.latency) : Json()}};
  torch::serialize::OutputArchive a;
  a.write("format", c10::IValue(std::int64_t{1}));
  a.write("meta", c10::IValue(meta.dump()));
  a.write("weights", bytesToTensor(generatorBytes));
  std::ostringstream out(std::ios::binary);
  a.save_to(out);
  return out.str();
}

LoadedGenerator loadGeneratorArtifact(const std::string& bytes) {
  const char* ctx = "sgnas generator artifact";
  torch::serialize::InputArchive a;
  c10::IValue meta;
  torch::Tensor weights;
  try {
    std::istringstream in(bytes, std::ios::binary);
    a.load_from(in);
    if (!a.try_read("meta", meta) || !meta.isString()) throw Error(ErrorCode::CorruptData, "lacks its description", ctx);
    a.read("weights", weights);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("unreadable: ") + e.what_without_backtrace(), ctx);
  }
  const Json m = parseJson(meta.toStringRef(), ctx);
  LoadedGenerator g;
  try {
    g.setup.space = SgnasSpace::fromJson(m.at("space"));
    g.setup.table = buildCostTable(g.setup.space);
    if (m.contains("latency_table") && !m.at("latency_table").is_null())
      g.setup.table.latency = latencyCostTableFromJson(m.at("latency_table"));
    for (const auto& c : m.at("constraints"))
      g.setup.constraints.push_back({c.at("name").get<std::string>(), c.at("min").get<double>(), c.at("max").get<double>()});
    g.setup.pool = PriorPool::fromJson(g.setup.space, g.setup.table, m.at("prior_pool"));
    g.setup.config = GeneratorConfig::fromJson(m.at("config"));
    g.extra = m.value("extra", Json::object());
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CorruptData, std::string("malformed description: ") + e.what(), ctx);
  }
  g.generator = SgnasGenerator(g.setup.config);
  moduleFromBytes(*g.generator, tensorToBytes(weights), ctx);
  g.generator->eval();
  return g;
}

}  // namespace nas::sgnas
