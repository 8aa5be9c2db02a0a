// Job parameters -> query-source configs; config errors renamed to the job's parameter names.
#include "eval/QuerySourceParams.h"

#include <map>

#include "common/Error.h"

namespace nas {
namespace {

// Config field (validateConfig's error context) -> the job parameter it came from.
const std::map<std::string, std::string> kParamOf = {
    {"val_images", "eval_images"}, {"batch", "batch_size_train"}, {"lr", "train_lr"}};

template <typename Config>
void readCommon(const Json& p, Config& c) {
  c.data.dataset = jsonValue<std::string>(p, "dataset", c.data.dataset);
  c.data.dataDir = jsonValue<std::string>(p, "data_dir", c.data.dataDir);
  c.data.trainLimit = jsonValue<std::int64_t>(p, "train_limit", c.data.trainLimit);
  c.data.valImages = jsonValue<std::int64_t>(p, "eval_images", c.data.valImages);
  c.seed = jsonValue<std::uint64_t>(p, "seed", c.seed);
  c.channels = jsonValue<int>(p, "channels", c.channels);
  c.cellsPerStage = jsonValue<int>(p, "cells", c.cellsPerStage);
  c.batch = jsonValue<std::int64_t>(p, "batch_size_train", c.batch);
  c.lr = jsonValue<double>(p, "train_lr", c.lr);
  c.device = jsonValue<std::string>(p, "device", c.device);
}

// Runs `f`, renaming an Error's config-field context to the job parameter.
template <typename F>
auto asJobParams(F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    const auto it = kParamOf.find(e.context());
    throw Error(e.code(), e.message(), "parameter '" + (it == kParamOf.end() ? e.context() : it->second) + "'");
  }
}

}  // namespace

SupernetSourceConfig supernetSourceConfig(const Json& p) {
  SupernetSourceConfig c;
  readCommon(p, c);
  c.epochs = jsonValue<std::int64_t>(p, "supernet_epochs", c.epochs);
  c.bnBatches = jsonValue<std::int64_t>(p, "bn_batches", c.bnBatches);
  if (c.epochs < 1)  // validateConfig would say "epochs"; this job calls it supernet_epochs
    throw Error(ErrorCode::InvalidArgument, "must be at least 1, got " + std::to_string(c.epochs),
                "parameter 'supernet_epochs'");
  return asJobParams([&] {
    if (p.contains("bn")) c.bn = parseSupernetBn(jsonValue<std::string>(p, "bn", ""));
    validateConfig(c);
    return c;
  });
}

ScratchSourceConfig scratchSourceConfig(const Json& p) {
  ScratchSourceConfig c;
  readCommon(p, c);
  c.epochs = jsonValue<std::int64_t>(p, "epochs", c.epochs);
  return asJobParams([&] {
    validateConfig(c);
    return c;
  });
}

}  // namespace nas
