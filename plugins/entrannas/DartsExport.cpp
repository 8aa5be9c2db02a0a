#include "DartsExport.h"

#include <torch/torch.h>

#include "CellSpace.h"
#include "common/Error.h"
#include "export/GraphBuilder.h"
#include "store/Workspace.h"
#include "train/EpochCheckpoint.h"

namespace nas::entrannas {
namespace {

// darts-eval's defaults (EntranMethodSchema.cpp) on its default data set, Fashion-MNIST.
constexpr int kDefaultChannels = 16, kDefaultLayers = 8, kDefaultClasses = 10;
constexpr std::int64_t kDefaultInputChannels = 1, kDefaultSide = 28;

template <class T>
std::shared_ptr<T> child(const torch::nn::Module& m, const std::string& name) {
  const auto children = m.named_children();
  const auto* found = children.find(name);
  std::shared_ptr<T> typed = found ? std::dynamic_pointer_cast<T>(*found) : nullptr;
  if (!typed) throw Error(ErrorCode::Internal, "the evaluation network has no module of the expected kind", name);
  return typed;
}

std::string convBn(GraphBuilder& b, const std::string& x, const std::string& name, const torch::nn::Conv2d& conv,
                   const std::string& bnName, const torch::nn::BatchNorm2d& bn) {
  return b.batchNorm(b.conv(x, name, conv), bnName, bn);
}

// One candidate op on `x`, as its module in CellOps.cpp computes it.
std::string opGraph(GraphBuilder& b, const std::string& x, const std::string& p, DartsOp op,
                    const std::shared_ptr<torch::nn::Module>& m) {
  switch (op) {
    case DartsOp::SkipConnect:
      if (auto fr = std::dynamic_pointer_cast<FactorizedReduceImpl>(m)) {
        const std::string r = b.relu(x);
        const std::string a = b.conv(r, p + ".conv1", fr->conv1);
        const std::string c = b.conv(b.slice(r, {2, 3}, {1, 1}), p + ".conv2", fr->conv2);
        return b.batchNorm(b.concat({a, c}), p + ".bn", fr->bn);
      }
      return x;  // stride 1: identity
    case DartsOp::SepConv3x3:
    case DartsOp::SepConv5x5: {
      auto s = std::dynamic_pointer_cast<SepConvImpl>(m);
      std::string h = b.conv(b.relu(x), p + ".dw1", s->dw1);
      h = convBn(b, h, p + ".pw1", s->pw1, p + ".bn1", s->bn1);
      h = b.conv(b.relu(h), p + ".dw2", s->dw2);
      return convBn(b, h, p + ".pw2", s->pw2, p + ".bn2", s->bn2);
    }
    case DartsOp::DilConv3x3:
    case DartsOp::DilConv5x5: {
      auto d = std::dynamic_pointer_cast<DilConvImpl>(m);
      return convBn(b, b.conv(b.relu(x), p + ".dw", d->dw), p + ".pw", d->pw, p + ".bn", d->bn);
    }
    case DartsOp::MaxPool3x3:
    case DartsOp::AvgPool3x3: {
      auto pool = std::dynamic_pointer_cast<PoolImpl>(m);
      const std::string y = pool->max ? b.maxPool(x, 3, pool->stride, 1) : b.avgPool(x, 3, pool->stride, 1, false);
      return pool->bn ? b.batchNorm(y, p + ".bn", pool->bn) : y;
    }
    case DartsOp::None: break;
  }
  throw Error(ErrorCode::Internal, "a derived DARTS cell runs no `none` op", p);
}

std::string preprocess(GraphBuilder& b, const std::string& x, const std::string& p,
                       const std::shared_ptr<torch::nn::Module>& m) {
  if (std::dynamic_pointer_cast<FactorizedReduceImpl>(m)) return opGraph(b, x, p, DartsOp::SkipConnect, m);
  auto rc = std::dynamic_pointer_cast<ReLUConv1x1Impl>(m);
  if (!rc) throw Error(ErrorCode::Internal, "unexpected cell preprocessing module", p);
  return convBn(b, b.relu(x), p + ".conv", rc->conv, p + ".bn", rc->bn);
}

std::string cellGraph(GraphBuilder& b, const std::string& s0, const std::string& s1, const std::string& p,
                      SearchCellImpl& cell, const ActiveOps& active) {
  const CellSpec& spec = cellSpec(SpaceKind::Darts);
  std::vector<std::string> states{preprocess(b, s0, p + ".pre0", child<torch::nn::Module>(cell, "pre0")),
                                  preprocess(b, s1, p + ".pre1", child<torch::nn::Module>(cell, "pre1"))};
  for (int j = spec.inputs; j < spec.totalNodes(); ++j) {
    std::string sum;
    for (int e : spec.edgesInto(j))
      for (const auto& [ae, k] : active) {
        if (ae != e) continue;
        const std::string key = cell.opKey(e, k);
        const std::string y = opGraph(b, states.at(static_cast<size_t>(spec.edges[static_cast<size_t>(e)].first)),
                                      p + "." + key, static_cast<DartsOp>(k), child<torch::nn::Module>(cell, key));
        sum = sum.empty() ? y : b.add(sum, y);
      }
    if (sum.empty()) throw Error(ErrorCode::InvalidArgument, "node " + std::to_string(j) + " has no input", p);
    states.push_back(sum);
  }
  return b.concat(std::vector<std::string>(states.begin() + spec.inputs, states.end()));
}

NetConfig evaluationConfig(int channels, int layers, int inputChannels, int classes, bool auxiliary) {
  NetConfig c;  // as ScratchTrainer builds it
  c.space = SpaceKind::Darts;
  c.channels = channels;
  c.layers = layers;
  c.inputChannels = inputChannels;
  c.classes = classes;
  c.ops.affine = true;
  c.ops.poolBn = false;
  c.featureSharing = false;
  c.auxiliary = auxiliary;
  return c;
}

std::vector<ActiveOps> parseCells(const std::string& canonical) {
  std::vector<ActiveOps> cells = parseGenotypeText(SpaceKind::Darts, canonical);
  const std::string text = genotypeText(SpaceKind::Darts, cells);
  if (text != canonical) throw Error(ErrorCode::ParseError, "not the canonical form '" + text + "'", canonical);
  return cells;
}

class DartsExporter final : public NetworkExporter {
 public:
  std::string name() const override { return "darts"; }
  bool handles(const std::string& space) const override { return space == "darts"; }

