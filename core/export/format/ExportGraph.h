#pragma once
// The network an exporter hands over, as data: a chain of ONNX-style operators over named
// values, with the weights as plain float arrays. No torch and no ONNX here, so every writer
// (ONNX, TorchScript, the PyTorch module) and every checker reads one description, and the ONNX
// reader (OnnxModel.h) can turn a written file back into one for an independent evaluation.
//
// Operators and what they mean (NCHW, float32; the ONNX operator of the same name, opset 13):
//   Conv                inputs x, W [, B]; ints strides, pads (one value per spatial side pair,
//                       i.e. {top, left}; bottom/right equal), dilations (absent: 1), group.
//                       Kernel from W.
//   BatchNormalization  inputs x, scale, bias, mean, var; float epsilon. Inference form.
//   Relu, Clip          Clip: floats min, max.
//   Add, Mul            elementwise with broadcasting (Mul is used with a scalar zero weight
//                       for a NAS-Bench-201 node without inputs).
//   AveragePool         ints kernel, strides, pads, count_include_pad (0/1).
//   MaxPool             ints kernel, strides, pads (padding never wins: -inf, as PyTorch).
//   Slice               ints axes, starts: x[..., start:, ...] on each axis (to the end, step 1;
//                       DARTS' FactorizedReduce reads its input shifted by one pixel). ONNX
//                       takes these as int64 inputs; the writer and reader convert.
//   GlobalAveragePool   [N,C,H,W] -> [N,C,1,1]
//   Flatten             int axis (1)
//   Gemm                inputs x, W [out,in], B; y = x W^T + B (transB = 1)
//   Concat              int axis (1)
//   Dropout             float ratio; identity outside training.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/Json.h"

namespace nas {

struct ExportWeight {
  std::string name;                 // unique in the graph, e.g. "stem_conv.weight"
  std::vector<std::int64_t> shape;  // empty = scalar
  std::vector<float> values;        // row-major, product(shape) entries
  bool trainable = true;            // false for BN running statistics (buffers)
  std::int64_t numel() const;
};

struct ExportNode {
  std::string op;
  std::vector<std::string> inputs;  // value or weight names, in the operator's order
  std::string output;
  std::map<std::string, std::vector<std::int64_t>> ints;
  std::map<std::string, float> floats;
  std::int64_t intAttr(const std::string& key, std::int64_t fallback) const;
  float floatAttr(const std::string& key, float fallback) const;
};

struct ExportGraph {
  std::string name = "network";
  std::string input = "input";      // [batch, C, H, W], batch dynamic
  std::string output = "logits";    // [batch, classes]
  std::vector<std::int64_t> inputShape;  // C, H, W of one image
  std::int64_t classes = 0;
  std::vector<ExportWeight> weights;
  std::vector<ExportNode> nodes;
  Json metadata = Json::object();   // space, arch, weights source: written into every format

  const ExportWeight* findWeight(const std::string& name) const;
  std::int64_t parameterCount() const;  // entries of trainable weights
  // InvalidArgument naming the node and the problem: an input that is neither the graph input,
  // a weight nor an earlier output, a repeated output, an unknown operator, or no node writing
  // `output`.
  void validate() const;
};

// The operators above, for validation and for the writers' switch statements.
const std::vector<std::string>& exportOperators();

}  // namespace nas
