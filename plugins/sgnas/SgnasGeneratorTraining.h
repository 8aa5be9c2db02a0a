#pragma once
// Generator training (methods.md §1(b)5-7): the supernet is frozen (eval mode, no weight
// gradients); per step a few targets are drawn, the generator maps (prior, condition) to
// logits, Gumbel-softmax turns them into choice probabilities, the mixed supernet forward
// gives the cross-entropy on held-out images and the lookup table the costs; the loss is
// CE + sum over given constraints of the asymmetric hc loss. Only the generator learns
// (Adam 1e-3, betas 0.5/0.999). Tau starts at 5 and is multiplied by 0.95 after each epoch.
// After each epoch the generator is scored on a fixed target grid (decodeForTargets, exact
// costs) and the best so far is kept (model selection): by the total hc loss (the paper), or,
// with selectionImages > 0, by the training loss itself on validation data: mean hc loss over
// the grid plus the mean cross-entropy of the FLOPs-only requests' architectures on a fixed
// batch of held-out images (supernet in eval mode, as in training). Why: the hc loss alone picks between epochs by a few hundredths of a percent
// of cost error and ignores what the cross-entropy term taught; the paper adds a "best_avg"
// pick by top-1 at the mid target for the same reason. With selectionMaxError > 0, an epoch
// whose grid misses a FLOPs target by more than that fraction loses to one that meets them all
// (the paper's best_avg is likewise taken only among generators under an hc-loss bound):
// selection by validation loss alone traded, on one run, a 6 % miss at the top of the range for
// a lower cross-entropy.
//
// Targets: with one constraint, T comes from a shuffled grid over the normalised range
// plus jitter of half a grid step (the paper's {low, low+5, ...} + U(-0.5, 0.5)). With
// FLOPs and params, each target is FLOPs only, params only, or both (1/3 each); "both"
// takes the costs of a random architecture, so the pair is reachable.
#include <torch/optim/adam.h>

#include <cmath>
#include <memory>
#include <string>

#include "SgnasGenerator.h"
#include "SgnasSupernet.h"
#include "SgnasTargets.h"
#include "data/Batcher.h"
#include "data/ImageDataset.h"
#include "data/Rng.h"

namespace nas::sgnas {

struct Generated {
  SgnasArch arch;
  Cost cost;
};

// Everything a trained generator needs besides its weights; stored with them.
struct GeneratorSetup {
  SgnasSpace space;
  CostTable table;
  std::vector<Constraint> constraints;
  PriorPool pool;
  GeneratorConfig config;
};

// One forward pass for one request, decoded by decodeForTargets, exact cost. generator must be
// in eval mode.
Generated generateArch(SgnasGenerator& generator, const GeneratorSetup& setup, const Targets& targets);
// Derivation of one request's logits [L, G, 4]. With setup.config.decodeSamples = 0 the paper's
// argmax (methods.md §1(b)6). With n > 0: the argmax and n architectures sampled from the
// generator's categorical distribution softmax(logits) (Gumbel-max, a fixed seed so a request
// always gives the same answer) are the candidates, costed exactly by the lookup table (no
// supernet pass). Those whose hc loss is at most max(the lowest candidate hc loss, the loss of
// missing every given target by config.decodeTolerance) meet the request, and of them the most
// likely one under softmax(logits) wins (the argmax when it qualifies). So the pick never
// misses by more than the argmax, and among architectures that meet the target it keeps what
// the cross-entropy term taught instead of taking whichever sample happens to land nearest
// (decodeTolerance 0: the nearest one, ties keep the argmax). Why sample: the hc loss trains on
// sampled architectures (straight-through Gumbel samples, see straightThroughCost), so the
// generator meets its target with its distribution, not with the mode; where a group's choice
// is uncertain, the mode rounds every such group the same way and its cost drifts off target.
Generated decodeForTargets(const torch::Tensor& logits, const GeneratorSetup& setup, const Targets& targets,
                           const HcLossOptions& hc = {});

// Score on a list of requests: total hc loss (given constraints only) and Kendall tau between
// FLOPs target and achieved FLOPs over the requests that give FLOPs.
struct GridScore {
  double hcLoss = 0;
  double ce = 0;     // mean cross-entropy of the FLOPs requests' architectures (selection only)
  double score = 0;  // what model selection minimises
  double maxFlopsError = 0;  // largest |F/T - 1| over the FLOPs-only requests
  double kendallTau = 0;
  std::vector<Generated> results;
};
GridScore scoreGrid(SgnasGenerator& generator, const GeneratorSetup& setup, const std::vector<Targets>& requests,
                    const HcLossOptions& hc);
// The model-selection requests: `n` FLOPs targets at bin midpoints over the reachable range,
// and with params also n params-only targets and n reachable pairs (seeded).
std::vector<Targets> selectionRequests(const GeneratorSetup& setup, int n, std::uint64_t seed);

struct GeneratorTrainOptions {
  std::int64_t epochs = 20;
  std::int64_t stepsPerEpoch = 30;
  std::int64_t batchSize = 128;  // images per step, split evenly over the step's targets
  int targetsPerStep = 4;
  // Extra targets per step that get the hc loss only (no supernet pass): one batched
  // generator forward and the lookup table cost ~1 ms, and they give the constraint many
  // more samples than the supernet-bound targets can afford on a CPU. 0 = the paper.
  int hcTargetsPerStep = 32;
  double lr = 1e-3;
  double tau0 = 5.0, tauDecay = 0.95;
  HcLossOptions hc;
  double labelSmoothing = 0.1;
  int gridPoints = 40;       // training target grid per constraint
  // Costs of the hc loss from the straight-through one-hot sample (forward: the exact cost
  // of the discrete architecture the noisy logits pick; backward: the soft probabilities'
  // gradient) instead of the table on the soft probabilities (the paper). The supernet
  // forward stays soft either way. The soft cost lets the generator meet a target "on
  // average" with mixtures whose argmax lands far from it; the discrete one does not.
  bool straightThroughCost = true;
  int selectionTargets = 20;
  int selectionImages = 0;  // 0: select by hc loss alone (the paper)
  // An epoch whose grid misses a FLOPs-only target by more than this (relative) is kept only
  // while no epoch met them all. 0: no such requirement.
  double selectionMaxError = 0;
  std::uint64_t seed = 0;
};

class GeneratorTrainer {
 public:
  // `data` is the held-out split the generator trains on; `supernet` is frozen here.
  GeneratorTrainer(SgnasSupernet supernet, GeneratorSetup setup, ImageDataset data, Normalization norm,
                   GeneratorTrainOptions options);

