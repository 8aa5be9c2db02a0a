#include "export/TorchCode.h"

#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <set>
#include <sstream>

#include "common/BuildInfo.h"
#include "common/Error.h"
#include "export/GraphBuilder.h"

namespace nas {
namespace {

std::string ints(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::vector<std::int64_t> pair(const ExportNode& n, const std::string& key, std::int64_t fallback) {
  auto it = n.ints.find(key);
  if (it == n.ints.end() || it->second.empty()) return {fallback, fallback};
  if (it->second.size() == 1) return {it->second[0], it->second[0]};
  return {it->second[0], it->second[1]};
}

// A float literal that reads back to the same float32.
std::string floatText(float f) {
  if (std::isinf(f)) return f > 0 ? "float('inf')" : "float('-inf')";
  std::ostringstream o;
  o << std::setprecision(9) << f;
  std::string s = o.str();
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

std::string shapeText(const std::vector<std::int64_t>& s) { return ints(s); }

}  // namespace

std::string pythonName(const std::string& weightName) {
  std::string out;
  for (char c : weightName) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "w_" + out;
  return out;
}

std::string forwardSource(const ExportGraph& graph, bool python) {
  graph.validate();
  std::set<std::string> names;
  for (const auto& w : graph.weights)
    if (!names.insert(pythonName(w.name)).second)
      throw Error(ErrorCode::InvalidArgument, "two weights share the Python name '" + pythonName(w.name) + "'", graph.name);
  auto ref = [&](const std::string& v) {
    if (v == graph.input) return std::string("x");
    if (graph.findWeight(v)) return "self." + pythonName(v);
    return v == graph.output ? std::string("logits") : v;
  };
  std::ostringstream s;
  s << "    def forward(self, x):\n";
  for (const auto& n : graph.nodes) {
    const auto& in = n.inputs;
    s << "        " << ref(n.output) << " = ";
    if (n.op == "Conv") {
      s << "torch.conv2d(" << ref(in[0]) << ", " << ref(in[1]) << ", " << (in.size() > 2 ? ref(in[2]) : "None")
        << ", " << ints(pair(n, "strides", 1)) << ", " << ints(pair(n, "pads", 0)) << ", "
        << ints(pair(n, "dilations", 1)) << ", " << n.intAttr("group", 1) << ")";
    } else if (n.op == "BatchNormalization") {
      s << "torch.batch_norm(" << ref(in[0]) << ", " << ref(in[1]) << ", " << ref(in[2]) << ", " << ref(in[3]) << ", "
        << ref(in[4]) << ", self.training, 0.1, " << floatText(n.floatAttr("epsilon", 1e-5f)) << ", False)";
    } else if (n.op == "Relu") {
      s << "torch.relu(" << ref(in[0]) << ")";
    } else if (n.op == "Clip") {
      s << "torch.clamp(" << ref(in[0]) << ", " << floatText(n.floatAttr("min", 0)) << ", "
        << floatText(n.floatAttr("max", 0)) << ")";
    } else if (n.op == "Add") {
      s << ref(in[0]) << " + " << ref(in[1]);
    } else if (n.op == "Mul") {
      s << ref(in[0]) << " * " << ref(in[1]);
    } else if (n.op == "AveragePool") {
      s << (python ? "torch.nn.functional.avg_pool2d(" : "torch.avg_pool2d(") << ref(in[0]) << ", " << ints(pair(n, "kernel_shape", 1)) << ", "
        << ints(pair(n, "strides", 1)) << ", " << ints(pair(n, "pads", 0)) << ", False, "
        << (n.intAttr("count_include_pad", 0) ? "True" : "False") << ")";
    } else if (n.op == "MaxPool") {
      s << "torch.max_pool2d(" << ref(in[0]) << ", " << ints(pair(n, "kernel_shape", 1)) << ", "
        << ints(pair(n, "strides", 1)) << ", " << ints(pair(n, "pads", 0)) << ")";
    } else if (n.op == "Slice") {  // x[:, :, 1:, 1:]: indexing that Python and TorchScript both read
      const auto& axes = n.ints.at("axes");
      const auto& starts = n.ints.at("starts");
      std::int64_t last = 0;
      for (auto a : axes) last = std::max(last, a);
      s << ref(in[0]) << "[";
      for (std::int64_t d = 0; d <= last; ++d) {
        std::string part = ":";
        for (size_t k = 0; k < axes.size(); ++k)
          if (axes[k] == d) part = std::to_string(starts[k]) + ":";
        s << (d ? ", " : "") << part;
      }
      s << "]";
    } else if (n.op == "GlobalAveragePool") {
      s << "torch.mean(" << ref(in[0]) << ", [2, 3], True)";
    } else if (n.op == "Flatten") {
      s << "torch.flatten(" << ref(in[0]) << ", " << n.intAttr("axis", 1) << ")";
    } else if (n.op == "Gemm") {
      s << "torch.addmm(" << ref(in[2]) << ", " << ref(in[0]) << ", " << ref(in[1]) << ".t())";
    } else if (n.op == "Concat") {
      s << "torch.cat([";
      for (size_t i = 0; i < in.size(); ++i) s << (i ? ", " : "") << ref(in[i]);
      s << "], " << n.intAttr("axis", 1) << ")";
    } else if (n.op == "Dropout") {
      s << "torch.dropout(" << ref(in[0]) << ", " << floatText(n.floatAttr("ratio", 0.5f)) << ", self.training)";
    } else {
      throw Error(ErrorCode::InvalidArgument, "no Python form for operator " + n.op, graph.name);
    }
    s << "\n";
  }
  s << "        return logits\n";
  return s.str();
}

std::string pythonModuleSource(const ExportGraph& graph, const std::string& weightsFile) {
  std::ostringstream s;
  s << "# A network exported by NAS Studio " << kVersion << ", for plain PyTorch (no NAS Studio needed).\n"
    << "# " << graph.metadata.dump() << "\n"
    << "#\n"
    << "#   import " << "importlib.util  # or put this file on sys.path and `import` it\n"
    << "#   net = load()                 # weights from '" << weightsFile << "' next to this file, eval mode\n"
    << "#   logits = net(images)         # images: float [batch, " << graph.inputShape.at(0) << ", "
    << graph.inputShape.at(1) << ", " << graph.inputShape.at(2) << "], normalised as the app trained them\n"
    << "#\n"
    << "# Net() alone has uninitialised weights: load a state dict, or initialise them yourself to train\n"
    << "# from scratch. BatchNorm follows net.train()/net.eval() as torch.nn.BatchNorm2d does.\n"
    << "import os\n\nimport torch\n\n"
    << "INPUT_SHAPE = (" << graph.inputShape[0] << ", " << graph.inputShape[1] << ", " << graph.inputShape[2] << ")\n"
    << "CLASSES = " << graph.classes << "\n"
    << "WEIGHTS_FILE = \"" << weightsFile << "\"\n\n\n"
    << "class Net(torch.nn.Module):\n"
    << "    def __init__(self):\n"
    << "        super().__init__()\n";
  for (const auto& w : graph.weights) {
    if (w.trainable)
      s << "        self." << pythonName(w.name) << " = torch.nn.Parameter(torch.empty(" << shapeText(w.shape) << "))\n";
    else
      s << "        self.register_buffer(\"" << pythonName(w.name) << "\", torch.empty(" << shapeText(w.shape) << "))\n";
  }
  s << "\n" << forwardSource(graph, true) << "\n\n"
    << "def load(weights_path=None, map_location=\"cpu\"):\n"
    << "    \"\"\"The network with the exported weights, in eval mode.\"\"\"\n"
    << "    if weights_path is None:\n"
    << "        weights_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), WEIGHTS_FILE)\n"
    << "    net = Net()\n"
    << "    net.load_state_dict(torch.load(weights_path, map_location=map_location))\n"
    << "    net.eval()\n"
    << "    return net\n";
  return s.str();
}

std::string pickledStateDict(const ExportGraph& graph) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& w : graph.weights) dict.insert(pythonName(w.name), fromExportWeight(w));
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
  return std::string(bytes.begin(), bytes.end());
}

std::vector<std::pair<std::string, torch::Tensor>> unpickleStateDict(const std::string& bytes) {
  c10::IValue v;
  try {
    v = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::CorruptData, std::string("not a pickled state dict: ") + e.what_without_backtrace());
  }
  if (!v.isGenericDict()) throw Error(ErrorCode::CorruptData, "the weights file holds no dict");
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : v.toGenericDict()) out.emplace_back(item.key().toStringRef(), item.value().toTensor());
  return out;
}

