// The "agnet" job's description, parameters and result keys: data only, no torch use.
#include "AgnetMethod.h"
#include "AgnetSearch.h"
#include "jobs/DeviceParam.h"
#include "search/QueryStrategy.h"

namespace nas::agnet {

std::string AgnetMethod::description() const {
  return "AG-Net (Learning Where To Look, ECCV 2022): a generator pretrained to reconstruct the "
         "NAS-Bench-201 cells is retrained each round on the queried cells, weighted by rank, together "
         "with an accuracy predictor; it samples new cells, the predictor ranks them and the top k are "
         "queried. Values come from a benchmark table, a weight-sharing supernet or training from scratch; "
         "strategy=evolution or random runs a baseline on the same source. Optional second objective "
         "(FLOPs, params, latency from a device profile, or a table column) as a hard limit or a Pareto search.";
}

namespace {

struct Hyper {
  const char* name;
  const char* label;
  double min, max;
  const char* help;
};

// AG-Net's hyper-parameters, defaults from searchConfigDefaults() (the paper's), ranges as
// searchConfigFromParams checks them.
const Hyper kHyper[] = {
    {"num_init", "Initial queries", 1, 15625, "Random cells queried before the first round"},
    {"k", "Queries per round", 1, 15625, "Top-k candidates of the predictor queried per round"},
    {"num_test", "Candidates per round", 1, 15625, "New valid cells sampled and ranked per round"},
    {"ticks", "Ticks", 0, 1e6, "Training instances per round = ticks x tick size"},
    {"tick_size", "Tick size", 1, 1e6, "Grows by the cells added each round"},
    {"batch_size", "Batch size", 1, 1e5, "Retraining mini-batch"},
    {"weight_factor", "Weight factor", 1e-12, 1e6, "kappa of the rank weights 1 / (kappa |D| + rank)"},
    {"alpha", "Predictor weight", 0, 1, "Loss = (1 - alpha) reconstruction + alpha prediction"},
    {"lr", "Learning rate", 0, 10, "Adam, betas (0.5, 0.999), of the retraining"},
    {"latent_bound", "Latent bound", 1e-6, 1e3, "Latent codes z ~ U(-b, b)"},
    {"sample_start", "Sampling batch", 1, 1e6, "Sampling batch sizes start, 2 start, ... < end"},
    {"sample_end", "Sampling end", 2, 1e7, "Stop growing the sampling batch here"},
    {"infeasible_weight", "Infeasible weight", 0, 1, "Rank-weight factor of cells over the limit (pi)"},
    {"infeasible_penalty", "Infeasible penalty", 0, 1e12, "Subtracted from the score of candidates over the limit"},
    {"value_scale", "Value scale", 0, 1e12, "Predictor targets = value / scale; 0: 100 when values look like percent"},
    {"search_data", "Paper budget", 1, 15625, "queries=0 queries whole rounds until more than this many cells (310)"},
    {"node_dim", "Node embedding", 2, 4096, "Node embedding size (even)"},
    {"graph_dim", "Graph embedding", 1, 4096, "Graph embedding and latent size"},
    {"gnn_layers", "GNN layers", 1, 16, "Message-passing layers"},
    {"regression_layers", "Predictor layers", 1, 32, "Hidden layers of the predictor"},
    {"pretrain_samples", "Pretraining samples", 0, 1e9, "Cells reconstructed in pretraining"},
    {"pretrain_batch_size", "Pretraining batch", 1, 1e5, "Pretraining mini-batch"},
    {"pretrain_lr", "Pretraining learning rate", 1e-9, 10, "Adam of the pretraining"},
    {"pretrain_seed", "Pretraining seed", 0, 9e15, "Seed of the pretraining (pretrain=per-seed: mixed with the run's)"},
};

}  // namespace

ParamSchema AgnetMethod::schema() const {
  using T = ParamType;
  ParamSchema s;
  // ---- source and search
  s.add(withChoices(paramSpec("source", T::Choice, "table", "Query source",
                              "table: look values up in a benchmark CSV; supernet: estimate with a weight-sharing "
                              "supernet; scratch: train each cell"),
                    {"table", "supernet", "scratch"}));
  // The registry's names, including this plugin's "agnet" (registered before the method).
  s.add(withChoices(paramSpec("strategy", T::Choice, "agnet", "Strategy",
                              "agnet, or a baseline on the same source: evolution (regularized) or random"),
                    strategies_.names()));
  s.add(paramSpec("table", T::Path, "", "Benchmark table",
                  "source=table: CSV with an 'arch' column of NAS-Bench-201 strings and numeric metric columns; "
                  "empty for the shipped CIFAR-10 table"));
  s.add(paramSpec("signal_column", T::String, "", "Search column",
                  "source=table: the column the search maximises; empty: the table's validation column "
                  "(valid_accuracy, val_accuracy or validation_accuracy) as in the paper, else the report column"));
  s.add(paramSpec("report_column", T::String, "test_accuracy", "Report column",
                  "source=table: the column results report for the best-by-search-column cell (never read by "
                  "the search)"));
  // Before the search and report columns were separate (issue 20), one `metric` was both.
  s.renamed("metric", {"signal_column", "report_column"});
  s.add(withRange(paramSpec("queries", T::Int, 0, "Queries",
                            "Cells queried per seed; 0: the paper's budget, whole rounds of k until more than "
                            "search_data cells (320 with the defaults)"),
                  0, kNb201NumCells, "queries"));
  s.add(withRange(paramSpec("seeds", T::Int, 1, "Seeds", "Independent runs, seeds seed .. seed+seeds-1"), 1, 1000));
  s.add(withRange(paramSpec("seed", T::Int, 0, "First seed", "Seed of the first run"), 0, 2147483647));
  s.add(paramSpec("objective2", T::String, "", "Second objective",
                  "Minimised: flops (M), params (M), latency_ms (from a device profile) or a table column; empty: "
                  "single objective"));
  s.add(paramSpec("limit", T::String, "", "Limit",
                  "With objective2: the largest allowed cost (a hard constraint); empty or nan: a Pareto search"));
  s.add(paramSpec("latency_profile", T::String, "", "Device profile",
                  "objective2=latency_ms: the profile whose lookup table predicts latency (empty: the workspace's "
                  "latest nb201 profile; `nasstudio-cli latency profile --space nb201` measures one)"));
  // ---- AG-Net
  const Json defaults = searchConfigDefaults();
  s.add(withChoices(paramSpec("pretrain", T::Choice, defaults.at("pretrain"), "Pretraining",
                              "shared: one pretrained generator for every seed (the official code loads one "
                              "checkpoint for every trial); per-seed: each seed pretrains its own"),
                    {"shared", "per-seed"}));
  for (const Hyper& h : kHyper) {
    const Json& d = defaults.at(h.name);
    s.add(withRange(paramSpec(h.name, d.is_number_integer() ? T::Int : T::Float, d, h.label, h.help), h.min, h.max));
  }
  // ---- supernet and scratch sources (ignored by source=table). Names and defaults are the
  // ml room's (core/eval/QuerySourceParams.h: supernetSourceConfig, scratchSourceConfig).
  s.add(withChoices(paramSpec("dataset", T::Choice, "fashion-mnist", "Dataset",
                              "source=supernet|scratch: images to train and evaluate on"),
                    {"fashion-mnist", "cifar10", "synthetic"}));
  s.add(paramSpec("data_dir", T::Path, "", "Data folder", "Dataset folder (empty: Debian's Fashion-MNIST)"));
  s.add(withRange(paramSpec("train_limit", T::Int, 10000, "Training images", "At most this many training images (0: all)"),
                  0, 1e9, "images"));
  s.add(withRange(paramSpec("eval_images", T::Int, 1000, "Held-out images",
                            "Training images held out (never trained on) that a query is scored on"),
                  10, 1e9, "images"));
  s.add(withRange(paramSpec("supernet_epochs", T::Int, 12, "Supernet epochs",
                            "source=supernet: supernet training (4 ranked cells worse than 12 on Fashion-MNIST)"),
                  1, 1000, "epochs"));
  s.add(withRange(paramSpec("supernet_from_job", T::Int, 0, "Supernet of job",
                            "source=supernet: take the trained supernet of this earlier agnet job of the workspace "
                            "(0: train one), so that several strategies query the same supernet"),
                  0, 1e12));
  s.add(withChoices(paramSpec("bn", T::Choice, "recalibrate", "Supernet BatchNorm",
                              "source=supernet: recalibrate BN statistics per queried path, use batch statistics, "
                              "or the shared running statistics"),
                    {"recalibrate", "batch_stats", "shared"}));
  s.add(withRange(paramSpec("bn_batches", T::Int, 8, "BN batches", "bn=recalibrate: training batches per query"), 1,
                  1000));
  s.add(withRange(paramSpec("epochs", T::Int, 1, "Epochs per cell", "source=scratch: training of each queried cell"),
                  1, 1000, "epochs"));
  s.add(withRange(paramSpec("batch_size_train", T::Int, 64, "Training batch", "Training mini-batch of the networks"),
                  2, 4096, "images"));
  s.add(withRange(paramSpec("train_lr", T::Float, 0.1, "Training learning rate", "SGD rate, cosine-annealed"), 1e-6,
                  10));
  s.add(withRange(paramSpec("channels", T::Int, 8, "Channels", "Channels of the first stage (NB201: 16)"), 1, 256));
  s.add(withRange(paramSpec("cells", T::Int, 1, "Cells per stage", "Cells per stage (NB201: 5)"), 1, 32));
  s.add(withRange(paramSpec("threads", T::Int, 2, "Threads", "LibTorch intra-op threads (0: all cores)"), 0, 1024));
  s.add(deviceParamSpec("source=supernet|scratch: where the networks train and are scored. Data-parallel ranks "
                        "(--nproc, torchrun) train the supernet on the CPU over Gloo."));
  return s;
}

std::vector<std::string> AgnetMethod::resultKeys() const {
  return {"strategy", "metric",    "queries",  "seeds",        "mean_best",       "std_best",
          "best_per_seed", "best_arch_per_seed", "curve", "best_arch", "best_value", "source",
          "dataset", "objective2", "limit", "pareto",     "hypervolume",  "resumed", "workspace_scale",
          "table", "latency_profile", "rounds", "reused_queries", "report_metric", "mean_report", "std_report",
          "report_per_seed", "report_curve", "device", "ranks"};
}

}  // namespace nas::agnet
