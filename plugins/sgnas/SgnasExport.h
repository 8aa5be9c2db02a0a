#pragma once
// The SGNAS exporter: one architecture's single path through the unified supernet as a
// standalone network (an export graph holding only the chosen slices). Weights come from the
// newest "sgnas" job of the architecture that stored a supernet artifact (inherited weights,
// BN running statistics as the supernet keeps them: the per-path recalibration the search's
// estimates use is not repeated here), else from a freshly initialised supernet of the preset.
#include <memory>

#include "SgnasSupernet.h"
#include "export/Exporter.h"

namespace nas::sgnas {

std::unique_ptr<NetworkExporter> makeSgnasExporter();

// The single path `arch` of `net` in its current weights, replicating SgnasLayerImpl::forward:
// per run of groups with one kernel, its slice of the expansion, BN, ReLU6, the depthwise conv
// and its BN, ReLU6; the runs concatenated, projected by the matching columns of pw2, the
// switchable BN of the number of skipped groups, and the residual where the layer has one.
ExportGraph sgnasGraph(SgnasSupernet& net, const SgnasArch& arch, Json metadata);

}  // namespace nas::sgnas
