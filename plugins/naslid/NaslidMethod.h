#pragma once
// The "naslid" job (NAS-LID, AAAI 2023): trains the NAS-Bench-201 supernet, splits it into
// sub-supernets by a criterion (lid, gradient, random or none = one-shot), scores a ground-truth
// sample of cells with the sub-supernet that holds each, and reports Kendall tau, Spearman rho
// and top-k precision against the truth (a "naslid-truth" job's evaluations or the NB201
// CIFAR-10 table), with the splitting's time and peak memory. Samples carry what the GUI draws:
// "grids" (edge-similarity matrices), "lid_profiles", "split_tree" and "rank_points". The split
// tree is the checkpoint: a resumed job continues after the last trained or split node.
#include "jobs/Method.h"

namespace nas::naslid {

class NaslidMethod final : public Method {
 public:
  std::string name() const override { return "naslid"; }
  std::string title() const override { return "NAS-LID: LID-guided supernet splitting and its ranking"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  Json run(JobContext& ctx) const override;
};

}  // namespace nas::naslid
