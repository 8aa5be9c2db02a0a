// The "sgnas" method's description, parameters and result keys: data only, no torch use.
// Defaults are sized for the Fashion-MNIST demo on 2 CPU cores (under 30 minutes end to end).
#include "SgnasMethod.h"
#include "jobs/DeviceParam.h"

namespace nas::sgnas {

std::string SgnasMethod::description() const {
  return "Searching by Generating (SGNAS, CVPR 2021). Trains a unified single-path MBConv supernet in "
         "which every layer's expanded channels are split into groups that each pick a depthwise kernel "
         "(3, 5, 7) or skip, so expansion ratio and mixed kernels are searched together; then trains a "
         "small convolutional generator that maps a FLOPs and/or parameter target to an architecture in "
         "one forward pass (Gumbel-softmax through the frozen supernet plus an asymmetric constraint "
         "penalty); finally generates for a grid of targets across the reachable range and compares them "
         "with random architectures of equal FLOPs. The trained generator drives live constraint sliders.";
}

ParamSchema SgnasMethod::schema() const {
  using T = ParamType;
  ParamSchema s;
  s.add(withChoices(paramSpec("recipe", T::Choice, "studio", "Recipe",
                    "studio: this project's defaults; paper: the paper and official code (soft-cost hc loss in range "
                    "units, alpha 9.72, one target per step, argmax decoding, selection by hc loss, 50 generator "
                    "epochs, expansions 2..G with any groups active). Under paper, settings left at their studio "
                    "default take the paper's value (plugins/sgnas/README.md)"),
               {"studio", "paper"}));
  // ---- data and space
  s.add(withChoices(paramSpec("preset", T::Choice, "fashion-mnist", "Space preset",
                    "Layer table: fashion-mnist (6 layers, 1x28x28), tiny (3 layers, 1x16x16 synthetic), cifar / "
                    "imagenet (the paper's 19 layers)"),
               {"fashion-mnist", "tiny", "cifar", "imagenet"}));
  s.add(withChoices(paramSpec("dataset", T::Choice, "fashion-mnist", "Dataset", "Images to train and evaluate on"),
               {"fashion-mnist", "cifar10", "synthetic"}));
  s.add(paramSpec("data_dir", T::Path, "", "Data folder", "Dataset folder (empty: Debian's Fashion-MNIST)"));
  s.add(withRange(paramSpec("train_limit", T::Int, 0, "Training images", "Use at most this many training images (0: all)"), 0,
               1e9, "images"));
  s.add(withRange(paramSpec("val_fraction", T::Float, 0.2, "Held-out fraction",
                    "Part of the training images held out for the generator (the paper's 1 - train_portion)"),
               0.01, 0.9));
  s.add(withRange(paramSpec("eval_images", T::Int, 2000, "Evaluation images",
                    "Test images used for the supernet accuracy estimates of the evaluate phase"),
               10, 1e9, "images"));
  s.add(withChoices(paramSpec("constraints", T::Choice, "flops+params", "Constraints",
                    "What the generator is conditioned on; with several, any may be left as don't-care. latency "
                    "(ms) comes from a device profile's lookup table (latency_profile)"),
               {"flops", "flops+params", "flops+latency", "flops+params+latency"}));
  s.add(paramSpec("latency_profile", T::String, "", "Device profile",
                  "Device profile whose lookup table gives the latency constraint and cost (empty: the workspace's "
                  "latest profile of this space; `nasstudio-cli latency profile --space sgnas` measures one)"));
  // ---- supernet
  s.add(withRange(paramSpec("supernet_from_job", T::Int, 0, "Reuse supernet of job",
                    "Skip supernet training and take the trained supernet of this earlier job in the same workspace "
                    "(0: train one); lets several generators share one supernet"),
               0, 9.2e18));
  s.add(withRange(paramSpec("supernet_epochs", T::Int, 2, "Supernet epochs", "Epochs of fair-path supernet training"), 0, 1000,
               "epochs"));
  s.add(withRange(paramSpec("batch_size", T::Int, 128, "Batch size", "Supernet training batch"), 2, 4096, "images"));
  s.add(withRange(paramSpec("paths_per_step", T::Int, 4, "Paths per step", "Sub-networks per optimizer step (paper: 4)"), 1, 16));
  s.add(withRange(paramSpec("min_expansion", T::Int, 1, "Smallest trained expansion",
                    "Fair sampling cycles each layer's expansion through min..G (paper: 2; 1 also trains e=1's BN)"),
               1, 16));
  s.add(paramSpec("supernet_group0_active", T::Bool, true, "Group 0 in every path",
                  "Supernet sampling keeps group 0 active in every training path, as in every architecture the "
                  "generator emits (false: any e groups, the official code)"));
  s.add(withRange(paramSpec("lr", T::Float, 0.1, "Learning rate", "SGD rate, cosine-annealed per step"), 1e-6, 10));
  s.add(withRange(paramSpec("momentum", T::Float, 0.9, "Momentum", "SGD momentum"), 0, 0.999));
  s.add(withRange(paramSpec("weight_decay", T::Float, 4e-4, "Weight decay", "SGD weight decay (paper: 4e-4)"), 0, 0.1));
  s.add(withRange(paramSpec("label_smoothing", T::Float, 0.1, "Label smoothing", "Cross-entropy label smoothing"), 0, 0.5));
  // ---- generator
  s.add(withRange(paramSpec("generator_epochs", T::Int, 60, "Generator epochs", "Epochs (tau decays once per epoch)"), 1, 1000,
               "epochs"));
  s.add(withRange(paramSpec("generator_steps", T::Int, 10, "Generator steps", "Steps per generator epoch"), 1, 100000));
  s.add(withRange(paramSpec("generator_batch", T::Int, 32, "Generator batch", "Held-out images per generator step"), 1, 4096,
               "images"));
  s.add(withRange(paramSpec("targets_per_step", T::Int, 4, "Targets per step",
                    "Constraint targets per generator step; the step's images are split among them"),
               1, 64));
  s.add(withRange(paramSpec("hc_targets_per_step", T::Int, 32, "Constraint-only targets per step",
                    "Extra targets per step trained on the constraint loss alone (no supernet pass; 0: paper)"),
               0, 4096));
  s.add(withRange(paramSpec("generator_lr", T::Float, 1e-3, "Generator learning rate", "Adam, betas (0.5, 0.999)"), 1e-6, 1));
  s.add(withRange(paramSpec("tau0", T::Float, 5.0, "Initial temperature", "Gumbel-softmax temperature at epoch 1"), 0.01, 100));
  s.add(withRange(paramSpec("tau_decay", T::Float, 0.95, "Temperature decay", "Tau multiplier after every epoch"), 0.1, 1));
  s.add(withChoices(paramSpec("hc_error", T::Choice, "relative", "Constraint error",
                    "How the hc loss measures a miss: relative to the target, (F-T)/T, so every target pays the "
                    "same per percent (default; the space spans ~6x in FLOPs), or as a fraction of the reachable "
                    "range, (F-T)/(max-min), which favours the high end (the earlier default, with alpha 30)"),
               {"relative", "range"}));
  s.add(withRange(paramSpec("alpha", T::Float, 40.0, "Constraint weight",
                    "alpha of the hc loss on the error chosen by hc_error (paper: 3e-4/MFLOPs^2; relative at its "
                    "mid target 360 M: x 360^2 ~ 39; range: x 180^2 ~ 10)"),
               0, 1e6));
  s.add(withRange(paramSpec("penalty", T::Float, 1.2, "Over-budget penalty", "lambda: extra factor when a cost exceeds its target"),
               1, 100));
  s.add(withRange(paramSpec("tolerance", T::Float, 0.002, "Tolerance",
                    "Errors within this fraction (of the target, or of the range with hc_error=range) cost nothing"),
               0, 0.5));
  s.add(paramSpec("straight_through", T::Bool, true, "Discrete cost in the hc loss",
             "Penalise the exact cost of the sampled one-hot architecture (straight-through gradient) rather than "
             "the table on soft probabilities (paper)"));
  s.add(withRange(paramSpec("decode_samples", T::Int, 16, "Decoding samples",
                    "Derivation: 0 = argmax per group (paper); n = the argmax or one of n samples of the generator's "
                    "distribution (lookup table only, no supernet pass), whichever meets the targets best"),
               0, 4096));
  s.add(withRange(paramSpec("decode_tolerance", T::Float, 0.0, "Decoding tolerance",
                    "With decoding samples: candidates within this relative error of every target meet it and the "
                    "most likely of them wins (0: the nearest wins)"),
               0, 0.5));
  s.add(withRange(paramSpec("selection_images", T::Int, 128, "Selection images",
                    "Model selection by validation loss: hc loss on the selection grid plus the cross-entropy of its "
                    "architectures on this many held-out images (0: hc loss alone, the paper)"),
               0, 100000, "images"));
  s.add(withRange(paramSpec("selection_max_error", T::Float, 0.05, "Selection error bound",
                    "Model selection prefers epochs that meet every FLOPs target of the selection grid within this "
                    "relative error (0: no bound)"),
               0, 1));
  s.add(withRange(paramSpec("pool_size", T::Int, 1, "Prior pool size", "Prior architectures across the range (paper: 1)"), 1,
               100));
  // ---- evaluation
  s.add(withRange(paramSpec("eval_targets", T::Int, 20, "Evaluation targets", "FLOPs targets across the reachable range"), 2,
               1000));
  s.add(withRange(paramSpec("heldout_random_targets", T::Int, 20, "Held-out random targets",
                    "Held-out evaluation of the constraint: the eval_targets-1 midpoints between the selection grid's "
                    "targets plus this many seeded uniform targets, none on the selection grid"),
               0, 100000));
  s.add(withRange(paramSpec("random_per_target", T::Int, 3, "Random baselines",
                    "Random architectures of equal FLOPs evaluated per target"),
               0, 100));
  s.add(withRange(paramSpec("calibration_batches", T::Int, 2, "BN calibration batches",
                    "Training batches that recompute a path's BN statistics before its accuracy is measured"),
               0, 100));
  // ---- run
  s.add(withRange(paramSpec("threads", T::Int, 2, "Threads", "LibTorch intra-op threads (0: all cores)"), 0, 1024));
  s.add(deviceParamSpec("The supernet trains there; the generator and the evaluation run on the CPU. "
                        "Data-parallel ranks (--nproc, torchrun) train the supernet on the CPU over Gloo."));
  s.add(withRange(paramSpec("seed", T::Int, 0, "Seed", "Seed of data order, sampling and initialisation"), 0, 2147483647));
  s.add(withRange(paramSpec("checkpoint_every", T::Int, 50, "Checkpoint every", "Steps between checkpoints within an epoch"), 1,
               1e9, "steps"));
  return s;
}

std::vector<std::string> SgnasMethod::resultKeys() const {
  return {"flops_range",        "params_range",  "best_hc_loss",          "kendall_tau",        "within_5pct",
          "targets",            "mean_abs_error_pct", "generated_beats_random", "mean_accuracy", "mean_random_accuracy",
          "supernet_accuracy_max", "seconds",    "phase_seconds",         "resumed",
          "accuracy_diff_mean", "accuracy_diff_se", "beats_random_sign_p", "accuracy_se_per_arch",
          "in_sample",          "held_out",      "recipe",               "device",             "ranks",    "rank_param_max_diff"};
}

}  // namespace nas::sgnas
