#pragma once
// The RepNAS search (arXiv 2109.03508; bestfleer/RepNAS cnn/supernet.py::prune, train.py) and
// the training of fixed branch sets with the same schedule.
//
// Architecture logits alpha [L, 6] start at 0. Every training step draws
//   rho = alpha + (g1 - g2)            (g Gumbel, so g1 - g2 is logistic noise; none in eval)
//   m   = top-K indicator of rho over all L x 6 entries   (global, K = branchBudget)
//   r   = m + sigmoid(rho) - stopgrad(sigmoid(rho))       (forward 0/1, gradient via sigmoid)
// and layer l runs ReLU(BN_id(x) + sum over m[l, j] = 1 of r[l, j] * branch_j(x)). The loss is
// cross-entropy only: the budget is the top-K. Schedule: `random` epochs in which alpha is not
// stepped (so m is a uniformly random K-subset), `search` epochs in which alpha is stepped by
// Adam (betas 0.5, 0.999; weight decay cosine-annealed), then `fixed` epochs on m = top-K(alpha)
// with the BN running statistics reset at the switch, weights only. Weights: SGD, momentum,
// weight decay on conv/linear weights only, gradient norm clipped, cosine rate over all epochs.
//
// Branch sets other than "searched" train one fixed set for the same number of epochs and the
// same weight schedule: "repvgg" (kxk + 1x1 + identity), "full" (all six + identity), "random"
// (one uniformly random K-subset, fixed from the start), "given" (an architecture string).
//
// Device: the network, alpha, the gates and every batch live on options.device (the job's
// `device` parameter, core's rule in train/Device.h); the network is initialised on the CPU
// and moved, so a seed gives the same initial weights on every device. The loop reads nothing
// back per step except, while alpha decides the branches (random and search phases), the L x 6
// chosen set, which picks the convs that run; the loss stays a device tensor until a caller
// logs it, and the epoch's mean is read once per epoch.
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "RepnasNet.h"
#include "RepnasSpace.h"
#include "data/ImageDataset.h"

namespace nas::repnas {

struct RepnasTrainOptions {
  std::string branchSet = "searched";  // searched | random | repvgg | full | given
  std::string arch;                    // the architecture string of branch_set "given"
  double keptRatio = 0.34;
  int randomEpochs = 1, searchEpochs = 2, fixedEpochs = 3;
  std::int64_t batchSize = 128;
  double lr = 0.1, momentum = 0.9, weightDecay = 1e-4, gradClip = 5.0;
  double archLr = 1e-2, archWeightDecay = 5e-4, archBeta1 = 0.5, archBeta2 = 0.999;
  bool resetBnAtFix = true;
  bool noise = true;  // logistic noise on alpha while training (the paper); false: top-K of alpha
  double dropout = 0.1;
  std::uint64_t seed = 0;
  torch::Device device = torch::kCPU;  // where the network, alpha and the batches live
  int totalEpochs() const { return randomEpochs + searchEpochs + fixedEpochs; }
  void validate() const;  // InvalidArgument naming the field
};

enum class RepnasPhase { Random = 0, Search = 1, Fixed = 2 };
const char* phaseName(RepnasPhase p);  // "random", "search", "fixed"

// One draw of the gates: the chosen optional branches per layer, the effective masks each
// layer runs, and per layer the straight-through gate of every chosen branch.
struct GateDraw {
  RepnasArch chosen;
  std::vector<BranchMask> active;
  std::vector<BranchGates> gates;
};
// rho = alpha (+ logistic noise when `noise`), m = global top-K of rho, r as above; on alpha's
// device (the gates too), the chosen set read back to the host.
GateDraw drawGates(const RepnasSpace& space, const torch::Tensor& alphas, int k, bool noise);
// The top-K of alpha without noise: the architecture the search ends with.
RepnasArch topKArch(const RepnasSpace& space, const torch::Tensor& alphas, int k);
std::vector<BranchMask> effectiveMasks(const RepnasSpace& space, const RepnasArch& arch);

struct EpochReport {
  int epoch = 0;  // 0-based
  RepnasPhase phase = RepnasPhase::Random;
  RepnasArch arch;               // fixed set, or the current top-K of alpha
  std::vector<double> probs;     // sigmoid(alpha), L x 6 row-major (searched only)
  double trainLoss = 0;          // mean over the epoch
  double testAccuracy = -1;      // multi-branch, eval mode, `arch` (when test images are given)
};

class RepnasTrainer {
 public:
  RepnasTrainer(RepnasSpace space, RepnasTrainOptions options);
  // Trains the remaining epochs. step(step, totalSteps, loss) after every step (false cancels:
  // throws Cancelled); `loss` is the step's 0-dim loss on the training device: reading it
  // (.item()) waits for the device, so read it only where it is logged. epochEnd after every
  // epoch (then a checkpoint may be taken).
  void train(const ImageDataset& train, const ImageDataset* test, const Normalization& norm,
             const std::function<bool(std::int64_t, std::int64_t, const torch::Tensor&)>& step,
             const std::function<void(const EpochReport&)>& epochEnd);
  int epoch() const { return epoch_; }                // epochs done
  RepnasArch arch() const;                            // fixed set, or top-K(alpha)
  std::vector<BranchMask> activeMasks() const { return effectiveMasks(space_, arch()); }
  RepnasNet& net() { return net_; }
  torch::Device device() const { return o_.device; }
  const torch::Tensor& alphas() const { return alphas_; }
  const RepnasSpace& space() const { return space_; }
  int budget() const { return k_; }
  // Everything a resumed run needs, at an epoch boundary.
  std::string saveState() const;
  void loadState(const std::string& bytes);  // CorruptData when the bytes do not fit; net back on device()

 private:
  RepnasPhase phaseOf(int epoch) const;
  RepnasSpace space_;
  RepnasTrainOptions o_;
  int k_;
  RepnasNet net_{nullptr};
  torch::Tensor alphas_;
  std::optional<RepnasArch> fixed_;  // set from the start (baselines) or at the fixed phase
  std::unique_ptr<torch::optim::SGD> sgd_;
  std::unique_ptr<torch::optim::Adam> adam_;
  int epoch_ = 0;
};

// Accuracy of both forms on `test` (eval mode) and the max |logit difference| between them, on
// the device both networks are on (InvalidArgument when they are on two).
struct FormComparison {
  double accuracy = 0, deployedAccuracy = 0, maxAbsDiff = 0;
};
FormComparison compareForms(RepnasNet& net, const std::vector<BranchMask>& active, RepnasDeployedNet& deployed,
                            const ImageDataset& test, const Normalization& norm);
// `forward` takes batches on `device` (its network's).
double accuracyOf(const std::function<torch::Tensor(const torch::Tensor&)>& forward, const ImageDataset& test,
                  const Normalization& norm, torch::Device device = torch::kCPU);

// Median latency (ms) of one forward pass at `batch`, `threads` intra-op threads, eval mode.
// CPU latency: the timing clocks are the host's and do not wait for a GPU, so a network on
// another device is refused (InvalidArgument); move it to the CPU first, as the job does.
double multiBranchLatencyMs(RepnasNet& net, const std::vector<BranchMask>& active, int batch, int threads,
                            double budgetMs = 300);
double deployedLatencyMs(RepnasDeployedNet& net, int batch, int threads, double budgetMs = 300);

}  // namespace nas::repnas
