#pragma once
// Mini-batches as index lists over an in-memory set. Epoch e visits a permutation drawn from
// Rng(derive(seed, e)), so the batcher's whole state is its position (epoch, batch): saving
// those two numbers and the seed is enough to resume mid-epoch and get the same batches.
// No torch and no global RNG here.
#include <cstdint>
#include <vector>

namespace nas {

struct BatchPosition {
  std::int64_t epoch = 0;
  std::int64_t batch = 0;  // index within the epoch
};

struct Batch {
  BatchPosition position;
  std::vector<std::int64_t> indices;
  std::uint64_t seed = 0;  // for this batch's augmentation: derived from (seed, epoch, batch)
};

class Batcher {
 public:
  // shuffle=false visits rows in order (evaluation). A last batch of a single row is dropped
  // in shuffled mode, because BatchNorm cannot train on one sample.
  Batcher(std::int64_t datasetSize, std::int64_t batchSize, std::uint64_t seed, bool shuffle = true);

  std::int64_t batchesPerEpoch() const { return batches_; }
  std::int64_t batchSize() const { return batchSize_; }
  std::uint64_t seed() const { return seed_; }
  BatchPosition position() const { return pos_; }
  void setPosition(BatchPosition pos);

  // The batch at position(); then moves to the next one (the next epoch after the last).
  Batch next();
  // The batch at an arbitrary position, without moving.
  Batch at(BatchPosition pos) const;

 private:
  const std::vector<std::int64_t>& order(std::int64_t epoch) const;

  std::int64_t size_, batchSize_, batches_;
  std::uint64_t seed_;
  bool shuffle_;
  BatchPosition pos_;
  mutable std::int64_t cachedEpoch_ = -1;
  mutable std::vector<std::int64_t> cachedOrder_;
};

}  // namespace nas
