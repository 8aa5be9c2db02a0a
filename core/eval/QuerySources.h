#pragma once
// Query sources for searches without a benchmark table (issue 5): a cell's value is
//   "supernet": its accuracy with weights inherited from a weight-sharing NAS-Bench-201
//               supernet trained by uniform single-path sampling (SPOS), or
//   "trained":  its accuracy after a short training from scratch,
// both on the same fixed held-out split of the data set's training images (metric
// "val_accuracy", fractions 0..1). Values are deterministic per seed at a fixed LibTorch
// thread count (the caller sets the threads, e.g. setTorchThreads).
//
// Torch-free: a job only needs the configs, trainSupernet (bytes in, bytes out) and the
// factories. Config errors are Error(InvalidArgument) whose context is the job-parameter
// name of the offending field ("val_images", "channels", ...).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/CancelToken.h"
#include "search/QuerySource.h"

namespace nas {

class DistGroup;
class ProgressSink;

// Which images a query scores on. `valImages` images are drawn from the data set's training
// images by a permutation seeded with `splitSeed` and never trained on; training uses the
// rest, in their original order, the first `trainLimit` of them (0 = all). Two sources with
// the same QueryDataConfig score on exactly the same images.
struct QueryDataConfig {
  std::string dataset = "fashion-mnist";  // "fashion-mnist", "cifar10", "synthetic"
  std::string dataDir;                    // "" = Debian's Fashion-MNIST folder
  std::int64_t valImages = 1000;
  std::int64_t trainLimit = 10000;
  std::uint64_t splitSeed = 0;
};

// How a supernet query treats BatchNorm. The supernet's running statistics are averages
// over all sampled paths and fit no single one.
//   Recalibrate: reset every BN's statistics, re-estimate them on `bnBatches` fixed training
//                batches run through the queried path, then evaluate in eval mode.
//   BatchStats:  evaluate in train mode: each validation batch (256 images) normalised by its
//                own statistics (no running statistics at all).
//   Shared:      the supernet's running statistics as they are (the naive baseline; kept for
//                the comparison in bench_query_sources).
enum class SupernetBn { Recalibrate, BatchStats, Shared };
const char* supernetBnName(SupernetBn bn);  // "recalibrate", "batch_stats", "shared"
// Throws Error(InvalidArgument) naming the known modes (context "bn").
SupernetBn parseSupernetBn(const std::string& name);

// Macro size: C=8, N=1 (stem, one cell per stage at 8/16/32 channels, two reductions). On
// 2 shared CPU cores an epoch of 10k Fashion-MNIST images then takes tens of seconds (C=16
// costs ~3x more, the benchmark's C=16, N=5 ~15x), so a supernet trains in ~5 minutes and a
// from-scratch query stays under a minute; one cell per stage still lets the cell's ops and
// topology decide the accuracy (bench_query_sources has the figures).
struct SupernetSourceConfig {
  QueryDataConfig data;
  int channels = 8;        // C
  int cellsPerStage = 1;   // N
  std::int64_t epochs = 12;  // ~5 min on 2 shared cores; 4 epochs ranked cells backwards (see the source)
  std::int64_t batch = 64;
  double lr = 0.1;         // SGD, Nesterov 0.9, weight decay 5e-4, cosine per step (the "train" job's)
  std::uint64_t seed = 0;  // initialisation, batch order, sampled paths
  SupernetBn bn = SupernetBn::Recalibrate;
  std::int64_t bnBatches = 8;  // Recalibrate: training batches (of `batch` images) per query
  // Where training and queries run (train/Device.h's rule: auto, cpu, cuda, cuda:N). Not part
  // of the state's config record: a supernet trained on a GPU is queried on the CPU and back.
  std::string device = "auto";
};

// Where supernet training reports. Every field is optional.
struct SupernetTrainHooks {
  ProgressSink* sink = nullptr;  // progress per step, "supernet_train_loss"/"_accuracy" metrics
  CancelToken cancel;            // polled before every step
  // Receives a resumable checkpoint every `checkpointEvery` steps, at each epoch end and when
  // cancelled (before Error(Cancelled) is thrown); the job keeps the latest as an artifact.
  std::function<void(const std::string& bytes)> checkpoint;
  std::int64_t checkpointEvery = 200;
  // Data-parallel over c10d (train/DistGroup.h): every rank trains its share of each global
  // batch on the same sampled path (a function of seed and step, so no broadcast is needed),
  // gradients summed; `resumeFrom` is rank 0's, broadcast to all. Only rank 0 should be given
  // `checkpoint`. Gloo reduces CPU tensors: with a group, device "auto" means the CPU.
  std::shared_ptr<DistGroup> group;
  // One process computing what `forwardChunks` ranks compute: each batch is forwarded in that
  // many contiguous chunks, each normalised by its own BatchNorm statistics as a rank's share
  // is (the loss is the mean over the whole batch either way). 1 = the whole batch at once.
  int forwardChunks = 1;
};

// Trains the supernet of `config` (resuming from `resumeFrom`, a checkpoint of an earlier call
// with the same config, when not empty) and returns its trained state for
// makeSupernetQuerySource. A resumed run ends with exactly the weights of an uninterrupted
// one (the bytes differ: torch's archive names modules with a per-process counter). Throws
// Error(InvalidArgument) for a bad config, the loaders' errors for missing data,
// Error(CorruptData) for a checkpoint of another config, Error(Cancelled) when cancelled.
std::string trainSupernet(const SupernetSourceConfig& config, const SupernetTrainHooks& hooks = {},
                          const std::string& resumeFrom = {});

// A source over a trained supernet (`state` from trainSupernet with the same config; a
// checkpoint of an unfinished run or another config is refused with Error(InvalidArgument)
// naming the field). Loads the data once. query() takes ~1.5-2 s at the default size on 2
// shared cores (8 recalibration batches + 1000 held-out images) and throws Error(Cancelled)
// once `cancel` fires.
std::unique_ptr<QuerySource> makeSupernetQuerySource(const SupernetSourceConfig& config, const std::string& state,
                                                     CancelToken cancel = {});

// Training from scratch per query: the cell's Nb201Network built and trained exactly as the
// "train" job does (same Trainer, SGD Nesterov, cosine), without augmentation, for `epochs`
// over the training images. The defaults take well under a minute per cell on 2 cores
// (Fashion-MNIST, 10k images, one epoch).
struct ScratchSourceConfig {
  QueryDataConfig data;
  int channels = 8;
  int cellsPerStage = 1;
  std::int64_t epochs = 1;
  std::int64_t batch = 64;
  double lr = 0.1;
  std::uint64_t seed = 0;  // initialisation and batch order, the same for every cell
  std::string device = "auto";  // train/Device.h's rule
};

// Loads the data once; query() trains (polling `cancel` before every step).
std::unique_ptr<QuerySource> makeScratchQuerySource(const ScratchSourceConfig& config, CancelToken cancel = {});

// Throw Error(InvalidArgument) naming the first bad field; the factories and trainSupernet
// call them too. For a job that wants to fail before loading anything.
void validateConfig(const SupernetSourceConfig& config);
void validateConfig(const ScratchSourceConfig& config);

}  // namespace nas
