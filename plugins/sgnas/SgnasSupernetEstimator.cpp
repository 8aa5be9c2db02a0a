// SgnasSupernetEstimator: lazy load, one pathAccuracy per new architecture, cached.
#include "SgnasSupernetEstimator.h"

#include <torch/torch.h>

#include "common/Error.h"
#include "data/DatasetLoader.h"

namespace nas::sgnas {

namespace {
// Two calibration batches of 128 images: enough for BN statistics of one path (the evaluate
// phase uses 2 x 256), and it keeps one estimate of the Fashion-MNIST preset near 0.1 s.
constexpr int kCalibrationBatches = 2;
constexpr std::int64_t kCalibrationBatchSize = 128;
constexpr std::int64_t kCalibrationPool = 2048;
}  // namespace

SgnasSupernetEstimator::SgnasSupernetEstimator(EstimatorSource source) : src_(std::move(source)) {}

void SgnasSupernetEstimator::loadOnce() {
  if (loaded_) return;
  net_ = loadSupernetArtifact(src_.supernetBytes);
  if (net_->space().toJson() != src_.space.toJson())
    throw Error(ErrorCode::CorruptData, "the job's supernet and generator disagree on the space", "sgnas estimate");
  for (auto& p : net_->parameters()) p.set_requires_grad(false);
  net_->eval();
  eval_ = loadImageDataset(src_.dataset, src_.dataDir, false).head(src_.evalImages);
  calibration_ = loadImageDataset(src_.dataset, src_.dataDir, true).head(kCalibrationPool);
  norm_ = datasetNormalization(src_.dataset, eval_.channels());
  src_.supernetBytes.clear();  // parsed; the bytes are not needed twice
  loaded_ = true;
}

Json SgnasSupernetEstimator::estimate(const std::string& canonical) {
  std::lock_guard<std::mutex> lock(mutex_);
  const SgnasArch arch = parseArch(src_.space, canonical);  // before loading: bad input fails fast
  bool cached = true;
  auto it = cache_.find(canonical);
  if (it == cache_.end()) {
    try {
      loadOnce();
      AccuracyOptions o;
      o.batchSize = 250;
      o.calibrationBatches = kCalibrationBatches;
      o.calibrationBatchSize = kCalibrationBatchSize;
      o.seed = src_.seed;
      it = cache_.emplace(canonical, pathAccuracy(net_, arch, eval_, norm_, calibration_, o)).first;
    } catch (const c10::Error& e) {
      throw Error(ErrorCode::Internal, e.what_without_backtrace(), "sgnas estimate");
    }
    cached = false;
  }
  return Json{{"accuracy", it->second},
              {"images", eval_.size()},
              {"dataset", src_.dataset},
              {"source", "supernet"},
              {"cached", cached}};
}

}  // namespace nas::sgnas
