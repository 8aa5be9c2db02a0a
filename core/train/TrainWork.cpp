// TrainMethod::work: the run-time model of a "train" job, without loading data or torch.
// A training step costs about three forward passes (forward, backward through activations and
// weights); validation runs every epoch and the test set once at the end.
#include <algorithm>
#include <cstdio>

#include "searchspace/Nb201Cell.h"
#include "train/TrainMethod.h"

namespace nas {
namespace {

struct DataShape {
  std::int64_t train, test;
  int channels, size, classes;
};

// The data sets the schema offers, as their loaders read them (data/DatasetLoader.h).
DataShape shapeOf(const std::string& dataset) {
  if (dataset == "cifar10") return {50000, 10000, 3, 32, 10};
  if (dataset == "synthetic") return {1024, 256, 1, 16, 4};
  return {60000, 10000, 1, 28, 10};  // fashion-mnist
}

std::string grouped(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  std::string s = buf, out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

}  // namespace

std::optional<WorkAmount> TrainMethod::work(const Json& p) const {
  const DataShape d = shapeOf(p.at("dataset").get<std::string>());
  const std::int64_t limit = p.at("train_limit").get<std::int64_t>();
  const double images = static_cast<double>(limit > 0 ? std::min(limit, d.train) : d.train);
  const double val = images * p.at("val_fraction").get<double>(), train = images - val;
  const double epochs = static_cast<double>(p.at("epochs").get<std::int64_t>());
  Nb201MacroConfig macro;
  macro.channels = p.at("channels").get<int>();
  macro.cellsPerStage = p.at("cells").get<int>();
  macro.inputChannels = d.channels;
  macro.inputHeight = macro.inputWidth = d.size;
  macro.classes = d.classes;
  const double mflops = nb201Cost(Nb201Cell::parse(p.at("arch").get<std::string>()), macro).flops / 1e6;
  WorkAmount w;
  w.unit = "image-MFLOPs";
  w.units = mflops * (3 * epochs * train + epochs * val + static_cast<double>(d.test));
  char cost[32];
  std::snprintf(cost, sizeof cost, "%.3g", mflops);
  w.summary = grouped(train) + " images x " + grouped(epochs) + (epochs == 1 ? " epoch" : " epochs") + " x " + cost +
              " MFLOPs";
  // Measured: the demo's training run (2,000 images, 2 epochs, C=8, N=1, 5.8 MFLOPs, 2
  // threads) ran 123,500 units in 17.7 s on the project's 2-core machine under load 3 to 5.
  w.referenceSecondsPerUnit = 17.7 / 123532;
  w.referenceMachine = "the demo's training run on 2 busy cores";
  return w;
}

}  // namespace nas
