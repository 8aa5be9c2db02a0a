// Parameters, descriptions and result keys of the plugin's methods: data only, no torch use.
// Defaults are sized for Fashion-MNIST on 2 CPU cores; the papers' values are in the help texts
// (DARTS' search: 50 epochs, batch 64, 8 cells, C=16, SGD 0.025 cosine to 0.001, momentum 0.9,
// wd 3e-4, Adam 3e-4 (0.5, 0.999) wd 1e-3; evaluation: 600 epochs, 20 cells, C=36, cutout 16,
// drop path 0.2, auxiliary 0.4).
#include "EntranMethods.h"
#include "jobs/DeviceParam.h"

namespace nas::entrannas {

namespace {

using T = ParamType;

void addData(ParamSchema& s, int trainLimit) {
  s.add(withChoices(paramSpec("space", T::Choice, "darts", "Cell space",
                              "darts: 2 input + 4 intermediate nodes, 8 ops, normal and reduction cells; nb201: the "
                              "NAS-Bench-201 cell (4 nodes, 6 edges, 5 ops), its result looked up in the benchmark"),
                    {"darts", "nb201"}));
  s.add(withChoices(paramSpec("dataset", T::Choice, "fashion-mnist", "Dataset", "Images to train and test on"),
                    {"fashion-mnist", "cifar10", "synthetic"}));
  s.add(paramSpec("data_dir", T::Path, "", "Data folder", "Dataset folder (empty: Debian's Fashion-MNIST)"));
  s.add(withRange(paramSpec("train_limit", T::Int, trainLimit, "Training images", "Use at most this many (0: all)"),
                  0, 1e9, "images"));
  s.add(withRange(paramSpec("test_images", T::Int, 2000, "Test images", "Test images scored (0: all)"), 0, 1e9,
                  "images"));
}

void addEval(ParamSchema& s, int epochs) {
  s.add(withRange(paramSpec("eval_epochs", T::Int, epochs, "Evaluation epochs",
                            "Epochs of training the derived network from scratch (paper: 600)"),
                  epochs == 0 ? 0 : 1, 100000, "epochs"));
  s.add(withRange(paramSpec("eval_channels", T::Int, 16, "Evaluation channels", "C of the evaluation network (paper: 36)"),
                  2, 1024));
  s.add(withRange(paramSpec("eval_layers", T::Int, 8, "Evaluation layers",
                            "darts: cells (paper: 20); nb201: cells per stage (benchmark: 5)"),
                  1, 100));
  s.add(withRange(paramSpec("eval_batch_size", T::Int, 96, "Evaluation batch", "Batch (paper: 96)"), 2, 4096, "images"));
  s.add(withRange(paramSpec("eval_lr", T::Float, 0.025, "Evaluation learning rate", "SGD, cosine (paper: 0.025)"),
                  1e-6, 10));
  s.add(withRange(paramSpec("cutout", T::Int, 16, "Cutout", "Side of the cutout square, pixels (paper: 16; 0: off)"),
                  0, 1024, "pixels"));
  s.add(withRange(paramSpec("drop_path", T::Float, 0.2, "Drop path",
                            "Final drop-path probability, raised linearly over the epochs (paper: 0.2; 0: off)"),
                  0, 0.95));
  s.add(withRange(paramSpec("auxiliary_weight", T::Float, 0.4, "Auxiliary weight",
                            "Loss weight of the auxiliary head after 2/3 of the cells (paper: 0.4; 0: no head; darts "
                            "space only)"),
                  0, 10));
}

void addRun(ParamSchema& s) {
  s.add(deviceParamSpec());
  s.add(withRange(paramSpec("threads", T::Int, 2, "Threads", "LibTorch intra-op threads (0: all cores)"), 0, 1024));
  s.add(withRange(paramSpec("seed", T::Int, 0, "Seed", "Initialisation, split, data order"), 0, 2147483647));
}

}  // namespace

std::string CellSearchMethod::title() const {
  return name_ == "darts" ? "DARTS: differentiable cell search (first or second order)"
                          : "EnTranNAS: Engine- and Transit-cells, DST derivation";
}

std::string CellSearchMethod::description() const {
  if (name_ == "darts")
    return "DARTS (arXiv 1806.09055), first or second order (`order`): every cell of the supernet mixes all candidate ops of every edge "
           "with softmax architecture weights; architecture and network weights are updated in turn on a "
           "validation and a training split of the training images; the derived cell keeps per node the two "
           "strongest edges (DARTS' rule). The baseline of EnTranNAS, on the same spaces, data and schedule.";
  return "EnTranNAS (arXiv 2101.11342): Engine-cells mix the candidate ops and learn the architecture; every other "
         "cell is a Transit-cell that runs only the cell derived from the current weights, so the super-net "
         "computes almost what evaluation will, at a fraction of DARTS' memory and time. Derivation dst "
         "(differentiable sparsification: the derived cell is exactly the Engine-cell's non-zero connections, any "
         "number of inputs per node) or top2 (DARTS' rule); feature sharing reuses one op output per source node. "
         "Reconstructed from the paper's stated properties (no official code): see the plugin README.";
}

ParamSchema CellSearchMethod::schema() const {
  ParamSchema s;
  addData(s, 2000);
  s.add(withRange(paramSpec("val_fraction", T::Float, 0.5, "Validation share",
                            "Share of the training images that updates the architecture (paper: 0.5)"),
                  0.05, 0.95));
  s.add(withRange(paramSpec("val_images", T::Int, 500, "Validation images scored",
                            "Validation images whose supernet accuracy is recorded per epoch (0: all)"),
                  0, 1e9, "images"));
  s.add(withRange(paramSpec("epochs", T::Int, 3, "Search epochs", "Search epochs (paper: 50)"), 1, 100000, "epochs"));
  s.add(withRange(paramSpec("batch_size", T::Int, 32, "Batch size", "Search batch (paper: 64)"), 2, 4096, "images"));
  s.add(withRange(paramSpec("channels", T::Int, 8, "Channels", "C of the supernet (paper: 16)"), 2, 1024));
  s.add(withRange(paramSpec("layers", T::Int, 0, "Layers",
                            "darts: cells (paper: 8); nb201: cells per stage (benchmark: 5); 0: 5 for darts, 1 for "
                            "nb201"),
                  0, 100));
  s.add(withRange(paramSpec("lr", T::Float, 0.025, "Learning rate", "SGD rate, cosine to lr_min (paper: 0.025)"), 1e-6,
                  10));
  s.add(withRange(paramSpec("lr_min", T::Float, 0.001, "Final learning rate", "(paper: 0.001)"), 0, 10));
  s.add(withRange(paramSpec("momentum", T::Float, 0.9, "Momentum", "SGD momentum (paper: 0.9)"), 0, 0.999));
  s.add(withRange(paramSpec("weight_decay", T::Float, 3e-4, "Weight decay", "(paper: 3e-4)"), 0, 1));
  s.add(withRange(paramSpec("grad_clip", T::Float, 5.0, "Gradient clip", "Max gradient norm (paper: 5)"), 1e-6, 1e6));
  s.add(withRange(paramSpec("arch_lr", T::Float, 3e-4, "Architecture learning rate", "Adam rate (paper: 3e-4)"), 1e-7,
                  10));
  s.add(withRange(paramSpec("arch_weight_decay", T::Float, 1e-3, "Architecture weight decay", "(paper: 1e-3)"), 0, 1));
  if (name_ == "darts")
    s.add(withRange(paramSpec("order", T::Int, 1, "Order",
                              "Architecture gradient: 1 first order (the weights as they are); 2 second order, through "
                              "one virtual weight step with a finite-difference Hessian-vector product (DARTS' "
                              "'second order'; about twice the time per step)"),
                    1, 2));
  if (name_ == "entrannas") {
    s.add(withChoices(paramSpec("derivation", T::Choice, "dst", "Derivation",
                                "dst: differentiable sparsification (EnTranNAS-DST; topology search); top2: DARTS' "
                                "hand-crafted rule (plain EnTranNAS)"),
                      {"dst", "top2"}));
    s.add(withChoices(paramSpec("engine_placement", T::Choice, "stage_first", "Engine-cells",
                                "stage_first: the first cell of each stage (darts: cell 0 and both reduction cells) "
                                "[reconstruction]; stage_last; all (every cell an Engine-cell)"),
                      {"stage_first", "stage_last", "all"}));
    s.add(paramSpec("feature_sharing", T::Bool, true, "Feature sharing",
                    "One module and one output per (source node, op), reused on all of the node's outgoing edges "
                    "[reconstruction]"));
    s.add(withRange(paramSpec("threshold_init", T::Float, 0.0, "DST threshold start",
                              "Initial theta; the node threshold is sigmoid(theta) times its largest weight "
                              "[reconstruction]"),
                    -20, 20));
  }
  addEval(s, 0);
  s.add(paramSpec("benchmark_table", T::Path, "", "Benchmark table",
                  "nb201: CSV of the NAS-Bench-201 CIFAR-10 test accuracies (empty: the shipped table)"));
  addRun(s);
  return s;
}

std::vector<std::string> CellSearchMethod::resultKeys() const {
  return {"genotype", "search_seconds", "seconds_per_epoch", "peak_memory_mb", "search_memory_mb", "val_accuracy",
          "params",   "flops",          "space",             "method",         "engine_cells",     "device"};
  // Also "test_accuracy" when eval_epochs > 0, "benchmark_test_accuracy" on nb201.
}

std::string DartsEvalMethod::description() const {
  return "Trains the network of a genotype from scratch (DARTS' train.py at adjustable depth and width: cutout, drop "
         "path and an auxiliary head as options) and records its test accuracy. Genotypes in DARTS notation (any "
         "number of inputs per node) or, with space=nb201, the benchmark's cell string.";
}

ParamSchema DartsEvalMethod::schema() const {
  ParamSchema s;
  s.add(paramSpec("genotype", T::String, "", "Genotype",
                  "DARTS notation Genotype(normal=[...], normal_concat=..., reduce=[...], reduce_concat=...) or an "
                  "NB201 cell string (empty: DARTS V2 / the all-conv3x3 cell)"));
  addData(s, 10000);
  addEval(s, 3);
  addRun(s);
  return s;
}

std::vector<std::string> DartsEvalMethod::resultKeys() const {
  return {"genotype", "test_accuracy", "params", "flops", "train_loss", "seconds", "device"};
}

}  // namespace nas::entrannas