torch::jit::Module torchScriptModule(const ExportGraph& graph,
                                     const std::vector<std::pair<std::string, torch::Tensor>>& state) {
  torch::jit::Module m("NasStudioNet");
  m.register_attribute("training", c10::BoolType::get(), false);
  for (const auto& w : graph.weights) {
    torch::Tensor t;
    const std::string name = pythonName(w.name);
    if (state.empty()) {
      t = fromExportWeight(w);
    } else {
      for (const auto& [k, v] : state)
        if (k == name) t = v;
      if (!t.defined()) throw Error(ErrorCode::CorruptData, "the weights lack '" + name + "'", graph.name);
    }
    if (w.trainable) m.register_parameter(name, t, false);
    else m.register_buffer(name, t);
  }
  // The method text as in the class body, dedented one level for define().
  std::string src, line;
  std::istringstream in(forwardSource(graph, false));
  while (std::getline(in, line)) src += (line.rfind("    ", 0) == 0 ? line.substr(4) : line) + "\n";
  try {
    m.define(src);
  } catch (const c10::Error& e) {
    throw Error(ErrorCode::InvalidArgument, std::string("TorchScript rejects the generated forward: ") +
                                                e.what_without_backtrace(), graph.name);
  }
  m.eval();
  return m;
}

}  // namespace nas
