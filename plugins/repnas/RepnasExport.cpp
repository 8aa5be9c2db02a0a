#include "RepnasExport.h"

#include <torch/torch.h>

#include "common/Error.h"
#include "export/GraphBuilder.h"
#include "store/Workspace.h"

namespace nas::repnas {
namespace {

// "repnas:mini" -> the preset's space for Fashion-MNIST-shaped inputs (the method's default
// data set); the layer count, which is all parsing needs, does not depend on the input.
RepnasSpace defaultSpaceOf(const std::string& spaceName) {
  const std::string prefix = "repnas:";
  if (spaceName.rfind(prefix, 0) != 0) throw Error(ErrorCode::InvalidArgument, "not a RepNAS space", spaceName);
  return buildRepnasSpace(repnasPreset(spaceName.substr(prefix.size())), 1, 28, 10);
}

class RepnasExporter final : public NetworkExporter {
 public:
  std::string name() const override { return "repnas"; }
  bool handles(const std::string& space) const override { return space.rfind("repnas:", 0) == 0; }

  Json encoding(const std::string& spaceName, const std::string& canonical) const override {
    const RepnasSpace space = defaultSpaceOf(spaceName);
    const RepnasArch arch = parseRepnasArch(space, canonical);
    if (repnasArchToString(arch) != canonical)
      throw Error(ErrorCode::ParseError, "not the canonical form '" + repnasArchToString(arch) + "'", canonical);
    return Json{{"branch_letters", "k 1x1 c(1x1-kxk) a(1x1-avg) h(1xk) v(kx1); identity implied where allowed"},
                {"branches", branchesJson(space, arch)},
                {"branch_count", branchTotal(arch)},
                {"form", "merged: one KxK conv with bias per layer"}};
  }

  ExportableNetwork build(const Workspace& ws, const ArchitectureRecord& rec, std::uint64_t seed) const override {
    for (const JobRecord& job : jobsOfArchitecture(ws, rec.id)) {
      const auto bytes = ws.artifact(job.id, "model", "deployed");
      if (!bytes) continue;
      LoadedDeployed d = loadDeployedArtifact(*bytes);
      if (d.arch != rec.canonical || d.net->space().name() != rec.space) continue;
      const Json params = parseJson(job.specJson, "job " + std::to_string(job.id)).value("params", Json::object());
      WeightsSource w;
      w.trained = true;
      w.job = job.id;
      w.detail = "trained: job " + std::to_string(job.id) + " (" + job.method + ", " +
                 params.value("dataset", std::string("?")) + ", seed " + params.value("seed", Json(0)).dump() + ", " +
                 jobStatusName(job.status) + "), branches merged into one conv per layer";
      return finish(d.net, rec, std::move(w));
    }
    const RepnasSpace space = defaultSpaceOf(rec.space);
    const RepnasArch arch = parseRepnasArch(space, rec.canonical);
    std::vector<BranchMask> active;
    for (int l = 0; l < space.numLayers(); ++l) active.push_back(space.effectiveMask(l, arch[static_cast<size_t>(l)]));
    torch::manual_seed(seed);
    RepnasNet net(space, active);
    net->eval();
    RepnasDeployedNet deployed = net->deploy(active);
    WeightsSource w;
    w.detail = "initialised (seed " + std::to_string(seed) + "; no repnas job of this architecture stored a deployed "
               "model), branches merged into one conv per layer, 1x28x28 inputs, 10 classes";
    return finish(deployed, rec, std::move(w));
  }

 private:
  static ExportableNetwork finish(RepnasDeployedNet net, const ArchitectureRecord& rec, WeightsSource w) {
    net->eval();
    Json meta{{"space", rec.space}, {"arch", rec.canonical}, {"weights", w.detail},
              {"network", "RepNAS merged single path (one KxK conv + ReLU per layer), preset " + net->space().preset}};
    if (w.job) meta["job"] = *w.job;
    ExportableNetwork out;
    out.graph = repnasDeployedGraph(net, std::move(meta));
    out.forward = [net](const torch::Tensor& x) mutable {
      torch::NoGradGuard ng;
      return net->forward(x);
    };
    out.weights = std::move(w);
    return out;
  }
};

}  // namespace

std::unique_ptr<NetworkExporter> makeRepnasExporter() { return std::make_unique<RepnasExporter>(); }

ExportGraph repnasDeployedGraph(RepnasDeployedNet& net, Json metadata) {
  const RepnasSpace& space = net->space();
  GraphBuilder b("repnas", {space.inputChannels, space.inputSize, space.inputSize}, space.classes);
  std::string x = b.input();
  for (int l = 0; l < space.numLayers(); ++l) x = b.relu(b.conv(x, "conv" + std::to_string(l), net->conv(l)));
  float ratio = 0.f;
  for (const auto& c : net->named_children())
    if (auto* d = dynamic_cast<torch::nn::DropoutImpl*>(c.value().get())) ratio = static_cast<float>(d->options.p());
  x = b.dropout(b.globalAvgPoolFlat(x), ratio);
  x = b.linear(x, "fc", net->classifier());
  return b.finish(x, std::move(metadata));
}

}  // namespace nas::repnas
