#pragma once
// What a finished NAS-LID job shows next to its similarity grids, as the generic drawings of
// engine/ChartSamples.h (the GUI knows no NAS-LID): the LID profiles of the paths each split
// compared, as curves over the network's depth; the split hierarchy as a tree whose leaves list
// the ops they keep; predicted against true rank of the scored cells.
#include <string>
#include <vector>

#include "SplitStudy.h"
#include "common/Json.h"

namespace nas::naslid {

// Per split node that recorded LID profiles (at most `maxNodes`): the candidate paths of its
// split edge, one series per op, over `blocks`.
Json profileCurves(const SplitTree& tree, const std::vector<std::string>& blocks, std::size_t maxNodes = 4);

// The tree: a split node says which edge it split into which groups; a leaf lists, per edge
// restricted on its way down, the ops it keeps ("all ops" for an unsplit supernet).
Json splitTreeChart(const SplitTree& tree, const std::string& title);

// Ranks (1 = best) of `scores` against those of `truth`, one point per cell (labelled by
// `archs`), the diagonal drawn; the title carries Kendall tau.
Json rankScatter(const std::string& name, const std::vector<double>& scores, const std::vector<double>& truth,
                 const std::vector<std::string>& archs);

}  // namespace nas::naslid
