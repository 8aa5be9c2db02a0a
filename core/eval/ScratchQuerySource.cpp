// The "trained" query source: each queried cell is trained from scratch for a short fixed
// budget, exactly as the "train" job builds and trains it, and scored on the held-out images.
#include <torch/torch.h>

#include "common/Error.h"
#include "eval/QueryData.h"
#include "train/Nb201Run.h"
#include "train/Trainer.h"

namespace nas {
namespace {

class ScratchQuerySource final : public QuerySource {
 public:
  ScratchQuerySource(const ScratchSourceConfig& config, CancelToken cancel)
      : config_(config), cancel_(std::move(cancel)) {
    validateConfig(config_);
    data_ = loadQueryData(config_.data);
    if (data_.train.size() < config_.batch)
      throw Error(ErrorCode::InvalidArgument,
                  "is larger than the " + std::to_string(data_.train.size()) + " training images left", "batch");
    macro_ = nb201MacroFor(data_.train, config_.channels, config_.cellsPerStage);
    device_ = chooseDevice(config_.device, nullptr, "scratch source").device;
  }

  std::string source() const override { return "trained"; }
  std::string dataset() const override { return config_.data.dataset; }
  std::string metric() const override { return "val_accuracy"; }

  double query(const Nb201Cell& cell) override {
    TrainerOptions o;  // the "train" job's optimizer and schedule; no augmentation at so few epochs
    o.lr = config_.lr;
    o.epochs = config_.epochs;
    o.batchSize = config_.batch;
    o.seed = config_.seed;
    o.normalization = data_.norm;
    o.device = device_;
    // The same initialisation seed and batch order for every cell: differences come from the cell.
    Nb201Run run = makeNb201Run(cell, macro_, config_.seed, data_.train, o);
    while (!run.trainer->done()) {
      if (cancel_.cancelled())
        throw Error(ErrorCode::Cancelled, "training " + cell.toString() + " from scratch cancelled");
      run.trainer->step();
    }
    return run.trainer->evaluate(data_.val).accuracy;
  }

 private:
  ScratchSourceConfig config_;
  CancelToken cancel_;
  QueryData data_;
  Nb201MacroConfig macro_;
  torch::Device device_ = torch::kCPU;
};

}  // namespace

std::unique_ptr<QuerySource> makeScratchQuerySource(const ScratchSourceConfig& config, CancelToken cancel) {
  return std::make_unique<ScratchQuerySource>(config, std::move(cancel));
}

}  // namespace nas
