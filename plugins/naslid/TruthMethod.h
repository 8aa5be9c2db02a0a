#pragma once
// The "naslid-truth" job: the ground truth of ranking studies on Fashion-MNIST. Trains a fixed,
// stratified sample of NAS-Bench-201 cells (TruthSample.h) from scratch with core's "trained"
// query source (short schedule, the same initialisation seed and batch order for every cell)
// and writes each accuracy as an evaluation (source "trained", metric "val_accuracy") of this
// job the moment it is measured. The workspace is the checkpoint: a resumed job skips the
// cells it already evaluated. Any ranking study (the "naslid" job, others) reads the
// evaluations of such a job as its ground truth.
#include "jobs/Method.h"

namespace nas::naslid {

class TruthMethod final : public Method {
 public:
  std::string name() const override { return "naslid-truth"; }
  std::string title() const override { return "Ranking ground truth: a stratified NB201 sample trained from scratch"; }
  std::string description() const override;
  ParamSchema schema() const override;
  std::vector<std::string> resultKeys() const override;
  Json run(JobContext& ctx) const override;
};

// Data fields shared by the truth job and the study (they must agree for the scores to be
// comparable): dataset, data_dir, train_limit, val_images, split_seed, channels,
// cells_per_stage. Added to `s`.
void addStudyDataParams(ParamSchema& s);
// The sample's strata rule ("accuracy" | "params", TruthSample.h) and the NB201 table it reads,
// under the given parameter names. Added to `s`.
void addStrataParams(ParamSchema& s, const std::string& strata, const std::string& table);
// The names of the fields a study's ground-truth job must share with it.
const std::vector<std::string>& sharedDataParams();

}  // namespace nas::naslid
