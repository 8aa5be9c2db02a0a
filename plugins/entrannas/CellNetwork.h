#pragma once
// One network class for the search supernet, the Engine/Transit super-net and the evaluation
// network of a derived cell, in both spaces:
//   darts: DARTS' Network (model_search.py) / NetworkCIFAR (model.py): stem 3x3 conv to
//     stemMultiplier*C + BN, `layers` cells with reductions at layers/3 and 2*layers/3 (C doubles),
//     each cell reading the two previous cells' outputs, global pooling, linear classifier;
//     optional auxiliary head after cell 2*layers/3.
//   nb201: the benchmark's macro network: stem 3x3 conv + BN, three stages of `layers` cells
//     separated by residual reduction blocks, BN-ReLU, global pooling, linear.
// A cell either mixes all candidate ops with weights (Engine mode, as DARTS' MixedOp; ops whose
// weight is exactly zero are not run) or runs only a derived cell's ops at unit weight (Transit
// mode, and the evaluation network). With feature sharing, an op of one type applied to one
// source node is one module whose output every outgoing edge of that node reuses
// [reconstruction of EnTranNAS' feature sharing: the paper's text was not retrievable].
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "CellOps.h"
#include "CellSpace.h"

namespace nas::entrannas {

struct NetConfig {
  SpaceKind space = SpaceKind::Darts;
  int channels = 16;       // C
  int layers = 8;          // darts: cells in all; nb201: cells per stage
  int stemMultiplier = 3;  // darts only
  int inputChannels = 1;
  int classes = 10;
  OpOptions ops;           // search: affine=false, poolBn=true; evaluation: affine=true, poolBn=false
  bool featureSharing = false;
  bool auxiliary = false;  // darts only: auxiliary head after cell 2*layers/3 (evaluation)
  void validate() const;   // InvalidArgument naming the field
};

// What the cells of one type run in a forward. Engine cells use `weights` ([E, K], may require
// grad) and its CPU copy `values` (row-major, to skip exact zeros without a device sync per op);
// Transit cells run `active` at unit weight.
struct CellRun {
  torch::Tensor weights;
  std::vector<float> values;
  ActiveOps active;
  static CellRun engine(const torch::Tensor& weights, ActiveOps derived);
  static CellRun transit(ActiveOps derived);
};

class SearchCellImpl : public torch::nn::Module {
 public:
  // only: build just these ops (a standalone network of a derived cell); nullptr: all candidates.
  SearchCellImpl(const CellSpec& spec, std::int64_t cPP, std::int64_t cP, std::int64_t c, bool reduction,
                 bool reductionPrev, const NetConfig& config, const ActiveOps* only);
  // s1 is ignored by the one-input NAS-Bench-201 cell. dropPath > 0 (training, Transit mode):
  // DARTS' drop path on every non-identity op output.
  torch::Tensor forward(const torch::Tensor& s0, const torch::Tensor& s1, const CellRun& run, bool engine,
                        double dropPath = 0.0);
  // The (edge, op) pairs the last forward computed a contribution for, sorted.
  const ActiveOps& executed() const { return executed_; }
  bool reduction() const { return reduction_; }
  std::int64_t outChannels() const { return outChannels_; }
  std::string opKey(int edge, int op) const;

 private:
  const CellSpec& spec_;
  bool reduction_;
  bool sharing_;
  std::int64_t outChannels_;
  torch::nn::AnyModule pre0_, pre1_;
  std::map<std::string, torch::nn::AnyModule> ops_;
  ActiveOps executed_;
};
TORCH_MODULE(SearchCell);

class CellNetworkImpl : public torch::nn::Module {
 public:
  // only: per cell type the ops to build (standalone/evaluation network); nullptr: all.
  explicit CellNetworkImpl(const NetConfig& config, const std::vector<ActiveOps>* only = nullptr);
  // runs: one per cell type; engine: per cell, Engine (true) or Transit (false) mode.
  torch::Tensor forward(const torch::Tensor& x, const std::vector<CellRun>& runs, const std::vector<bool>& engine,
                        double dropPath = 0.0);
  // Logits of the auxiliary head of the last training forward (undefined without one).
  const torch::Tensor& auxLogits() const { return aux_; }

  int numCells() const { return static_cast<int>(cells_.size()); }
  int cellType(int i) const { return types_.at(static_cast<size_t>(i)); }
  SearchCell& cell(int i) { return cells_.at(static_cast<size_t>(i)); }
  const NetConfig& config() const { return config_; }
  const CellSpec& spec() const { return cellSpec(config_.space); }
  // Which cells are Engine-cells: "stage_first" (the first cell of each stage; in the DARTS
  // space these are cell 0 and the two reduction cells) [reconstruction: the layout the paper
  // describes was not retrievable], "stage_last", "all" (plain DARTS).
  std::vector<bool> placement(const std::string& name) const;

 private:
  NetConfig config_;
  torch::nn::Conv2d stem_{nullptr};
  torch::nn::BatchNorm2d stemBn_{nullptr}, lastBn_{nullptr};
  std::vector<SearchCell> cells_;
  std::vector<int> types_;
  std::map<int, torch::nn::AnyModule> blocks_;  // nb201: residual block before cell index
  int auxAfter_ = -1;
  torch::nn::Sequential auxHead_{nullptr};
  torch::nn::Linear auxClassifier_{nullptr}, classifier_{nullptr};
  torch::Tensor aux_;
};
TORCH_MODULE(CellNetwork);

// Copies every parameter and buffer of `to` from the same name in `from` (a standalone network
// takes a supernet's weights); CorruptData names a missing or mis-shaped entry.
void copyMatchingState(const torch::nn::Module& from, torch::nn::Module& to);

}  // namespace nas::entrannas
