#include "SgnasExport.h"

#include <torch/torch.h>

#include "common/Error.h"
#include "export/GraphBuilder.h"
#include "store/Workspace.h"

namespace nas::sgnas {
namespace {

constexpr double kBnEps = 1e-5;  // torch::nn::BatchNorm2d's default, which the supernet uses

// The supernet's parameters and buffers by their full names ("layer0.pw1.weight").
class NamedState {
 public:
  explicit NamedState(const torch::nn::Module& m) {
    for (const auto& p : m.named_parameters(true)) t_[p.key()] = p.value();
    for (const auto& b : m.named_buffers(true)) t_[b.key()] = b.value();
  }
  const torch::Tensor& operator[](const std::string& name) const {
    auto it = t_.find(name);
    if (it == t_.end()) throw Error(ErrorCode::Internal, "the supernet has no tensor of this name", name);
    return it->second;
  }

 private:
  std::map<std::string, torch::Tensor> t_;
};

// BN `prefix` over channels [start, start + len), or all channels (len < 0).
std::string bn(GraphBuilder& b, const std::string& x, const NamedState& s, const std::string& prefix,
               const std::string& name, std::int64_t start = 0, std::int64_t len = -1) {
  auto part = [&](const char* what) {
    const torch::Tensor& t = s[prefix + "." + what];
    return len < 0 ? t : t.narrow(0, start, len);
  };
  return b.batchNorm(x, name, part("weight"), part("bias"), part("running_mean"), part("running_var"), kBnEps);
}

std::string relu6(GraphBuilder& b, const std::string& x) { return b.clip(x, 0.f, 6.f); }

struct Run {
  int begin, end, kernelIndex;
};

std::string layerGraph(GraphBuilder& b, const std::string& x, const NamedState& s, const SgnasSpace& space, int l,
                       const std::vector<Choice>& choices) {
  const std::string p = "layer" + std::to_string(l);
  const std::int64_t cin = space.layerInChannels(l);
  const int stride = space.layers[static_cast<size_t>(l)].stride;
  std::vector<Run> runs;
  int skipped = 0;
  for (int g = 0; g < space.groups; ++g) {
    const auto c = choices[static_cast<size_t>(g)];
    if (c == Choice::Skip) {
      ++skipped;
      continue;
    }
    const int k = static_cast<int>(c);
    if (!runs.empty() && runs.back().end == g && runs.back().kernelIndex == k) ++runs.back().end;
    else runs.push_back({g, g + 1, k});
  }
  std::vector<std::string> outs;
  std::vector<torch::Tensor> proj;
  for (const Run& r : runs) {
    const std::int64_t start = r.begin * cin, len = (r.end - r.begin) * cin;
    const int ks = kKernelSizes[r.kernelIndex];
    const std::string q = p + ".g" + std::to_string(r.begin) + "_" + std::to_string(r.end);
    std::string h = b.conv(x, q + ".pw1", s[p + ".pw1.weight"].narrow(0, start, len), {}, 1, 0, 1);
    h = relu6(b, bn(b, h, s, p + ".bn1", q + ".bn1", start, len));
    const std::string dw = "dw" + std::to_string(ks);
    h = b.conv(h, q + "." + dw, s[p + "." + dw + ".weight"].narrow(0, start, len), {}, stride, ks / 2, len);
    outs.push_back(relu6(b, bn(b, h, s, p + "." + dw + "_bn", q + "." + dw + "_bn", start, len)));
    proj.push_back(s[p + ".pw2.weight"].narrow(1, start, len));
  }
  std::string y = b.conv(b.concat(outs), p + ".pw2", torch::cat(proj, 1), {}, 1, 0, 1);
  y = bn(b, y, s, p + ".sbn." + std::to_string(skipped), p + ".sbn" + std::to_string(skipped));
  return space.hasResidual(l) ? b.add(y, x) : y;
}

std::string presetOf(const std::string& canonical) {
  const auto colon = canonical.find(':');
  if (colon == std::string::npos)
    throw Error(ErrorCode::ParseError, "an SGNAS architecture starts with its preset (\"tiny:37x|...\")", canonical);
  return canonical.substr(0, colon);
}

class SgnasExporter final : public NetworkExporter {
 public:
  std::string name() const override { return "sgnas"; }
  bool handles(const std::string& space) const override { return space == "sgnas"; }

