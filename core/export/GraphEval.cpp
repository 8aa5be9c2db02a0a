#include "export/GraphEval.h"

#include <torch/torch.h>

#include <unordered_map>

#include "common/Error.h"
#include "export/GraphBuilder.h"

namespace nas {

namespace {

std::vector<std::int64_t> pair(const ExportNode& n, const std::string& key, std::int64_t fallback) {
  auto it = n.ints.find(key);
  if (it == n.ints.end() || it->second.empty()) return {fallback, fallback};
  if (it->second.size() == 1) return {it->second[0], it->second[0]};
  return {it->second[0], it->second[1]};
}

}  // namespace

torch::Tensor evaluateGraph(const ExportGraph& graph, const torch::Tensor& input) {
  torch::NoGradGuard noGrad;
  std::unordered_map<std::string, torch::Tensor> values;
  for (const auto& w : graph.weights) values[w.name] = fromExportWeight(w);
  values[graph.input] = input.to(torch::kFloat);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const ExportNode& n = graph.nodes[i];
    const std::string where = "node " + std::to_string(i) + " (" + n.op + ")";
    std::vector<torch::Tensor> in;
    for (const auto& name : n.inputs) {
      auto it = values.find(name);
      if (it == values.end()) throw Error(ErrorCode::InvalidArgument, where + ": no value '" + name + "'", graph.name);
      in.push_back(it->second);
    }
    auto need = [&](size_t k) {
      if (in.size() < k)
        throw Error(ErrorCode::InvalidArgument, where + ": needs " + std::to_string(k) + " inputs", graph.name);
    };
    torch::Tensor y;
    if (n.op == "Conv") {
      need(2);
      y = torch::conv2d(in[0], in[1], in.size() > 2 ? in[2] : torch::Tensor(), pair(n, "strides", 1), pair(n, "pads", 0),
                        pair(n, "dilations", 1), n.intAttr("group", 1));
    } else if (n.op == "BatchNormalization") {
      need(5);
      y = torch::batch_norm(in[0], in[1], in[2], in[3], in[4], false, 0.0, n.floatAttr("epsilon", 1e-5f), false);
    } else if (n.op == "Relu") {
      need(1);
      y = torch::relu(in[0]);
    } else if (n.op == "Clip") {
      need(1);
      y = torch::clamp(in[0], n.floatAttr("min", -INFINITY), n.floatAttr("max", INFINITY));
    } else if (n.op == "Add") {
      need(2);
      y = in[0] + in[1];
    } else if (n.op == "Mul") {
      need(2);
      y = in[0] * in[1];
    } else if (n.op == "AveragePool") {
      need(1);
      y = torch::avg_pool2d(in[0], pair(n, "kernel_shape", 1), pair(n, "strides", 1), pair(n, "pads", 0), false,
                            n.intAttr("count_include_pad", 0) != 0);
    } else if (n.op == "MaxPool") {
      need(1);
      y = torch::max_pool2d(in[0], pair(n, "kernel_shape", 1), pair(n, "strides", 1), pair(n, "pads", 0));
    } else if (n.op == "Slice") {
      need(1);
      const auto axes = n.ints.count("axes") ? n.ints.at("axes") : std::vector<std::int64_t>{};
      const auto starts = n.ints.count("starts") ? n.ints.at("starts") : std::vector<std::int64_t>{};
      if (axes.size() != starts.size()) throw Error(ErrorCode::InvalidArgument, where + ": axes and starts differ", graph.name);
      y = in[0];
      for (size_t a = 0; a < axes.size(); ++a) y = y.slice(axes[a], starts[a]);
    } else if (n.op == "GlobalAveragePool") {
      need(1);
      y = in[0].mean({2, 3}, true);
    } else if (n.op == "Flatten") {
      need(1);
      y = in[0].flatten(n.intAttr("axis", 1));
    } else if (n.op == "Gemm") {
      need(3);
      y = torch::addmm(in[2], in[0], in[1].t());
    } else if (n.op == "Concat") {
      y = torch::cat(in, n.intAttr("axis", 1));
    } else if (n.op == "Dropout") {
      need(1);
      y = in[0];
    } else {
      throw Error(ErrorCode::InvalidArgument, where + ": unknown operator", graph.name);
    }
    values[n.output] = y;
  }
  auto out = values.find(graph.output);
  if (out == values.end()) throw Error(ErrorCode::InvalidArgument, "no value '" + graph.output + "'", graph.name);
  return out->second;
}

}  // namespace nas