  Json encoding(const std::string&, const std::string& canonical) const override {
    parseCells(canonical);
    const DartsGenotype g = DartsGenotype::parse(canonical);
    auto cellJson = [](const DartsCell& c) {
      Json nodes = Json::array();
      for (const auto& node : c.nodes) {
        Json inputs = Json::array();
        for (const auto& in : node) inputs.push_back(Json::array({dartsOpName(in.op), in.input}));
        nodes.push_back(inputs);
      }
      return nodes;
    };
    return Json{{"nodes", "per intermediate node 2..5: its inputs as [op, input node]; nodes 0, 1: the two "
                          "previous cells' outputs"},
                {"normal", cellJson(g.normal)},
                {"normal_concat", g.normal.concat},
                {"reduce", cellJson(g.reduce)},
                {"reduce_concat", g.reduce.concat}};
  }

  ExportableNetwork build(const Workspace& ws, const ArchitectureRecord& rec, std::uint64_t seed) const override {
    const std::vector<ActiveOps> cells = parseCells(rec.canonical);
    for (const JobRecord& job : jobsOfArchitecture(ws, rec.id)) {
      const auto bytes = ws.artifact(job.id, kEvaluationArtifactKind, kEvaluationArtifactName);
      if (!bytes) continue;
      EvaluationNetwork e = loadEvaluationArtifact(*bytes, "evaluation network of job " + std::to_string(job.id));
      if (e.genotype != rec.canonical) continue;
      WeightsSource w;
      w.trained = true;
      w.job = job.id;
      w.detail = "trained: job " + std::to_string(job.id) + " (" + job.method + ", " + e.dataset + ", seed " +
                 std::to_string(e.seed) + ", " + std::to_string(e.epochs) + " epochs, " + jobStatusName(job.status) +
                 "), evaluation network C=" + std::to_string(e.config.channels) + ", " +
                 std::to_string(e.config.layers) + " cells";
      return finish(e.net, e.cells, e.height, e.width, rec, std::move(w));
    }
    torch::manual_seed(seed);
    const NetConfig c = evaluationConfig(kDefaultChannels, kDefaultLayers, kDefaultInputChannels, kDefaultClasses, false);
    CellNetwork net(c, &cells);
    WeightsSource w;
    w.detail = "initialised (seed " + std::to_string(seed) + "; no job of this genotype stored a trained evaluation "
               "network), darts-eval's default network C=16, 8 cells, 1x28x28, 10 classes";
    return finish(net, cells, kDefaultSide, kDefaultSide, rec, std::move(w));
  }

