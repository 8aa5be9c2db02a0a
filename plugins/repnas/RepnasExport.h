#pragma once
// The RepNAS exporter: an architecture of a "repnas:<preset>" space in its merged single-path
// form, every layer one KxK conv with bias and a ReLU (RepnasDeployedNet), which is what RepNAS
// ships. Weights come from the newest "repnas" job of the architecture (its "model"/"deployed"
// artifact, folded from the trained branches); without one, a training-form network of the
// preset (1x28x28 inputs, 10 classes) is initialised and folded into that form.
#include <memory>

#include "RepnasNet.h"
#include "export/Exporter.h"

namespace nas::repnas {

std::unique_ptr<NetworkExporter> makeRepnasExporter();

// The deployed network in its current weights: conv+ReLU per layer, global average pool,
// dropout (identity outside training), the classifier.
ExportGraph repnasDeployedGraph(RepnasDeployedNet& net, Json metadata);

}  // namespace nas::repnas
