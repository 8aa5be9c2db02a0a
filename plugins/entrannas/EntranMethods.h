#pragma once
// The plugin's three jobs:
//   "darts"      DARTS (arXiv 1806.09055), first or second order (order=1|2): the baseline, every
//                cell mixes all ops.
//   "entrannas"  EnTranNAS (arXiv 2101.11342): Engine-cells learn the architecture, Transit-cells
//                run only the currently derived cell; DST or top-2 derivation; feature sharing.
//   "darts-eval" trains a genotype's network from scratch and records its test accuracy.
// Both searches run on the DARTS cell or the NAS-Bench-201 cell (space=darts|nb201), split the
// training images into a training and a validation part for the bi-level updates, write per
// epoch a metric point and a sample (genotype, heat grids of the edge weights, the derived
// cells' graphs), resume from their epoch checkpoint, and may train the derived cells from
// scratch afterwards (eval_epochs > 0). On nb201 the derived cell is looked up in the benchmark
// table (CIFAR-10 test accuracy).
#include "jobs/Method.h"

namespace nas::entrannas {

class CellSearchMethod final : public Method {
 public:
  explicit CellSearchMethod(std::string name) : name_(std::move(name)) {}  // "darts" or "entrannas"
  std::string name() const override { return name_; }
  std::string title() const override;
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  Json run(JobContext& ctx) const override;

 private:
  std::string name_;
};

class DartsEvalMethod final : public Method {
 public:
  std::string name() const override { return "darts-eval"; }
  std::string title() const override { return "Train a DARTS/NB201 genotype from scratch"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  Json run(JobContext& ctx) const override;
};

}  // namespace nas::entrannas
