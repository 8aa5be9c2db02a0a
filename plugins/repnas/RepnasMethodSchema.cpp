// The "repnas" method's description, parameters and result keys: data only, no torch use.
// Defaults are sized for Fashion-MNIST on 2 CPU cores (about a minute); the paper's values
// are named in the help texts.
#include "RepnasMethod.h"

#include "jobs/DeviceParam.h"

namespace nas::repnas {

std::string RepnasMethod::description() const {
  return "RepNAS (arXiv 2109.03508): every layer of a RepVGG-style network is a diverse branch block with an "
         "always-on identity-BN branch and six optional branches (KxK, 1x1, 1x1->KxK, 1x1->avg, 1xK, Kx1). Per-layer "
         "branch logits with logistic noise pick the global top-K branches under a branch budget, straight-through "
         "gates train the logits; a random, then search, then fixed schedule. After training every layer is folded "
         "into one KxK conv; the job reports accuracy and latency of both forms and keeps the deployed network. "
         "branch_set also trains the baselines at equal deployed cost (RepVGG blocks, the full block everywhere).";
}

ParamSchema RepnasMethod::schema() const {
  using T = ParamType;
  ParamSchema s;
  // ---- space and data
  s.add(withChoices(paramSpec("preset", T::Choice, "mini", "Network preset",
                              "mini: stem + blocks [1,2,2,1], widths 16/32/64/128 (CPU scale); a0, a1, a2, b0, b1: the "
                              "paper's RepVGG depths [2,4,14,1] / [4,6,16,1] and widths, stem stride 2"),
                    {"mini", "a0", "a1", "a2", "b0", "b1"}));
  s.add(withRange(paramSpec("group_wise", T::Int, 1, "Group-wise layers",
                            "Groups of RepVGG's optional group-wise layers (even layers from 2; RepVGG's g2/g4); 1: none"),
                  1, 64));
  s.add(withChoices(paramSpec("dataset", T::Choice, "fashion-mnist", "Dataset", "Images to train and test on"),
                    {"fashion-mnist", "cifar10", "synthetic"}));
  s.add(paramSpec("data_dir", T::Path, "", "Data folder", "Dataset folder (empty: Debian's Fashion-MNIST)"));
  s.add(withRange(paramSpec("train_limit", T::Int, 10000, "Training images", "Use at most this many (0: all)"), 0, 1e9,
                  "images"));
  s.add(withRange(paramSpec("test_images", T::Int, 2000, "Test images", "Test images measured (0: all)"), 0, 1e9,
                  "images"));
  // ---- branches
  s.add(withChoices(paramSpec("branch_set", T::Choice, "searched", "Branch set",
                              "searched: the RepNAS search; repvgg: KxK + 1x1 + identity in every layer; full: all six + "
                              "identity in every layer; random: one uniformly random set of K branches; given: `arch`"),
                    {"searched", "repvgg", "full", "random", "given"}));
  s.add(paramSpec("arch", T::String, "", "Architecture",
                  "With branch_set=given: per layer the kept optional branches as letters k 1 c a h v (kxk, 1x1, "
                  "1x1-kxk, 1x1-avg, 1xk, kx1), '-' for none, joined by '|'"));
  s.add(withRange(paramSpec("kept_ratio", T::Float, 0.34, "Branch budget",
                            "Fraction of the 6 x layers optional branches kept, K = floor(ratio * 6L) (paper: 0.34)"),
                  0.001, 1));
  // ---- schedule
  s.add(withRange(paramSpec("random_epochs", T::Int, 2, "Random epochs",
                            "Epochs on uniformly random branch sets, logits not stepped (paper: 15 of 150)"),
                  0, 10000, "epochs"));
  s.add(withRange(paramSpec("search_epochs", T::Int, 4, "Search epochs",
                            "Epochs in which the logits are trained (paper: 35 of 150)"),
                  0, 10000, "epochs"));
  s.add(withRange(paramSpec("fixed_epochs", T::Int, 6, "Fixed epochs",
                            "Epochs on the top-K branches, BN statistics reset first (paper: 100 of 150). Other branch "
                            "sets train random + search + fixed epochs on their fixed set"),
                  0, 10000, "epochs"));
  s.add(withRange(paramSpec("batch_size", T::Int, 128, "Batch size", "Training batch (paper: 256)"), 2, 4096, "images"));
  s.add(withRange(paramSpec("lr", T::Float, 0.1, "Learning rate", "SGD rate, cosine-annealed per step (paper: 0.1)"),
                  1e-6, 10));
  s.add(withRange(paramSpec("momentum", T::Float, 0.9, "Momentum", "SGD momentum"), 0, 0.999));
  s.add(withRange(paramSpec("weight_decay", T::Float, 1e-4, "Weight decay",
                            "On conv and linear weights only (paper: 1e-4, none on BN and biases)"),
                  0, 0.1));
  s.add(withRange(paramSpec("grad_clip", T::Float, 5.0, "Gradient clip", "Max gradient norm of the weights (paper: 5)"),
                  1e-6, 1e6));
  s.add(withRange(paramSpec("arch_lr", T::Float, 0.01, "Logit learning rate",
                            "Adam rate of the branch logits (paper: 1e-4 over ~175k search steps; 0.01 lets a few hundred "
                            "steps move them as far against the logistic noise)"),
                  1e-7, 10));
  s.add(withRange(paramSpec("arch_weight_decay", T::Float, 5e-4, "Logit weight decay",
                            "Adam weight decay of the logits, cosine-annealed over the search (paper: 5e-4)"),
                  0, 1));
  s.add(paramSpec("reset_bn", T::Bool, true, "Reset BN at the fixed phase",
                  "Reset every BN's running statistics when the branches are fixed (paper: yes)"));
  s.add(withRange(paramSpec("dropout", T::Float, 0.1, "Dropout", "Before the classifier (paper: 0.1)"), 0, 0.9));
  // ---- measurement and run
  s.add(deviceParamSpec("Training, the merge and the accuracy of both forms run there; latency is always timed on "
                        "the CPU."));
  s.add(withRange(paramSpec("latency_threads", T::Int, 1, "Latency threads", "Intra-op threads while timing"), 1, 256));
  s.add(withRange(paramSpec("latency_budget_ms", T::Float, 300, "Latency budget",
                            "Timed milliseconds per form (after warm-up; at least 15 runs)"),
                  1, 1e6, "ms"));
  s.add(withRange(paramSpec("threads", T::Int, 2, "Threads", "LibTorch intra-op threads while training (0: all cores)"),
                  0, 1024));
  s.add(withRange(paramSpec("seed", T::Int, 0, "Seed", "Initialisation, data order, noise"), 0, 2147483647));
  return s;
}

std::vector<std::string> RepnasMethod::resultKeys() const {
  return {"branches",     "arch",          "branch_count", "branch_budget", "test_accuracy", "deployed_test_accuracy",
          "max_abs_diff", "latency_ms",    "speedup",      "flops",         "params",        "device",
          "seconds"};
}

}  // namespace nas::repnas
