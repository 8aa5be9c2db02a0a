#include "export/format/ExportGraph.h"

#include <algorithm>
#include <set>

#include "common/Error.h"

namespace nas {

std::int64_t ExportWeight::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::int64_t ExportNode::intAttr(const std::string& key, std::int64_t fallback) const {
  auto it = ints.find(key);
  return it == ints.end() || it->second.empty() ? fallback : it->second.front();
}

float ExportNode::floatAttr(const std::string& key, float fallback) const {
  auto it = floats.find(key);
  return it == floats.end() ? fallback : it->second;
}

const std::vector<std::string>& exportOperators() {
  static const std::vector<std::string> ops = {"Conv", "BatchNormalization", "Relu",   "Clip",   "Add",
                                               "Mul",  "AveragePool",        "GlobalAveragePool", "Flatten",
                                               "Gemm", "Concat",             "Dropout",           "MaxPool",
                                               "Slice"};
  return ops;
}

const ExportWeight* ExportGraph::findWeight(const std::string& n) const {
  for (const auto& w : weights)
    if (w.name == n) return &w;
  return nullptr;
}

std::int64_t ExportGraph::parameterCount() const {
  std::int64_t n = 0;
  for (const auto& w : weights)
    if (w.trainable) n += w.numel();
  return n;
}

void ExportGraph::validate() const {
  const std::string ctx = "export graph '" + name + "'";
  std::set<std::string> known{input};
  for (const auto& w : weights) {
    if (!known.insert(w.name).second) throw Error(ErrorCode::InvalidArgument, "weight '" + w.name + "' is repeated", ctx);
    if (static_cast<std::int64_t>(w.values.size()) != w.numel())
      throw Error(ErrorCode::InvalidArgument, "weight '" + w.name + "' has " + std::to_string(w.values.size()) +
                                                  " values for " + std::to_string(w.numel()) + " entries", ctx);
  }
  const auto& ops = exportOperators();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const ExportNode& n = nodes[i];
    const std::string where = "node " + std::to_string(i) + " (" + n.op + " -> " + n.output + ")";
    if (std::find(ops.begin(), ops.end(), n.op) == ops.end())
      throw Error(ErrorCode::InvalidArgument, where + ": unknown operator", ctx);
    for (const auto& in : n.inputs)
      if (!known.count(in)) throw Error(ErrorCode::InvalidArgument, where + ": input '" + in + "' is not defined before", ctx);
    if (!known.insert(n.output).second)
      throw Error(ErrorCode::InvalidArgument, where + ": output '" + n.output + "' is written twice", ctx);
  }
  if (!known.count(output) || findWeight(output))
    throw Error(ErrorCode::InvalidArgument, "no node writes the output '" + output + "'", ctx);
  if (inputShape.size() != 3) throw Error(ErrorCode::InvalidArgument, "input shape must be C, H, W", ctx);
}

}  // namespace nas
