#pragma once
// NAS-LID's few-shot loop at any scale: the root supernet (trained by uniform single-path
// sampling), then `levels` rounds in which every leaf picks one edge and divides its ops into
// two groups, each group a child sub-supernet that inherits the parent's weights and trains
// `levelEpochs` more epochs on the paths it keeps. The edge and the groups come from
//   lid:      LID-profile similarity (NAS-LID),
//   gradient: gradient similarity of the shared weights (GM-NAS, the memory-hungry baseline),
//   random:   a random edge and a random balanced partition,
//   none:     no split at all: the one-shot supernet trained for the same epochs per path.
// Every cell is then scored by the leaf that contains it (BN recalibrated for its path,
// accuracy on held-out images), which is what a ranking study compares with a ground truth.
#include <functional>
#include <string>
#include <vector>

#include "EdgeSimilarity.h"
#include "common/CancelToken.h"
#include "common/Json.h"
#include "eval/QueryData.h"

namespace nas::naslid {

enum class Criterion { Lid, Gradient, Random, None };
Criterion parseCriterion(const std::string& name);  // lid | gradient | random | none
const char* criterionName(Criterion c);

struct TrainSpec {
  std::int64_t batch = 64;
  double lr = 0.05;  // SGD Nesterov 0.9, wd 5e-4, cosine over each node's epochs
  torch::Device device = torch::kCPU;
};

struct SplitOptions {
  Criterion criterion = Criterion::Lid;
  EdgeSense sense = EdgeSense::Paper;
  int levels = 2;                 // 2^levels leaves (paper: 4 levels, 16 sub-supernets)
  std::int64_t levelEpochs = 1;   // each child's training after a split (paper: 20 per level)
  int repeats = 4;                // batches averaged per edge score (paper: 50)
  std::int64_t probeBatch = 128;  // images per LID / gradient batch (paper: 128)
  LidOptions lid;
  TrainSpec train;
  std::uint64_t seed = 0;         // probe batches, other edges' random ops, random splits, paths
  // Children start from the parent's weights (the paper's few-shot reading); false starts each
  // from a fresh initialisation, the official code's default (load_from_parent=False).
  bool inheritWeights = true;
};

struct SplitNode {
  int id = 0, parent = -1, level = 0;
  OpMask mask;
  std::vector<int> splitEdges;            // edges split by this node's ancestors and itself
  int edge = -1;                          // the edge this node split (-1: a leaf or none)
  Partition partition;
  double score = 0;                       // edgeScore of the chosen edge
  std::vector<EdgeSimilarity> similarities;  // every edge compared at this node (lid/gradient)
  std::vector<ProfileRecord> profiles;       // lid: the candidate paths' LID profiles (first batch)
  std::vector<int> children;
  bool trained = false;
  std::string state;                      // the node's trained weights (moduleToBytes)
};

struct SplitTree {
  std::vector<SplitNode> nodes;
  std::vector<int> leaves() const;
  int leafFor(const Nb201Cell& cell) const;  // -1 when no leaf holds it (cannot happen for a full tree)
  // {"id", "level", "ops": [[names per edge]], "edge", "groups", "score", "children": [...]}
  Json toJson(int node = 0) const;
};

struct SplitHooks {
  CancelToken cancel;
  std::function<void(const std::string& stage, double fraction)> progress;
  // After each node is trained or split: the tree so far (a checkpoint of the loop).
  std::function<void(const SplitTree&)> saved;
};

struct SplitReport {
  SplitTree tree;
  double splitSeconds = 0;   // time in similarity probes and partitions (not training)
  double peakMemoryMb = 0;   // max over probes of the resident-memory peak of the probe
  double trainSeconds = 0;
};

// Trains the root supernet for `epochs` from the initialisation of `seed`; returns its state.
std::string trainRoot(const Nb201MacroConfig& macro, const QueryData& data, const TrainSpec& spec, std::int64_t epochs,
                      std::uint64_t seed, const SplitHooks& hooks = {});

// Runs the loop from `rootState` (or continues `resume`, a tree an earlier call saved).
SplitReport runSplitting(const Nb201MacroConfig& macro, const QueryData& data, const std::string& rootState,
                         const SplitOptions& options, const SplitHooks& hooks = {}, SplitTree resume = {});

// Accuracy on data.val of every cell with the weights of the leaf that holds it, BN statistics
// re-estimated on `bnBatches` fixed training batches of the path.
std::vector<double> scoreCells(const SplitTree& tree, const Nb201MacroConfig& macro, const QueryData& data,
                               const std::vector<Nb201Cell>& cells, std::int64_t bnBatches, const TrainSpec& spec,
                               const CancelToken& cancel = {});

// A tree (with states) as bytes and back, for job checkpoints.
std::string treeToBytes(const SplitTree& tree);
SplitTree treeFromBytes(const std::string& bytes);

}  // namespace nas::naslid
