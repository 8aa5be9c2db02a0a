#pragma once
// The differentiable search both methods run: every step first updates the architecture
// parameters on a batch of the validation split, then the network weights on a batch of the
// training split (both splits come from the training images; test images are never seen here).
//   order 1 (DARTS' first-order approximation): the architecture gradient is dL_val(w, a)/da at
//           the current weights.
//   order 2 (DARTS' second order, paper eqs. 6-8): the gradient of L_val(w', a) through one
//           virtual weight step w' = w - xi * dL_train(w, a)/dw (xi = the weights' current rate),
//           dL_val(w', a)/da - xi * H v with v = dL_val(w', a)/dw' and the mixed Hessian-vector
//           product H v = d^2 L_train/(da dw) v by central finite differences at w +- eps v,
//           eps = 0.01 / |v| (the paper's choice).
//   darts:     every cell is an Engine-cell mixing all ops with softmax(alpha) (placement "all",
//              derivation top2, no feature sharing); the derived cell is DARTS' top-2 rule.
//   entrannas: Engine-cells (placement) mix the ops and carry alpha's gradient; all other cells
//              are Transit-cells that run only the cell derived from the current alpha (re-derived
//              every step), so the search runs what evaluation will run. Derivation top2 or dst,
//              optional feature sharing.
// Weights: SGD with momentum and weight decay, cosine rate per step to lr_min, gradient norm
// clip. Architecture: Adam (betas 0.5, 0.999) with weight decay, as DARTS.
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "CellNetwork.h"
#include "Derivation.h"
#include "data/ImageDataset.h"

namespace nas::entrannas {

struct SearchOptions {
  std::string method = "entrannas";  // darts | entrannas
  SpaceKind space = SpaceKind::Darts;
  Derivation derivation = Derivation::Dst;
  std::string placement = "stage_first";
  bool featureSharing = true;
  int channels = 8, layers = 5;
  int epochs = 3;
  std::int64_t batchSize = 64;
  double lr = 0.025, lrMin = 0.001, momentum = 0.9, weightDecay = 3e-4, gradClip = 5.0;
  double archLr = 3e-4, archWeightDecay = 1e-3, archBeta1 = 0.5, archBeta2 = 0.999;
  int order = 1;               // 1: first-order architecture gradient; 2: DARTS' second order (unrolled)
  double thresholdInit = 0.0;  // dst: theta's start; sigmoid(0) = threshold at half the node's largest weight
  int valImages = 1000;        // validation images scored per epoch (supernet accuracy, for the curve)
  std::uint64_t seed = 0;
  torch::Device device = torch::kCPU;
  bool entrannas() const { return method == "entrannas"; }
  // The DARTS baseline always runs every cell as an Engine-cell with the top-2 rule.
  void normalise();
  void validate() const;  // InvalidArgument naming the field
};

struct SearchEpoch {
  int epoch = 0;  // 0-based
  double trainLoss = 0, valLoss = 0, valAccuracy = 0;
  double seconds = 0;                         // the epoch's search steps, wall clock
  double cpuSeconds = 0;                      // the same steps, CPU time of the process (all threads):
                                              // less sensitive to other programs on a shared machine
  std::vector<ActiveOps> derived;             // per cell type
  std::vector<std::vector<double>> weights;   // per cell type, E x K row-major (Engine weights)
  std::string genotype;
};

class SearchTrainer {
 public:
  SearchTrainer(SearchOptions options, int inputChannels, int classes);

  // Runs the remaining epochs. step(step, total, loss) after every step (false: Cancelled);
  // epochEnd after every epoch (a checkpoint may be taken there).
  void run(const ImageDataset& train, const ImageDataset& val, const Normalization& norm,
           const std::function<bool(std::int64_t, std::int64_t, double)>& step,
           const std::function<void(const SearchEpoch&)>& epochEnd);
  // One bi-level step: architecture on (xv, yv), then weights on (xt, yt) at rate lr. Returns the
  // training loss. Tensors on options().device.
  double step(const torch::Tensor& xt, const torch::Tensor& yt, const torch::Tensor& xv, const torch::Tensor& yv,
              double lr);

  // Second order: sets the architecture parameters' .grad to the unrolled gradient at virtual
  // rate xi (the virtual step takes SGD's momentum and weight decay as the real one would, as
  // DARTS' code does). Weights, BN statistics and the optimizers are left as they were.
  // epsScale: the finite difference's step (paper 0.01; tests use a smaller one in double).
  void unrolledArchGrad(const torch::Tensor& xt, const torch::Tensor& yt, const torch::Tensor& xv,
                        const torch::Tensor& yv, double xi, double epsScale = 0.01);
  // The finite-difference mixed Hessian-vector product of second-order DARTS:
  // (dL_train(w + eps v)/da - dL_train(w - eps v)/da) / (2 eps), eps = epsScale / |v|, one tensor
  // per architecture parameter; v: one tensor per network parameter. Weights are restored.
  std::vector<torch::Tensor> hessianVectorProduct(const torch::Tensor& xt, const torch::Tensor& yt,
                                                  const std::vector<torch::Tensor>& v, double epsScale = 0.01);
  // The supernet's loss on (x, y) with the current parameters; archGrad: differentiable in the
  // architecture parameters too.
  torch::Tensor loss(const torch::Tensor& x, const torch::Tensor& y, bool archGrad);
  // What Adam updates: alpha per cell type, and theta per cell type with dst.
  std::vector<torch::Tensor> archParameters() const;

  std::vector<torch::Tensor> engineWeights() const;  // per cell type, no gradient
  std::vector<ActiveOps> derived() const;            // per cell type, from the current parameters
  const std::vector<ActiveOps>& lastStepDerived() const { return lastDerived_; }
  std::string genotype() const;
  CellNetwork& net() { return net_; }
  const std::vector<bool>& engines() const { return engines_; }
  const SearchOptions& options() const { return o_; }
  const CellSpec& spec() const { return cellSpec(o_.space); }
  int epoch() const { return epoch_; }
  torch::Tensor& alpha(int type) { return alphas_.at(static_cast<size_t>(type)); }
  torch::Tensor& theta(int type) { return thetas_.at(static_cast<size_t>(type)); }

  std::string saveState() const;
  void loadState(const std::string& bytes);  // CorruptData when the bytes do not fit

 private:
  std::vector<CellRun> runs(bool archGrad);
  torch::Tensor entranWeights(size_t type, bool archGrad) const;
  SearchOptions o_;
  CellNetwork net_{nullptr};
  std::vector<bool> engines_;
  std::vector<torch::Tensor> alphas_, thetas_;
  std::unique_ptr<torch::optim::SGD> sgd_;
  std::unique_ptr<torch::optim::Adam> adam_;
  std::vector<ActiveOps> lastDerived_;
  int epoch_ = 0;
};

// Accuracy and mean loss of `forward` on up to `limit` images of `ds` (0: all), eval order.
struct Score {
  double accuracy = 0, loss = 0;
};
Score scoreOn(const std::function<torch::Tensor(const torch::Tensor&)>& forward, const ImageDataset& ds,
              const Normalization& norm, std::int64_t limit, torch::Device device);

}  // namespace nas::entrannas
