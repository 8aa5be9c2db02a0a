#include "RepnasFrames.h"

#include <cstdio>

#include "engine/GridSamples.h"
#include "searchspace/GraphFormJson.h"

namespace nas::repnas {

namespace {

std::string layerName(int layer) { return layer == 0 ? std::string("stem") : "layer " + std::to_string(layer); }

std::vector<std::string> searchableNames() {
  std::vector<std::string> names;
  for (Branch b : kSearchable) names.emplace_back(branchName(b));
  return names;
}

// A branch's label in a drawing, with the kernel size filled in ("1x1 → 3x3").
std::string branchLabel(Branch b, int k) {
  const std::string K = std::to_string(k);
  switch (b) {
    case Branch::Kxk: return K + "x" + K + " conv + BN";
    case Branch::Conv1x1: return "1x1 conv + BN";
    case Branch::Conv1x1Kxk: return "1x1 → " + K + "x" + K;
    case Branch::Conv1x1Avg: return "1x1 → avg " + K + "x" + K;
    case Branch::Identity: return "identity BN";
    case Branch::Conv1xK: return "1x" + K + " conv + BN";
    case Branch::ConvKx1: return K + "x1 conv + BN";
  }
  return branchName(b);
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

Json epochGrids(const RepnasSpace& space, const EpochReport& report) {
  HeatGrid kept;
  kept.name = "kept";
  kept.title = "Kept branches per layer";
  kept.valueLabel = "kept (1) or dropped (0)";
  kept.columns = searchableNames();
  for (int l = 0; l < space.numLayers() && l < int(report.arch.size()); ++l) {
    kept.rows.push_back(layerName(l));
    std::vector<double> row;
    for (Branch b : kSearchable) row.push_back(hasBranch(report.arch[std::size_t(l)], b) ? 1.0 : 0.0);
    kept.values.push_back(std::move(row));
  }
  Json grids = Json::array({heatGridToJson(kept)});
  if (report.probs.size() == std::size_t(space.numLayers()) * kNumSearchable) {
    HeatGrid probs = kept;
    probs.name = "probability";
    probs.title = "Branch probability (sigmoid of the logits)";
    probs.valueLabel = "probability";
    for (std::size_t l = 0; l < probs.values.size(); ++l)
      for (int b = 0; b < kNumSearchable; ++b) probs.values[l][std::size_t(b)] = report.probs[l * kNumSearchable + std::size_t(b)];
    grids.push_back(heatGridToJson(probs));
  }
  return grids;
}

GraphForm blockGraph(const RepnasSpace& space, BranchMask mask, bool merged) {
  GraphForm g;
  g.space = space.name();
  const int k = space.kernel;
  const std::string K = std::to_string(k);
  g.nodes.push_back({0, "in", "input"});
  if (merged) {
    g.nodes.push_back({1, "out", "output"});
    g.edges.push_back({0, 1, "conv_" + K + "x" + K, K + "x" + K + " conv + bias", true});
    return g;
  }
  g.nodes.push_back({1, "+", "intermediate"});
  g.nodes.push_back({2, "out", "output"});
  for (Branch b : {Branch::Kxk, Branch::Conv1x1, Branch::Conv1x1Kxk, Branch::Conv1x1Avg, Branch::Conv1xK,
                   Branch::ConvKx1, Branch::Identity})
    if (hasBranch(mask, b)) g.edges.push_back({0, 1, branchName(b), branchLabel(b, k), true});
  g.edges.push_back({1, 2, "relu", "ReLU", true});
  return g;
}

int richestLayer(const RepnasSpace& space, const std::vector<BranchMask>& masks) {
  int best = 0, bestCount = -1;
  for (int l = 0; l < space.numLayers() && l < int(masks.size()); ++l) {
    int count = 0;
    for (int bit = 0; bit < 8; ++bit) count += (masks[std::size_t(l)] >> bit) & 1;
    if (count > bestCount) {
      best = l;
      bestCount = count;
    }
  }
  return best;
}

Json deployedFrame(const RepnasSpace& space, const std::vector<BranchMask>& masks, const FormFigures& f) {
  const int layer = richestLayer(space, masks);
  const BranchMask mask = masks.empty() ? BranchMask(0) : masks[std::size_t(layer)];
  const Json graphs = Json::array(
      {{{"title", layerName(layer) + " before merging"}, {"graph", graphFormToJson(blockGraph(space, mask, false))}},
       {{"title", layerName(layer) + " after merging"}, {"graph", graphFormToJson(blockGraph(space, mask, true))}}});
  const std::string lat = "latency (batch 1, " + std::to_string(f.threads) + " thread" + (f.threads == 1 ? "" : "s") + ")";
  Json rows = Json::array({Json::array({"test accuracy", fixed(100 * f.accuracy, 2) + " %", fixed(100 * f.deployedAccuracy, 2) + " %"}),
                           Json::array({lat, fixed(f.multiMs, 3) + " ms", fixed(f.deployedMs, 3) + " ms"}),
                           Json::array({"optional branches (all layers)", std::to_string(f.branches),
                                        "none: one " + std::to_string(space.kernel) + "x" + std::to_string(space.kernel) +
                                            " conv per layer"})});
  return Json{{"kind", "deployed"},
              {"label", "deployed"},
              {"graphs", graphs},
              {"table", {{"header", Json::array({"", "multi-branch", "deployed"})}, {"rows", rows}}}};
}

}  // namespace nas::repnas
