#pragma once
// Writing an ExportGraph from LibTorch modules: each call appends one operator and returns
// the name of its output value, so an exporter spells its network's forward pass once, in the
// same order as the module's own forward. Weights are copied (float32, CPU, contiguous).
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <string>
#include <vector>

#include "export/format/ExportGraph.h"

namespace nas {

class GraphBuilder {
 public:
  // inputShape: C, H, W of one image.
  GraphBuilder(std::string name, std::vector<std::int64_t> inputShape, std::int64_t classes);

  const std::string& input() const { return graph_.input; }
  // Adds a weight; `name` must be unique (InvalidArgument otherwise).
  std::string weight(const std::string& name, const torch::Tensor& t, bool trainable = true);

  // Conv with explicit weight (and optional bias): the exporters slice super-kernels.
  std::string conv(const std::string& x, const std::string& name, const torch::Tensor& w, const torch::Tensor& bias,
                   std::int64_t stride, std::int64_t pad, std::int64_t groups);
  // The same with a dilation (an overload, not a default argument: plugins built against the
  // signature above keep loading).
  std::string conv(const std::string& x, const std::string& name, const torch::Tensor& w, const torch::Tensor& bias,
                   std::int64_t stride, std::int64_t pad, std::int64_t groups, std::int64_t dilation);
  // A Conv2d module as it is configured (stride, padding, dilation, groups, bias; square only).
  std::string conv(const std::string& x, const std::string& name, const torch::nn::Conv2d& c);
  // BN in inference form from explicit tensors (a slice of a wider BN) or a module.
  std::string batchNorm(const std::string& x, const std::string& name, const torch::Tensor& gamma,
                        const torch::Tensor& beta, const torch::Tensor& mean, const torch::Tensor& var, double eps);
  std::string batchNorm(const std::string& x, const std::string& name, const torch::nn::BatchNorm2d& bn);
  std::string relu(const std::string& x);
  std::string clip(const std::string& x, float lo, float hi);
  std::string add(const std::string& a, const std::string& b);
  std::string zerosLike(const std::string& x);  // Mul by a scalar zero
  std::string avgPool(const std::string& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                      bool countIncludePad);
  std::string maxPool(const std::string& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad);
  // x[:, :, start:, start:] style: from `starts[i]` to the end on axis `axes[i]`.
  std::string slice(const std::string& x, const std::vector<std::int64_t>& axes, const std::vector<std::int64_t>& starts);
  std::string globalAvgPoolFlat(const std::string& x);  // GlobalAveragePool then Flatten(1)
  std::string linear(const std::string& x, const std::string& name, const torch::nn::Linear& fc);
  std::string concat(const std::vector<std::string>& xs);
  std::string dropout(const std::string& x, float ratio);

  // Marks `x` as the graph's output (renames the value to "logits") and returns the graph,
  // validated.
  ExportGraph finish(const std::string& x, Json metadata);

 private:
  std::string node(ExportNode n);
  ExportGraph graph_;
  int counter_ = 0;
  std::string zero_;  // the shared scalar zero weight, once made
};

// An ExportWeight from a tensor (any dtype/device; stored as float32).
ExportWeight toExportWeight(const std::string& name, const torch::Tensor& t, bool trainable);
// And back: a float32 CPU tensor of the weight's shape.
torch::Tensor fromExportWeight(const ExportWeight& w);

}  // namespace nas
