#pragma once
// How alike the candidate ops of one edge make a sub-supernet, the quantity NAS-LID splits on:
//   lid:      cosine similarity of the LID profiles (forward passes only, no gradients);
//   gradient: cosine similarity of the gradients of the shared weights (GM-NAS, the baseline
//             that needs a backward pass per candidate).
// Both follow the official loop: per repeat one batch and one random choice of every other
// edge among the sub-supernet's ops, then every candidate of the edge in turn; the m x m
// matrices are averaged over the repeats.
#include <torch/types.h>

#include <vector>

#include "Lid.h"
#include "NaslidNet.h"
#include "OpMask.h"

namespace nas::naslid {

struct LabelledBatch {
  torch::Tensor x;  // normalised float, on the network's device
  torch::Tensor y;  // int64 labels
};

struct EdgeSimilarity {
  int edge = -1;
  std::vector<int> ops;                       // the edge's enabled ops (benchmark indices)
  std::vector<std::vector<double>> matrix;    // ops.size()^2, symmetric, diagonal 1
};

// One LID profile recorded while scoring an edge (for the GUI's curves over depth).
struct ProfileRecord {
  std::string arch;
  std::vector<double> lid;
};

// BN layers normalise each batch by its own statistics while running statistics stay as they
// are (momentum 0 for the guard's lifetime): a probe must not change the supernet it probes.
class FrozenBnStats {
 public:
  explicit FrozenBnStats(NaslidNetImpl& net);
  ~FrozenBnStats();
  FrozenBnStats(const FrozenBnStats&) = delete;
  FrozenBnStats& operator=(const FrozenBnStats&) = delete;

 private:
  NaslidNetImpl& net_;
  bool wasTraining_;
  std::vector<torch::Tensor> counts_;  // num_batches_tracked, which train mode still counts up
  std::vector<std::pair<torch::nn::BatchNorm2dImpl*, c10::optional<double>>> saved_;
};

// `seed` fixes the other edges' random ops per repeat (the same draws for every criterion).
// `profiles`, when given, receives the LID profile of every (repeat 0) candidate path.
EdgeSimilarity lidSimilarity(NaslidNetImpl& net, const OpMask& mask, int edge, const std::vector<LabelledBatch>& batches,
                             const LidOptions& lid, std::uint64_t seed, std::vector<ProfileRecord>* profiles = nullptr);
EdgeSimilarity gradientSimilarity(NaslidNetImpl& net, const OpMask& mask, int edge,
                                  const std::vector<LabelledBatch>& batches, std::uint64_t seed);

// The best 2-way partition of an edge's ops: groups of floor(m/2) and ceil(m/2) ops (NB201's
// {2 | 3} for 5 ops, as the official `mincut`) maximising the sum of intra-group similarities.
struct Partition {
  std::vector<int> a, b;  // op indices (benchmark order)
  double intra = 0;       // sum over intra-group pairs i<j
  double total = 0;       // sum over all pairs i<=j (upper triangle with the diagonal, as the code)
};
Partition bestPartition(const EdgeSimilarity& s);

// Which edge to split, given each edge's best partition:
//   paper: the edge whose partition keeps the most similar ops together (highest intra sum,
//          NAS-LID Fig. 2);
//   code:  the official `mincut` score total - intra (inter-group + diagonal), largest kept.
enum class EdgeSense { Paper, Code };
EdgeSense parseEdgeSense(const std::string& name);  // "paper" | "code"
double edgeScore(const Partition& p, EdgeSense sense);

}  // namespace nas::naslid
