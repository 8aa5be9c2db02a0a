// Config checks, the held-out split and the supernet state's config record.
#include "eval/QueryData.h"

#include <torch/torch.h>

#include <algorithm>

#include "data/DatasetLoader.h"
#include "data/Rng.h"
#include "train/Device.h"

namespace nas {
namespace {

constexpr std::uint64_t kSplitStream = 0x5E1D0C;  // the held-out draw, apart from other streams

void require(bool ok, const char* field, const std::string& problem) {
  if (!ok) throw Error(ErrorCode::InvalidArgument, problem, field);
}

}  // namespace

const char* supernetBnName(SupernetBn bn) {
  switch (bn) {
    case SupernetBn::Recalibrate: return "recalibrate";
    case SupernetBn::BatchStats: return "batch_stats";
    case SupernetBn::Shared: return "shared";
  }
  return "?";
}

SupernetBn parseSupernetBn(const std::string& name) {
  for (SupernetBn bn : {SupernetBn::Recalibrate, SupernetBn::BatchStats, SupernetBn::Shared})
    if (name == supernetBnName(bn)) return bn;
  throw Error(ErrorCode::InvalidArgument,
              "unknown BatchNorm mode '" + name + "'; known: recalibrate, batch_stats, shared", "bn");
}

void validateDataConfig(const QueryDataConfig& c) {
  const auto names = imageDatasetNames();
  require(std::find(names.begin(), names.end(), c.dataset) != names.end(), "dataset",
          "unknown data set '" + c.dataset + "'; known: fashion-mnist, cifar10, synthetic");
  require(c.valImages >= 1, "val_images", "must be at least 1, got " + std::to_string(c.valImages));
  require(c.trainLimit >= 0, "train_limit", "must be 0 (all) or more, got " + std::to_string(c.trainLimit));
}

namespace {
void validateTraining(int channels, int cells, std::int64_t epochs, std::int64_t batch, double lr) {
  require(channels >= 1 && channels <= 512, "channels", "must be in 1..512, got " + std::to_string(channels));
  require(cells >= 1 && cells <= 20, "cells", "must be in 1..20, got " + std::to_string(cells));
  require(epochs >= 1, "epochs", "must be at least 1, got " + std::to_string(epochs));
  require(batch >= 2, "batch", "must be at least 2 (BatchNorm), got " + std::to_string(batch));
  require(lr > 0 && lr <= 10, "lr", "must be in (0, 10], got " + std::to_string(lr));
}
}  // namespace

void validateConfig(const SupernetSourceConfig& c) {
  validateDataConfig(c.data);
  validateTraining(c.channels, c.cellsPerStage, c.epochs, c.batch, c.lr);
  parseDevice(c.device);  // a bad value names "device"
  require(c.bn != SupernetBn::Recalibrate || c.bnBatches >= 1, "bn_batches",
          "recalibration needs at least 1 batch, got " + std::to_string(c.bnBatches));
}

void validateConfig(const ScratchSourceConfig& c) {
  validateDataConfig(c.data);
  validateTraining(c.channels, c.cellsPerStage, c.epochs, c.batch, c.lr);
  parseDevice(c.device);
}

QueryData loadQueryData(const QueryDataConfig& c) {
  validateDataConfig(c);
  const ImageDataset all = loadImageDataset(c.dataset, c.dataDir, true);
  // At least one full batch must be left to train on; say what the data set has.
  if (c.valImages > all.size() - 2)
    throw Error(ErrorCode::InvalidArgument,
                "holds out " + std::to_string(c.valImages) + " images but " + c.dataset + " has only " +
                    std::to_string(all.size()) + " training images",
                "val_images");
  std::vector<std::int64_t> perm = seededPermutation(all.size(), Rng::derive(c.splitSeed, kSplitStream));
  std::vector<std::int64_t> val(perm.begin(), perm.begin() + c.valImages), train(perm.begin() + c.valImages, perm.end());
  std::sort(val.begin(), val.end());  // original order: the split does not depend on the sort of perm
  std::sort(train.begin(), train.end());
  if (c.trainLimit > 0 && c.trainLimit < static_cast<std::int64_t>(train.size()))
    train.resize(static_cast<size_t>(c.trainLimit));
  QueryData d;
  d.train = all.subset(train);
  d.val = all.subset(val);
  d.norm = datasetNormalization(all.name, all.channels());
  return d;
}

Json supernetStateInfo(const SupernetSourceConfig& c, bool finished) {
  return Json{{"kind", "nb201-supernet"},
              {"dataset", c.data.dataset},
              {"val_images", c.data.valImages},
              {"train_limit", c.data.trainLimit},
              {"split_seed", c.data.splitSeed},
              {"channels", c.channels},
              {"cells", c.cellsPerStage},
              {"epochs", c.epochs},
              {"batch", c.batch},
              {"lr", c.lr},
              {"seed", c.seed},
              {"finished", finished}};
}

void checkSupernetStateInfo(const Json& info, const SupernetSourceConfig& config, bool trainingToo, ErrorCode code) {
  if (!info.is_object() || info.value("kind", "") != "nb201-supernet")
    throw Error(code, "not the state of an NAS-Bench-201 supernet", "supernet state");
  const Json want = supernetStateInfo(config, false);
  std::vector<const char*> fields = {"dataset", "val_images", "train_limit", "split_seed", "channels", "cells"};
  if (trainingToo) fields.insert(fields.end(), {"epochs", "batch", "lr", "seed"});
  for (const char* f : fields)
    if (!info.contains(f) || info[f] != want[f])
      throw Error(code,
                  std::string("the supernet was trained with ") + f + " = " + (info.contains(f) ? info[f].dump() : "?") +
                      ", this config has " + want[f].dump(),
                  f);
}

}  // namespace nas