  Json encoding(const std::string&, const std::string& canonical) const override {
    const SgnasSpace space = spacePreset(presetOf(canonical), 10);
    const SgnasArch arch = parseArch(space, canonical);
    if (archToString(space, arch) != canonical)
      throw Error(ErrorCode::ParseError, "not the canonical form '" + archToString(space, arch) + "'", canonical);
    return archToJson(space, arch);
  }

  ExportableNetwork build(const Workspace& ws, const ArchitectureRecord& rec, std::uint64_t seed) const override {
    const std::string preset = presetOf(rec.canonical);
    for (const JobRecord& job : jobsOfArchitecture(ws, rec.id)) {
      const auto bytes = ws.artifact(job.id, "supernet", "supernet");
      if (!bytes) continue;
      SgnasSupernet net = loadSupernetArtifact(*bytes);
      if (net->space().preset != preset) continue;
      const Json params = parseJson(job.specJson, "job " + std::to_string(job.id)).value("params", Json::object());
      WeightsSource w;
      w.trained = true;
      w.job = job.id;
      w.detail = "trained: supernet of job " + std::to_string(job.id) + " (" + job.method + ", " +
                 params.value("dataset", std::string("?")) + ", seed " + params.value("seed", Json(0)).dump() + ", " +
                 jobStatusName(job.status) + "), inherited weights, the supernet's BN statistics";
      return finish(std::move(net), rec, std::move(w));
    }
    torch::manual_seed(seed);
    SgnasSupernet net(spacePreset(preset, 10));
    WeightsSource w;
    w.detail = "initialised (seed " + std::to_string(seed) + "; no job of this architecture stored a supernet), "
               "preset '" + preset + "', 10 classes";
    return finish(std::move(net), rec, std::move(w));
  }

 private:
  static ExportableNetwork finish(SgnasSupernet net, const ArchitectureRecord& rec, WeightsSource w) {
    net->eval();
    const SgnasArch arch = parseArch(net->space(), rec.canonical);
    Json meta{{"space", rec.space}, {"arch", rec.canonical}, {"weights", w.detail},
              {"network", "SGNAS single path, preset " + net->space().preset}};
    if (w.job) meta["job"] = *w.job;
    ExportableNetwork out;
    out.graph = sgnasGraph(net, arch, std::move(meta));
    out.forward = [net, arch](const torch::Tensor& x) mutable {
      torch::NoGradGuard ng;
      return net->forward(x, arch);
    };
    out.weights = std::move(w);
    return out;
  }
};

}  // namespace

std::unique_ptr<NetworkExporter> makeSgnasExporter() { return std::make_unique<SgnasExporter>(); }

ExportGraph sgnasGraph(SgnasSupernet& net, const SgnasArch& arch, Json metadata) {
  const SgnasSpace& space = net->space();
  validateArch(space, arch);
  const NamedState s(*net);
  GraphBuilder b("sgnas", {space.inputChannels, space.inputSize, space.inputSize}, space.classes);
  std::string x = b.conv(b.input(), "stem_conv", s["stem_conv.weight"], {}, space.stemStride, 1, 1);
  x = relu6(b, bn(b, x, s, "stem_bn", "stem_bn"));
  if (space.firstBlockChannels > 0) {
    x = b.conv(x, "first_dw", s["first_dw.weight"], {}, 1, 1, space.stemChannels);
    x = relu6(b, bn(b, x, s, "first_dw_bn", "first_dw_bn"));
    x = bn(b, b.conv(x, "first_pw", s["first_pw.weight"], {}, 1, 0, 1), s, "first_pw_bn", "first_pw_bn");
  }
  for (int l = 0; l < space.numLayers(); ++l) x = layerGraph(b, x, s, space, l, arch.choices[static_cast<size_t>(l)]);
  x = relu6(b, bn(b, b.conv(x, "head_conv", s["head_conv.weight"], {}, 1, 0, 1), s, "head_bn", "head_bn"));
  const std::string pooled = b.globalAvgPoolFlat(x);
  x = b.linear(pooled, "classifier", torch::nn::Linear(std::dynamic_pointer_cast<torch::nn::LinearImpl>(
                                         net->named_children()["classifier"])));
  return b.finish(x, std::move(metadata));
}

}  // namespace nas::sgnas
