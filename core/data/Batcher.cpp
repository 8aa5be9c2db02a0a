#include "data/Batcher.h"

#include <algorithm>

#include "common/Error.h"
#include "data/Rng.h"

namespace nas {

Batcher::Batcher(std::int64_t datasetSize, std::int64_t batchSize, std::uint64_t seed, bool shuffle)
    : size_(datasetSize), batchSize_(batchSize), seed_(seed), shuffle_(shuffle) {
  if (datasetSize <= 0) throw Error(ErrorCode::InvalidArgument, "cannot batch an empty data set");
  if (batchSize <= 0) throw Error(ErrorCode::InvalidArgument, "batch size must be positive", "batch_size");
  batches_ = (size_ + batchSize_ - 1) / batchSize_;
  if (shuffle_ && batches_ > 1 && size_ % batchSize_ == 1) --batches_;
}

void Batcher::setPosition(BatchPosition pos) {
  if (pos.epoch < 0 || pos.batch < 0 || pos.batch > batches_)
    throw Error(ErrorCode::InvalidArgument, "batch position out of range: epoch " + std::to_string(pos.epoch) +
                                                ", batch " + std::to_string(pos.batch));
  if (pos.batch == batches_) pos = {pos.epoch + 1, 0};
  pos_ = pos;
}

const std::vector<std::int64_t>& Batcher::order(std::int64_t epoch) const {
  if (cachedEpoch_ != epoch) {
    if (shuffle_) {
      cachedOrder_ = seededPermutation(size_, Rng::derive(seed_, static_cast<std::uint64_t>(epoch)));
    } else {
      cachedOrder_.resize(static_cast<size_t>(size_));
      for (std::int64_t i = 0; i < size_; ++i) cachedOrder_[static_cast<size_t>(i)] = i;
    }
    cachedEpoch_ = epoch;
  }
  return cachedOrder_;
}

Batch Batcher::at(BatchPosition pos) const {
  const auto& ord = order(pos.epoch);
  const std::int64_t begin = pos.batch * batchSize_;
  const std::int64_t end = std::min(size_, begin + batchSize_);
  Batch b;
  b.position = pos;
  b.indices.assign(ord.begin() + begin, ord.begin() + end);
  b.seed = Rng::derive(Rng::derive(seed_ ^ 0xA5A5A5A5ULL, static_cast<std::uint64_t>(pos.epoch)),
                       static_cast<std::uint64_t>(pos.batch));
  return b;
}

Batch Batcher::next() {
  Batch b = at(pos_);
  ++pos_.batch;
  if (pos_.batch >= batches_) pos_ = {pos_.epoch + 1, 0};
  return b;
}

}  // namespace nas
