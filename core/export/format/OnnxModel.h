#pragma once
// ONNX files of export graphs, built with Debian's libonnx (protobuf ModelProto): opset 13,
// one float input "input" [batch, C, H, W] and one output "logits" [batch, classes] with a
// symbolic (dynamic) batch dimension, weights as initializers, the graph's metadata as
// metadata_props. Every file written here passes onnx::checker::check_model and ONNX's strict
// shape inference. No torch in this header or its source (protobuf and LibTorch stay apart).
#include <string>
#include <vector>

#include "export/format/ExportGraph.h"

namespace nas {

inline constexpr int kOnnxOpset = 13;

// Serialised ModelProto; throws Error(InvalidArgument) with the checker's message when ONNX's
// checker or strict shape inference rejects the model (a bug in the exporter, not user input).
std::string graphToOnnx(const ExportGraph& graph);

// Reads ONNX bytes back into an export graph (only the operators ExportGraph.h lists);
// CorruptData naming the problem for bytes that are no such model.
ExportGraph onnxToGraph(const std::string& bytes);

// What a file says about itself, for tests and `export --json`.
struct OnnxSummary {
  std::int64_t irVersion = 0;
  std::int64_t opset = 0;
  std::string producer;
  std::vector<std::string> inputs, outputs;          // names
  std::vector<std::string> inputDims, outputDims;    // of the first input/output: "batch", "1", ...
  std::vector<std::string> inferredOutputDims;       // after ONNX's shape inference
  std::vector<std::string> opTypes;                  // per node
  std::int64_t initializers = 0;
};
// Runs check_model and strict shape inference on the bytes (InvalidArgument with ONNX's
// message when they fail) and describes the model.
OnnxSummary checkOnnx(const std::string& bytes);

}  // namespace nas
