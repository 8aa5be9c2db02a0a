#pragma once
// Building one NAS-Bench-201 network and its trainer, shared by the "train" job and the
// from-scratch query source so that both train a cell the same way.
#include <memory>

#include "data/ImageDataset.h"
#include "nn/Nb201Network.h"
#include "train/Trainer.h"

namespace nas {

// The macro network for `data`'s image shape and class count, C and N as given.
Nb201MacroConfig nb201MacroFor(const ImageDataset& data, int channels, int cellsPerStage);

struct Nb201Run {
  Nb201Network net{nullptr};
  std::unique_ptr<Trainer> trainer;
};

// Seeds torch's global generator with `initSeed` (the initialisation; a checkpoint restore
// overwrites it), builds the network and a Trainer over `train` that calls its forward.
Nb201Run makeNb201Run(const Nb201Cell& cell, const Nb201MacroConfig& macro, std::uint64_t initSeed,
                      const ImageDataset& train, const TrainerOptions& options);

}  // namespace nas