  bool done() const { return epoch_ >= options_.epochs; }
  std::int64_t epoch() const { return epoch_; }
  std::int64_t stepInEpoch() const { return step_; }
  std::int64_t globalStep() const { return epoch_ * options_.stepsPerEpoch + step_; }
  std::int64_t totalSteps() const { return options_.epochs * options_.stepsPerEpoch; }
  double tau() const { return tau_; }

  struct Step {
    double loss = 0, ce = 0, hc = 0;
  };
  Step step();  // one step; after the epoch's last one, call endEpoch()
  bool epochFinished() const { return step_ >= options_.stepsPerEpoch; }
  struct EpochEnd {
    GridScore score;
    bool improved = false;
  };
  EpochEnd endEpoch();  // model selection, tau decay, next epoch

  SgnasGenerator generator() const { return generator_; }
  const std::string& bestGenerator() const { return best_; }  // bytes; empty before epoch 1 ends
  double bestHcLoss() const { return bestHc_; }  // of the kept generator
  double bestScore() const { return bestScore_; }
  const GeneratorSetup& setup() const { return setup_; }

  std::string state() const;
  void restore(const std::string& bytes);  // throws CorruptData

  // The next training target (advances the grid cycle and the rng); public for the tests that
  // check the targets cover the whole range, ends included.
  Targets sampleTargets();

 private:

  SgnasSupernet supernet_;
  GeneratorSetup setup_;
  ImageDataset data_;
  Normalization norm_;
  GeneratorTrainOptions options_;
  SgnasGenerator generator_;
  std::unique_ptr<torch::optim::Adam> adam_;
  Batcher batcher_;
  Rng rng_;
  std::vector<std::vector<double>> grids_;  // per constraint, a shuffled cycle of normalised targets
  std::vector<size_t> gridIndex_;
  std::vector<Targets> selection_;
  std::vector<size_t> flopsOnly_;  // indices into selection_ of its FLOPs-only requests
  std::int64_t epoch_ = 0, step_ = 0;
  double tau_;
  std::string best_;
  double bestHc_ = INFINITY, bestScore_ = INFINITY;
  bool bestEligible_ = false;
  torch::Tensor selectionX_, selectionY_;  // the fixed validation batch (selectionImages > 0)
};

// Generator weights + setup as one artifact, and back.
std::string generatorArtifact(const GeneratorSetup& setup, const std::string& generatorBytes, const Json& extra = {});
struct LoadedGenerator {
  GeneratorSetup setup;
  SgnasGenerator generator{nullptr};
  Json extra;
};
LoadedGenerator loadGeneratorArtifact(const std::string& bytes);  // throws CorruptData

}  // namespace nas::sgnas