 private:
  static ExportableNetwork finish(CellNetwork net, const std::vector<ActiveOps>& cells, std::int64_t height,
                                  std::int64_t width, const ArchitectureRecord& rec, WeightsSource w) {
    net->eval();
    const NetConfig& c = net->config();
    Json meta{{"space", rec.space},
              {"arch", rec.canonical},
              {"weights", w.detail},
              {"network", "DARTS evaluation network, C=" + std::to_string(c.channels) + ", " +
                              std::to_string(c.layers) + " cells (reductions at " + std::to_string(c.layers / 3) +
                              " and " + std::to_string(2 * c.layers / 3) + "), no auxiliary head"}};
    if (w.job) meta["job"] = *w.job;
    ExportableNetwork out;
    out.graph = dartsGraph(net, cells, height, width, std::move(meta));
    std::vector<CellRun> runs;
    for (const ActiveOps& a : cells) runs.push_back(CellRun::transit(a));
    const std::vector<bool> transit(static_cast<size_t>(net->numCells()), false);
    out.forward = [net, runs, transit](const torch::Tensor& x) mutable {
      torch::NoGradGuard ng;
      return net->forward(x, runs, transit);
    };
    out.weights = std::move(w);
    return out;
  }
};

}  // namespace

std::unique_ptr<NetworkExporter> makeDartsExporter() { return std::make_unique<DartsExporter>(); }

std::string evaluationArtifact(CellNetwork& net, const std::vector<ActiveOps>& cells, std::int64_t height,
                               std::int64_t width, const std::string& dataset, std::uint64_t seed, int epochs) {
  const NetConfig& c = net->config();
  if (c.space != SpaceKind::Darts) throw Error(ErrorCode::Internal, "an evaluation artifact is of the DARTS space");
  CellNetwork cpu(c, &cells);  // a copy on the CPU, whatever device trained it
  copyMatchingState(*net, *cpu);
  const Json config{{"space", "darts"},
                    {"genotype", genotypeText(SpaceKind::Darts, cells)},
                    {"channels", c.channels},
                    {"layers", c.layers},
                    {"stem_multiplier", c.stemMultiplier},
                    {"input_channels", c.inputChannels},
                    {"input_height", height},
                    {"input_width", width},
                    {"classes", c.classes},
                    {"auxiliary", c.auxiliary},
                    {"dataset", dataset},
                    {"seed", seed},
                    {"epochs", epochs}};
  EpochCheckpointWriter out(epochs);
  out.text("config", config.dump());
  out.module("net", *cpu);
  return out.bytes();
}

EvaluationNetwork loadEvaluationArtifact(const std::string& bytes, const std::string& what) {
  EpochCheckpointReader in(bytes, what);
  EvaluationNetwork e;
  try {
    const Json c = parseJson(in.text("config"), what);
    if (c.at("space").get<std::string>() != "darts") throw Error(ErrorCode::CorruptData, "not of the DARTS space", what);
    e.genotype = c.at("genotype").get<std::string>();
    e.cells = parseCells(e.genotype);
    e.config = evaluationConfig(c.at("channels").get<int>(), c.at("layers").get<int>(), c.at("input_channels").get<int>(),
                                c.at("classes").get<int>(), c.at("auxiliary").get<bool>());
    e.config.stemMultiplier = c.at("stem_multiplier").get<int>();
    e.height = c.at("input_height").get<std::int64_t>();
    e.width = c.at("input_width").get<std::int64_t>();
    e.dataset = c.at("dataset").get<std::string>();
    e.seed = c.at("seed").get<std::uint64_t>();
    e.epochs = c.at("epochs").get<int>();
    e.net = CellNetwork(e.config, &e.cells);
  } catch (const Json::exception& ex) {
    throw Error(ErrorCode::CorruptData, std::string("configuration: ") + ex.what(), what);
  } catch (const Error& ex) {
    throw Error(ErrorCode::CorruptData, ex.message(), what);
  }
  in.module("net", *e.net);
  return e;
}

ExportGraph dartsGraph(CellNetwork& net, const std::vector<ActiveOps>& cells, std::int64_t height, std::int64_t width,
                       Json metadata) {
  const NetConfig& c = net->config();
  if (c.space != SpaceKind::Darts || cells.size() != 2)
    throw Error(ErrorCode::InvalidArgument, "a DARTS-space network with a normal and a reduction cell is needed");
  GraphBuilder b("darts", {c.inputChannels, height, width}, c.classes);
  const std::string stem = convBn(b, b.input(), "stem", child<torch::nn::Conv2dImpl>(*net, "stem"), "stem_bn",
                                  child<torch::nn::BatchNorm2dImpl>(*net, "stem_bn"));
  std::string s0 = stem, s1 = stem;
  for (int i = 0; i < net->numCells(); ++i) {
    const std::string out = cellGraph(b, s0, s1, "cell" + std::to_string(i), *net->cell(i),
                                      cells.at(static_cast<size_t>(net->cellType(i))));
    s0 = s1;
    s1 = out;
  }
  return b.finish(b.linear(b.globalAvgPoolFlat(s1), "classifier", child<torch::nn::LinearImpl>(*net, "classifier")),
                  std::move(metadata));
}

}  // namespace nas::entrannas
