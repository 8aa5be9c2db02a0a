#pragma once
// What a RepNAS job shows in the Heat Maps tab (engine/GridSamples.h): per epoch the layers x
// branches grid of kept branches and, while searching, the branch probabilities; at the end
// one block drawn before and after merging, and both forms' accuracy and latency.
#include <string>

#include "common/Json.h"
#include "searchspace/GraphForm.h"
#include "RepnasSearch.h"
#include "RepnasSpace.h"

namespace nas::repnas {

// The "grids" array of an epoch's sample: "kept" (1 where a layer keeps a branch) and, when
// the report has them, "probability" (sigmoid of the branch logits).
Json epochGrids(const RepnasSpace& space, const EpochReport& report);

// A block as drawn: its branches from input to sum (merged = false), or the one KxK
// convolution with bias that replaces them (merged = true). `mask` as effectiveMask gives.
GraphForm blockGraph(const RepnasSpace& space, BranchMask mask, bool merged);

// The layer whose block has the most branches (the first of equals): the one worth drawing.
int richestLayer(const RepnasSpace& space, const std::vector<BranchMask>& masks);

struct FormFigures {
  double accuracy = 0, deployedAccuracy = 0;
  double multiMs = 0, deployedMs = 0;
  int threads = 1;
  int branches = 0;
};
// The last frame's payload: "label", "graphs" (before / after) and "table".
Json deployedFrame(const RepnasSpace& space, const std::vector<BranchMask>& masks, const FormFigures& f);

}  // namespace nas::repnas
