#include "train/Nb201Run.h"

#include <torch/torch.h>

namespace nas {

Nb201MacroConfig nb201MacroFor(const ImageDataset& data, int channels, int cellsPerStage) {
  Nb201MacroConfig macro;
  macro.channels = channels;
  macro.cellsPerStage = cellsPerStage;
  macro.inputChannels = static_cast<int>(data.channels());
  macro.inputHeight = static_cast<int>(data.height());
  macro.inputWidth = static_cast<int>(data.width());
  macro.classes = static_cast<int>(data.classes);
  return macro;
}

Nb201Run makeNb201Run(const Nb201Cell& cell, const Nb201MacroConfig& macro, std::uint64_t initSeed,
                      const ImageDataset& train, const TrainerOptions& options) {
  torch::manual_seed(initSeed);
  Nb201Run run;
  run.net = Nb201Network(cell, macro);
  Nb201Network net = run.net;  // the lambda holds its own handle: the run may be moved
  run.trainer = std::make_unique<Trainer>(
      run.net.ptr(), [net](const torch::Tensor& x) mutable { return net->forward(x); }, train, options);
  return run;
}

}  // namespace nas
