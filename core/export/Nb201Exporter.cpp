#include "export/Nb201Exporter.h"

#include <torch/torch.h>

#include <sstream>

#include "common/Error.h"
#include "export/GraphBuilder.h"
#include "store/Workspace.h"

namespace nas {
namespace {

std::string reluConvBn(GraphBuilder& b, const std::string& x, const std::string& name, ReLUConvBNImpl& m) {
  const std::string r = b.relu(x);
  return b.batchNorm(b.conv(r, name + ".conv", m.conv), name + ".bn", m.bn);
}

std::string cellGraph(GraphBuilder& b, const std::string& x, const std::string& name, Nb201InferCellImpl& cell) {
  std::map<std::string, std::shared_ptr<torch::nn::Module>> children;
  for (const auto& c : cell.named_children()) children[c.key()] = c.value();
  std::array<std::string, kNb201NumNodes> nodes;
  nodes[0] = x;
  for (int j = 1; j < kNb201NumNodes; ++j) {
    std::string sum;
    for (int e = 0; e < kNb201NumEdges; ++e) {  // edge order, as the cell's forward sums
      const Nb201Op op = cell.cell().op(e);
      if (nb201Edges()[static_cast<size_t>(e)].to != j || op == Nb201Op::None) continue;
      const std::string in = nodes[static_cast<size_t>(nb201Edges()[static_cast<size_t>(e)].from)];
      const std::string opName = nb201EdgeOpName(e, op);
      const std::string full = name + "." + opName;
      std::string t;
      switch (op) {
        case Nb201Op::SkipConnect: t = in; break;
        case Nb201Op::Conv1x1:
        case Nb201Op::Conv3x3:
          t = reluConvBn(b, in, full, *std::dynamic_pointer_cast<ReLUConvBNImpl>(children.at(opName)));
          break;
        case Nb201Op::AvgPool3x3: {
          const auto& o = std::dynamic_pointer_cast<torch::nn::AvgPool2dImpl>(children.at(opName))->options;
          t = b.avgPool(in, (*o.kernel_size())[0], (*o.stride())[0], (*o.padding())[0], o.count_include_pad());
          break;
        }
        case Nb201Op::None: break;
      }
      sum = sum.empty() ? t : b.add(sum, t);
    }
    nodes[static_cast<size_t>(j)] = sum.empty() ? b.zerosLike(x) : sum;
  }
  return nodes[kNb201NumNodes - 1];
}

std::string reductionGraph(GraphBuilder& b, const std::string& x, const std::string& name, ResNetBlockImpl& block) {
  const std::string a = reluConvBn(b, x, name + ".conv_a", *block.conv_a);
  const std::string c = reluConvBn(b, a, name + ".conv_b", *block.conv_b);
  const std::string pooled = b.avgPool(x, block.stride, block.stride, 0, true);
  return b.add(c, b.conv(pooled, name + ".shortcut", block.shortcut));
}

struct DatasetShape {
  const char* name;
  int channels, height, width, classes;
};
// The shapes loadImageDataset gives (data/DatasetLoader.h); kept here so that an export needs
// no data files.
constexpr DatasetShape kDatasets[] = {
    {"fashion-mnist", 1, 28, 28, 10}, {"cifar10", 3, 32, 32, 10}, {"synthetic", 1, 16, 16, 4}};

class Nb201Exporter final : public NetworkExporter {
 public:
  std::string name() const override { return "nb201"; }
  bool handles(const std::string& space) const override { return space == "nb201"; }
  Json encoding(const std::string&, const std::string& canonical) const override {
    const Nb201Cell cell = Nb201Cell::parse(canonical);
    if (cell.toString() != canonical)
      throw Error(ErrorCode::ParseError, "not the canonical form '" + cell.toString() + "'", canonical);
    Json ops = Json::array();
    for (int e = 0; e < kNb201NumEdges; ++e) ops.push_back(nb201OpName(cell.op(e)));
    const auto enc = cell.encoding();
    return Json{{"edges", "0->1, 0->2, 1->2, 0->3, 1->3, 2->3"},
                {"ops", ops},
                {"op_indices", std::vector<int>(enc.begin(), enc.end())},
                {"index", cell.index()}};
  }

