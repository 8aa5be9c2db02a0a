#pragma once
// The RepNAS search space without torch (arXiv 2109.03508; methods.md §5): a RepVGG-style macro
// network (a stem layer, then four stages whose first block has stride 2) in which every layer
// is an ODBB: an identity-BN branch that is always on where the layer allows one (stride 1,
// C_in == C_out), plus six optional branches (kxk, 1x1, 1x1-kxk, 1x1-avg, 1xk, kx1). A layer's
// choice is the subset of the six it keeps; after training every layer folds into one KxK conv.
//
// Architecture string: the layers' chosen optional branches as letters (k 1 c a h v, in that
// order) joined by '|', "-" for a layer that keeps none ("kc|c|-|k1"). The identity is implied
// where allowed. A layer that keeps none and has no identity runs its KxK branch (the paper's
// code does the same), so it still has a path; effectiveMask() says what a layer runs.
#include <string>
#include <vector>

#include "DbbArch.h"
#include "common/Json.h"

namespace nas::repnas {

// The optional branches in the column order of the architecture logits alpha [L, 6].
inline constexpr int kNumSearchable = 6;
inline constexpr Branch kSearchable[kNumSearchable] = {Branch::Kxk,        Branch::Conv1x1, Branch::Conv1x1Kxk,
                                                       Branch::Conv1x1Avg, Branch::Conv1xK, Branch::ConvKx1};
inline constexpr BranchMask kSearchableBits = 0x6F;  // all but identity

// Depths and widths of a macro network. RepVGG's presets are the paper's: blocks per stage
// [2, 4, 14, 1] (A) or [4, 6, 16, 1] (B), widths 64a, 128a, 256a, 512b, stem min(64, 64a),
// stem stride 2. "mini" is the CPU-scale version (methods.md §5(e)).
struct RepnasPreset {
  std::string name;
  std::vector<int> blocks;  // per stage
  std::vector<int> widths;  // per stage
  int stemChannels = 16;
  int stemStride = 1;
  std::string description;
};
std::vector<std::string> repnasPresetNames();  // mini, a0, a1, a2, b0, b1
// Throws InvalidArgument naming the preset and listing the known ones.
RepnasPreset repnasPreset(const std::string& name);

struct RepnasSpace {
  std::string preset;
  int inputChannels = 1, inputSize = 28, classes = 10, kernel = 3;
  std::vector<DbbLayerSpec> layers;  // layer 0 is the stem

  int numLayers() const { return static_cast<int>(layers.size()); }
  int lastChannels() const { return layers.back().outChannels; }
  bool hasIdentity(int layer) const;
  // What layer `layer` runs for the choice `chosen` (optional bits only): the chosen
  // branches, the identity where allowed, the KxK branch when that leaves nothing.
  BranchMask effectiveMask(int layer, BranchMask chosen) const;
  // Every branch the layer can hold (the six and the identity where allowed).
  BranchMask fullMask(int layer) const;
  // Multiply-accumulates and parameters of the deployed network (one KxK conv with bias per
  // layer, the classifier), whatever the branches.
  double deployedFlops() const;
  double deployedParams() const;
  Json toJson() const;
  static RepnasSpace fromJson(const Json& j);  // CorruptData naming what is missing
  std::string name() const { return "repnas:" + preset; }  // the workspace's space name
};

// The layer table of `preset` for inputs of inputChannels x inputSize^2 and `classes` classes.
// groupWise > 1 makes RepVGG's optional group-wise layers (even layer indices from 2) grouped
// so (its g2/g4 variants); 1: none. Throws InvalidArgument naming a bad field.
RepnasSpace buildRepnasSpace(const RepnasPreset& preset, int inputChannels, int inputSize, int classes,
                             int groupWise = 1);

// The branch budget: K = floor(keptRatio * 6 * L) (the paper: 0.34, 44 of 132 for A0).
int branchBudget(const RepnasSpace& space, double keptRatio);

using RepnasArch = std::vector<BranchMask>;  // per layer, optional bits only
int branchTotal(const RepnasArch& arch);     // optional branches kept, over all layers
std::string repnasArchToString(const RepnasArch& arch);
// Throws ParseError naming the input, the layer and the problem.
RepnasArch parseRepnasArch(const RepnasSpace& space, const std::string& text);
// The baselines at equal deployed cost: "repvgg" (kxk + 1x1, + identity where allowed, as
// RepVGG's block) and "full" (all six: the full diverse branch block in every layer).
RepnasArch repvggArch(const RepnasSpace& space);
RepnasArch fullArch(const RepnasSpace& space);
// Branch names per layer as the block runs them (effective masks), for results and views.
Json branchesJson(const RepnasSpace& space, const RepnasArch& arch);

}  // namespace nas::repnas
