#pragma once
// Runs an ExportGraph with LibTorch operators, one node at a time, following the ONNX meaning
// of each operator (ExportGraph.h). It is the independent check of an ONNX file where no ONNX
// runtime is at hand: OnnxModel.h reads the written bytes back into a graph and this evaluates
// it, so a wrong attribute, weight layout or wiring in the file shows as a difference from the
// app's forward pass.
#include <torch/types.h>

#include "export/format/ExportGraph.h"

namespace nas {

// input [N, C, H, W] float; returns the graph's output. InvalidArgument naming the node when
// an operator cannot run (unknown, missing input).
torch::Tensor evaluateGraph(const ExportGraph& graph, const torch::Tensor& input);

}  // namespace nas
