// The "naslid" method's description, parameters and result keys: data only. Defaults are sized
// for Fashion-MNIST on 2 CPU cores (a few minutes); the paper's values are in the help texts.
#include "NaslidMethod.h"
#include "TruthMethod.h"
#include "jobs/DeviceParam.h"

namespace nas::naslid {

std::string NaslidMethod::description() const {
  return "NAS-LID (AAAI 2023): the NAS-Bench-201 supernet is split into sub-supernets, each edge's candidate ops "
         "compared by the cosine similarity of their layer-wise local-intrinsic-dimension (LID) profiles (forward "
         "passes only). criterion=gradient splits by gradient similarity instead (GM-NAS), random by chance, none "
         "keeps the one-shot supernet. Every ground-truth cell is scored by the sub-supernet that holds it; the job "
         "reports Kendall tau, Spearman rho and top-k precision, and the splitting's time and peak memory.";
}

ParamSchema NaslidMethod::schema() const {
  using T = ParamType;
  ParamSchema s;
  s.add(withChoices(paramSpec("criterion", T::Choice, "lid", "Split criterion",
                              "lid: LID-profile similarity (NAS-LID); gradient: gradient similarity of the shared "
                              "weights (GM-NAS); random: random edge and groups; none: the one-shot supernet"),
                    {"lid", "gradient", "random", "none"}));
  s.add(withChoices(paramSpec("edge_sense", T::Choice, "paper", "Edge choice",
                              "paper: split the edge whose best partition has the highest intra-group similarity; "
                              "code: the official mincut's total - intra, largest kept (the opposite sense)"),
                    {"paper", "code"}));
  s.add(withRange(paramSpec("levels", T::Int, 2, "Split levels", "2^levels sub-supernets (paper: 4 -> 16)"), 0, 6));
  s.add(withRange(paramSpec("warmup_epochs", T::Int, 2, "Warm-up epochs", "Root supernet before the first split (paper: 20)"),
                  0, 10000, "epochs"));
  s.add(withRange(paramSpec("level_epochs", T::Int, 1, "Epochs per level",
                            "Each sub-supernet after its split, from its parent's weights (paper: 20); the one-shot "
                            "supernet trains the same epochs per level"),
                  0, 10000, "epochs"));
  s.add(paramSpec("inherit_weights", T::Bool, true, "Inherit weights",
                  "Sub-supernets start from their parent's weights (paper); off: fresh initialisation (the official "
                  "code's default load_from_parent=False)"));
  s.add(withRange(paramSpec("repeats", T::Int, 4, "Probe batches", "Batches averaged per edge score (paper: 50)"), 1,
                  10000));
  s.add(withRange(paramSpec("probe_batch", T::Int, 128, "Probe batch", "Images per LID / gradient batch (paper: 128)"),
                  3, 100000, "images"));
  s.add(withRange(paramSpec("k", T::Int, 20, "LID neighbours", "k of the LID estimate (paper: 20); < probe batch"), 1,
                  100000));
  s.add(withRange(paramSpec("lid_eps", T::Float, 1e-6, "LID epsilon", "Added to r_k (official code: 1e-6)"), 0, 1));
  s.add(withRange(paramSpec("batch", T::Int, 64, "Batch size", "Supernet training batch (paper: 64)"), 2, 4096, "images"));
  s.add(withRange(paramSpec("lr", T::Float, 0.05, "Learning rate", "SGD Nesterov 0.9, wd 5e-4, cosine per node"), 1e-6, 10));
  s.add(withRange(paramSpec("bn_batches", T::Int, 4, "BN batches", "Training batches that recalibrate BN per scored cell"),
                  1, 10000));
  s.add(withChoices(paramSpec("truth", T::Choice, "job", "Ground truth",
                              "job: the evaluations of a naslid-truth job (same data settings); nb201: the NAS-Bench-201 "
                              "table's test accuracy of a stratified sample (a CIFAR-10 proxy)"),
                    {"job", "nb201"}));
  s.add(withRange(paramSpec("truth_job", T::Int, 0, "Truth job", "Id of the naslid-truth job (0: the newest done one)"),
                  0, 1e15));
  addStrataParams(s, "truth_strata", "table");
  s.add(withRange(paramSpec("truth_count", T::Int, 30, "Table sample", "truth=nb201: cells in the stratified sample"),
                  2, 15625, "cells"));
  s.add(withRange(paramSpec("truth_seed", T::Int, 0, "Table sample seed", "truth=nb201: which cell of each stratum"), 0,
                  2147483647));
  s.add(withRange(paramSpec("top_k", T::Int, 5, "Top k", "Top-k precision: overlap of the k best by score and by truth"),
                  1, 15625));
  addStudyDataParams(s);
  s.add(withRange(paramSpec("seed", T::Int, 0, "Seed", "Initialisation, paths, probe batches, random splits"), 0,
                  2147483647));
  s.add(withRange(paramSpec("threads", T::Int, 2, "Threads", "LibTorch intra-op threads (0: all cores)"), 0, 1024));
  s.add(deviceParamSpec());
  return s;
}

std::vector<std::string> NaslidMethod::resultKeys() const {
  return {"kendall_tau", "spearman", "top_k_precision", "peak_memory_mb", "split_seconds", "train_seconds",
          "split_tree", "criterion", "sub_supernets", "cells", "device", "seconds"};
}

}  // namespace nas::naslid
