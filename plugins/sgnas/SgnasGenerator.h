#pragma once
// The SGNAS architecture generator (methods.md §1(b)4, the paper's SinGenerator) and its
// sampling: a small conv net on the architecture "image" [L, G*4]. Inputs are a prior
// architecture (one-hot image, 1 channel) and the condition, a vector of per-constraint
// (normalised target, given-flag) pairs broadcast to the image size, each repeated
// `hcRepeat` times (the paper broadcasts its one target to hc_dim = 10 channels). The flag
// channel is how "don't care" is said: a constraint not given has target 0 and flag 0, and
// the training loss gives it no penalty, so the generator learns to ignore it.
//   hc_head: 3 x (Conv3x3+ReLU) cond -> 32; prior_head: 2 x (Conv3x3+ReLU) 1 -> 32;
//   P = hc_head + prior_head; Y = body(head(P)) + P (head 1, body 3 Conv3x3+ReLU);
//   logits = tail Conv3x3 32 -> 1, viewed as [L, G, 4]. No BN, He-normal (fan-out) init.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

#include "SgnasSpace.h"
#include "common/Json.h"

namespace nas::sgnas {

struct GeneratorConfig {
  int layers = 6;
  int groups = 6;
  int constraints = 1;  // K: condition channels = 2 * K * hcRepeat
  int hidden = 32;
  int hcRepeat = 5;
  // Derivation (see decodeForTargets): 0 = the paper's argmax; n > 0 = the lowest-hc-loss one of
  // the argmax and n samples of the generator's distribution. Artifacts without it: 0.
  int decodeSamples = 0;
  // With decodeSamples > 0: every candidate within this relative error of its targets counts as
  // meeting them, and the most likely of those (under the generator's distribution) wins, so
  // the preferences the cross-entropy taught are kept. 0 = the nearest cost wins (artifacts
  // without it).
  double decodeTolerance = 0.0;

  Json toJson() const;
  static GeneratorConfig fromJson(const Json& j);  // throws ParseError
};

class SgnasGeneratorImpl : public torch::nn::Module {
 public:
  explicit SgnasGeneratorImpl(const GeneratorConfig& config);
  // prior: [N, L, G*4] one-hot; cond: [N, 2K] as (t_1, flag_1, t_2, flag_2, ...).
  // Returns logits [N, L, G, 4] with group 0's skip at -inf (it may never skip).
  torch::Tensor forward(const torch::Tensor& prior, const torch::Tensor& cond);
  const GeneratorConfig& config() const { return config_; }

 private:
  GeneratorConfig config_;
  torch::nn::Sequential hcHead_{nullptr}, priorHead_{nullptr}, head_{nullptr}, body_{nullptr};
  torch::nn::Conv2d tail_{nullptr};
  torch::Tensor skipMask_;  // [1, 1, G, 4] true at group 0's skip
};
TORCH_MODULE(SgnasGenerator);

// Gumbel-softmax over the 4 choices of every group: softmax((logits + g) / tau), g ~ Gumbel(0,1).
// Masked (-inf) choices get probability 0.
torch::Tensor gumbelSoftmax(const torch::Tensor& logits, double tau);
// Argmax per group of logits [L, G, 4] (the paper's derivation step).
SgnasArch decodeArgmax(const torch::Tensor& logits);
// [L, G, 4] one-hot float probabilities of an architecture.
torch::Tensor archProbabilities(const SgnasArch& arch);

}  // namespace nas::sgnas