  ExportableNetwork build(const Workspace& ws, const ArchitectureRecord& arch, std::uint64_t seed) const override {
    const Nb201Cell cell = Nb201Cell::parse(arch.canonical);
    for (const JobRecord& job : jobsOfArchitecture(ws, arch.id)) {
      if (job.method != "train") continue;
      const Json spec = parseJson(job.specJson, "job " + std::to_string(job.id));
      const Json params = spec.value("params", Json::object());
      if (Nb201Cell::parse(params.value("arch", std::string())) != cell) continue;
      const auto bytes = ws.artifact(job.id, "checkpoint", "latest");
      if (!bytes) continue;
      const std::string dataset = params.value("dataset", std::string("fashion-mnist"));
      const Nb201MacroConfig macro =
          nb201MacroForDataset(dataset, params.value("channels", 16), params.value("cells", 5));
      Nb201Network net(cell, macro);
      loadCheckpointModel(*net, *bytes, job.id);
      WeightsSource w;
      w.trained = true;
      w.job = job.id;
      w.detail = "trained: job " + std::to_string(job.id) + " (train, " + dataset + ", seed " +
                 std::to_string(params.value("seed", 0)) + ", " + jobStatusName(job.status) + "), checkpoint";
      return finish(std::move(net), arch, std::move(w));
    }
    torch::manual_seed(seed);
    Nb201Network net(cell, Nb201MacroConfig{});
    WeightsSource w;
    w.detail = "initialised (seed " + std::to_string(seed) + "; no train job of this cell stored weights), "
               "the space's reference network C=16 N=5 3x32x32 10 classes";
    return finish(std::move(net), arch, std::move(w));
  }

 private:
  static void loadCheckpointModel(Nb201NetworkImpl& net, const std::string& bytes, JobId job) {
    const std::string ctx = "checkpoint of job " + std::to_string(job);
    try {
      torch::serialize::InputArchive archive, model;
      std::istringstream in(bytes, std::ios::binary);
      archive.load_from(in);
      archive.read("model", model);
      net.load(model);
    } catch (const c10::Error& e) {
      throw Error(ErrorCode::CorruptData, std::string("does not fit the network: ") + e.what_without_backtrace(), ctx);
    }
  }

  static ExportableNetwork finish(Nb201Network net, const ArchitectureRecord& arch, WeightsSource w) {
    net->eval();
    const auto& m = net->macro();
    Json meta{{"space", arch.space},
              {"arch", arch.canonical},
              {"weights", w.detail},
              {"network", "NAS-Bench-201 macro network, C=" + std::to_string(m.channels) +
                              " N=" + std::to_string(m.cellsPerStage)}};
    if (w.job) meta["job"] = *w.job;
    ExportableNetwork out;
    out.graph = nb201Graph(net, std::move(meta));
    out.forward = [net](const torch::Tensor& x) mutable {
      torch::NoGradGuard ng;
      return net->forward(x);
    };
    out.weights = std::move(w);
    return out;
  }
};

}  // namespace

std::unique_ptr<NetworkExporter> makeNb201Exporter() { return std::make_unique<Nb201Exporter>(); }

Nb201MacroConfig nb201MacroForDataset(const std::string& dataset, int channels, int cellsPerStage) {
  for (const auto& d : kDatasets)
    if (dataset == d.name) {
      Nb201MacroConfig m;
      m.channels = channels;
      m.cellsPerStage = cellsPerStage;
      m.inputChannels = d.channels;
      m.inputHeight = d.height;
      m.inputWidth = d.width;
      m.classes = d.classes;
      return m;
    }
  throw Error(ErrorCode::InvalidArgument, "unknown data set '" + dataset + "' (known: fashion-mnist, cifar10, synthetic)");
}

ExportGraph nb201Graph(Nb201Network& net, Json metadata) {
  const auto& m = net->macro();
  GraphBuilder b("nb201", {m.inputChannels, m.inputHeight, m.inputWidth}, m.classes);
  std::map<std::string, std::shared_ptr<torch::nn::Module>> children;
  for (const auto& c : net->named_children()) children[c.key()] = c.value();
  auto conv = std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(children.at("stem_conv"));
  auto bn = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(children.at("stem_bn"));
  std::string x = b.batchNorm(b.conv(b.input(), "stem_conv", torch::nn::Conv2d(conv)), "stem_bn",
                              torch::nn::BatchNorm2d(bn));
  const auto layout = nb201Layout(m);
  for (size_t i = 0; i < layout.size(); ++i) {
    const std::string name = "layer" + std::to_string(i);
    if (layout[i].reduction)
      x = reductionGraph(b, x, name, *std::dynamic_pointer_cast<ResNetBlockImpl>(children.at(name)));
    else
      x = cellGraph(b, x, name, *std::dynamic_pointer_cast<Nb201InferCellImpl>(children.at(name)));
  }
  auto lastBn = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(children.at("last_bn"));
  x = b.relu(b.batchNorm(x, "last_bn", torch::nn::BatchNorm2d(lastBn)));
  auto fc = std::dynamic_pointer_cast<torch::nn::LinearImpl>(children.at("classifier"));
  x = b.linear(b.globalAvgPoolFlat(x), "classifier", torch::nn::Linear(fc));
  return b.finish(x, std::move(metadata));
}

}  // namespace nas
