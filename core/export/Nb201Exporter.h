#pragma once
// The NAS-Bench-201 exporter (core: NB201 is a core space): the benchmark's macro network of a
// cell (nn/Nb201Network.h) as an export graph. Trained weights come from the newest "train" job
// of the architecture (its checkpoint artifact, with the job's data set shape, C and N); without
// one the network is the space's reference (C=16, N=5, 3x32x32, 10 classes), initialised.
#include <memory>

#include "export/Exporter.h"
#include "nn/Nb201Network.h"

namespace nas {

std::unique_ptr<NetworkExporter> makeNb201Exporter();

// The graph of `net` (in its current weights), for the exporter and for tests.
ExportGraph nb201Graph(Nb201Network& net, Json metadata);

// C, H, W and classes of the data sets a job may name ("fashion-mnist", "cifar10", "synthetic");
// InvalidArgument for another name.
Nb201MacroConfig nb201MacroForDataset(const std::string& dataset, int channels, int cellsPerStage);

}  // namespace nas
