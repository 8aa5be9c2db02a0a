#include "export/GraphBuilder.h"

#include <torch/torch.h>

#include "common/Error.h"

namespace nas {

ExportWeight toExportWeight(const std::string& name, const torch::Tensor& t, bool trainable) {
  const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
  ExportWeight w;
  w.name = name;
  w.shape.assign(c.sizes().begin(), c.sizes().end());
  w.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  w.trainable = trainable;
  return w;
}

torch::Tensor fromExportWeight(const ExportWeight& w) {
  return torch::from_blob(const_cast<float*>(w.values.data()), w.shape, torch::kFloat).clone();
}

GraphBuilder::GraphBuilder(std::string name, std::vector<std::int64_t> inputShape, std::int64_t classes) {
  graph_.name = std::move(name);
  graph_.inputShape = std::move(inputShape);
  graph_.classes = classes;
}

std::string GraphBuilder::weight(const std::string& name, const torch::Tensor& t, bool trainable) {
  if (graph_.findWeight(name)) throw Error(ErrorCode::InvalidArgument, "weight added twice", name);
  graph_.weights.push_back(toExportWeight(name, t, trainable));
  return name;
}

std::string GraphBuilder::node(ExportNode n) {
  n.output = "t" + std::to_string(++counter_);
  graph_.nodes.push_back(std::move(n));
  return graph_.nodes.back().output;
}

std::string GraphBuilder::conv(const std::string& x, const std::string& name, const torch::Tensor& w,
                               const torch::Tensor& bias, std::int64_t stride, std::int64_t pad, std::int64_t groups) {
  return conv(x, name, w, bias, stride, pad, groups, 1);
}

std::string GraphBuilder::conv(const std::string& x, const std::string& name, const torch::Tensor& w,
                               const torch::Tensor& bias, std::int64_t stride, std::int64_t pad, std::int64_t groups,
                               std::int64_t dilation) {
  ExportNode n;
  n.op = "Conv";
  n.inputs = {x, weight(name + ".weight", w)};
  if (bias.defined()) n.inputs.push_back(weight(name + ".bias", bias));
  n.ints["strides"] = {stride, stride};
  n.ints["pads"] = {pad, pad};
  if (dilation != 1) n.ints["dilations"] = {dilation, dilation};
  n.ints["group"] = {groups};
  return node(std::move(n));
}

std::string GraphBuilder::conv(const std::string& x, const std::string& name, const torch::nn::Conv2d& c) {
  const auto& o = c->options;
  const auto stride = (*o.stride())[0], strideW = (*o.stride())[1];
  const auto* pad = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
  const auto dilation = (*o.dilation())[0];
  if (stride != strideW || !pad || (**pad)[0] != (**pad)[1] || dilation != (*o.dilation())[1])
    throw Error(ErrorCode::InvalidArgument, "only square strides, paddings and dilations are exported", name);
  return conv(x, name, c->weight, o.bias() ? c->bias : torch::Tensor(), stride, (**pad)[0], o.groups(), dilation);
}

std::string GraphBuilder::batchNorm(const std::string& x, const std::string& name, const torch::Tensor& gamma,
                                    const torch::Tensor& beta, const torch::Tensor& mean, const torch::Tensor& var,
                                    double eps) {
  ExportNode n;
  n.op = "BatchNormalization";
  n.inputs = {x, weight(name + ".weight", gamma), weight(name + ".bias", beta),
              weight(name + ".running_mean", mean, false), weight(name + ".running_var", var, false)};
  n.floats["epsilon"] = static_cast<float>(eps);
  return node(std::move(n));
}

std::string GraphBuilder::batchNorm(const std::string& x, const std::string& name, const torch::nn::BatchNorm2d& bn) {
  const auto channels = bn->options.num_features();
  // A BN without affine parameters or running statistics acts as gamma 1, beta 0 / batch stats;
  // the exported (inference) network needs running statistics.
  if (!bn->options.track_running_stats())
    throw Error(ErrorCode::InvalidArgument, "a BN without running statistics has no inference form", name);
  const torch::Tensor one = torch::ones({channels}), zero = torch::zeros({channels});
  return batchNorm(x, name, bn->options.affine() ? bn->weight : one, bn->options.affine() ? bn->bias : zero,
                   bn->running_mean, bn->running_var, bn->options.eps());
}

std::string GraphBuilder::relu(const std::string& x) { return node({"Relu", {x}, {}, {}, {}}); }

std::string GraphBuilder::clip(const std::string& x, float lo, float hi) {
  ExportNode n{"Clip", {x}, {}, {}, {}};
  n.floats["min"] = lo;
  n.floats["max"] = hi;
  return node(std::move(n));
}

std::string GraphBuilder::add(const std::string& a, const std::string& b) { return node({"Add", {a, b}, {}, {}, {}}); }

std::string GraphBuilder::zerosLike(const std::string& x) {
  if (zero_.empty()) zero_ = weight("zero", torch::zeros({}), false);
  return node({"Mul", {x, zero_}, {}, {}, {}});
}

std::string GraphBuilder::avgPool(const std::string& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                                  bool countIncludePad) {
  ExportNode n{"AveragePool", {x}, {}, {}, {}};
  n.ints["kernel_shape"] = {kernel, kernel};
  n.ints["strides"] = {stride, stride};
  n.ints["pads"] = {pad, pad};
  n.ints["count_include_pad"] = {countIncludePad ? 1 : 0};
  return node(std::move(n));
}

std::string GraphBuilder::maxPool(const std::string& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad) {
  ExportNode n{"MaxPool", {x}, {}, {}, {}};
  n.ints["kernel_shape"] = {kernel, kernel};
  n.ints["strides"] = {stride, stride};
  n.ints["pads"] = {pad, pad};
  return node(std::move(n));
}

std::string GraphBuilder::slice(const std::string& x, const std::vector<std::int64_t>& axes,
                                const std::vector<std::int64_t>& starts) {
  if (axes.empty() || axes.size() != starts.size())
    throw Error(ErrorCode::InvalidArgument, "a slice needs one start per axis", x);
  ExportNode n{"Slice", {x}, {}, {}, {}};
  n.ints["axes"] = axes;
  n.ints["starts"] = starts;
  return node(std::move(n));
}

std::string GraphBuilder::globalAvgPoolFlat(const std::string& x) {
  const std::string pooled = node({"GlobalAveragePool", {x}, {}, {}, {}});
  ExportNode n{"Flatten", {pooled}, {}, {}, {}};
  n.ints["axis"] = {1};
  return node(std::move(n));
}

std::string GraphBuilder::linear(const std::string& x, const std::string& name, const torch::nn::Linear& fc) {
  ExportNode n{"Gemm", {x, weight(name + ".weight", fc->weight)}, {}, {}, {}};
  n.inputs.push_back(weight(name + ".bias", fc->options.bias() ? fc->bias : torch::zeros({fc->options.out_features()})));
  return node(std::move(n));
}

std::string GraphBuilder::concat(const std::vector<std::string>& xs) {
  if (xs.size() == 1) return xs.front();
  ExportNode n{"Concat", xs, {}, {}, {}};
  n.ints["axis"] = {1};
  return node(std::move(n));
}

std::string GraphBuilder::dropout(const std::string& x, float ratio) {
  ExportNode n{"Dropout", {x}, {}, {}, {}};
  n.floats["ratio"] = ratio;
  return node(std::move(n));
}

ExportGraph GraphBuilder::finish(const std::string& x, Json metadata) {
  for (auto& n : graph_.nodes)
    if (n.output == x) n.output = graph_.output;
    else
      for (auto& in : n.inputs)
        if (in == x) in = graph_.output;
  graph_.metadata = std::move(metadata);
  graph_.validate();
  return graph_;
}

}  // namespace nas
