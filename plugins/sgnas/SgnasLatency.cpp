// SGNAS latency: the latency space (entries, measurement, the deployed single-path network)
// and the latency cost table (exact, range, differentiable).
#include "SgnasLatency.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>

#include "SgnasSampling.h"
#include "common/Error.h"
#include "eval/TorchTiming.h"

namespace nas::sgnas {
namespace {

namespace nn = torch::nn;

constexpr const char* kDefaultPreset = "fashion-mnist";  // the sgnas method's default preset
constexpr int kClasses = 10;

torch::Tensor relu6Act(const torch::Tensor& x) { return torch::hardtanh(x, 0.0, 6.0); }

nn::Conv2d conv(int cin, int cout, int k, int stride, int groups) {
  return nn::Conv2d(nn::Conv2dOptions(cin, cout, k).stride(stride).padding(k / 2).groups(groups).bias(false));
}

// Conv -> BN (-> ReLU6): the unit every part of a layer is made of.
struct ConvBnImpl : nn::Module {
  ConvBnImpl(int cin, int cout, int k, int stride, int groups, bool act) : act(act) {
    c = register_module("conv", conv(cin, cout, k, stride, groups));
    bn = register_module("bn", nn::BatchNorm2d(cout));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = bn(c(x));
    return act ? relu6Act(y) : y;
  }
  nn::Conv2d c{nullptr};
  nn::BatchNorm2d bn{nullptr};
  bool act;
};
TORCH_MODULE(ConvBn);

struct StemImpl : nn::Module {
  explicit StemImpl(const SgnasSpace& s) {
    stem = register_module("stem", ConvBn(s.inputChannels, s.stemChannels, 3, s.stemStride, 1, true));
    if (s.firstBlockChannels > 0) {
      fbDw = register_module("fb_dw", ConvBn(s.stemChannels, s.stemChannels, 3, 1, s.stemChannels, true));
      fbPw = register_module("fb_pw", ConvBn(s.stemChannels, s.firstBlockChannels, 1, 1, 1, false));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = stem(x);
    return fbDw ? fbPw(fbDw(y)) : y;
  }
  ConvBn stem{nullptr}, fbDw{nullptr}, fbPw{nullptr};
};
TORCH_MODULE(Stem);

struct HeadImpl : nn::Module {
  explicit HeadImpl(const SgnasSpace& s) {
    head = register_module("head", ConvBn(s.layers.back().channels, s.headChannels, 1, 1, 1, true));
    fc = register_module("fc", nn::Linear(s.headChannels, s.classes));
  }
  torch::Tensor forward(const torch::Tensor& x) { return fc(head(x).mean({2, 3})); }
  ConvBn head{nullptr};
  nn::Linear fc{nullptr};
};
TORCH_MODULE(Head);

struct LayerShape {
  int expansion = 1;
  std::array<int, kNumKernels> groupsPerKernel{};  // n_k
  int parts() const {
    int n = 0;
    for (int v : groupsPerKernel) n += v > 0;
    return n;
  }
};

LayerShape shapeOf(const std::vector<Choice>& choices) {
  LayerShape s;
  s.expansion = 0;
  for (Choice c : choices)
    if (c != Choice::Skip) {
      ++s.expansion;
      ++s.groupsPerKernel[static_cast<size_t>(c)];
    }
  return s;
}

// One deployed single-path MBConv layer.
struct PathLayerImpl : nn::Module {
  PathLayerImpl(const SgnasSpace& s, int l, const LayerShape& shape) : cin(s.layerInChannels(l)) {
    residual = s.hasResidual(l);
    const int hidden = shape.expansion * cin;
    pw1 = register_module("pw1", ConvBn(cin, hidden, 1, 1, 1, true));
    for (int k = 0; k < kNumKernels; ++k) {
      const int n = shape.groupsPerKernel[static_cast<size_t>(k)];
      if (n == 0) continue;
      dw.push_back(register_module("dw" + std::to_string(kKernelSizes[k]),
                                   ConvBn(n * cin, n * cin, kKernelSizes[k], s.layers[static_cast<size_t>(l)].stride,
                                          n * cin, true)));
      widths.push_back(n * cin);
    }
    pw2 = register_module("pw2", ConvBn(hidden, s.layers[static_cast<size_t>(l)].channels, 1, 1, 1, false));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    const torch::Tensor h = pw1(x);
    torch::Tensor d;
    if (dw.size() == 1) {
      d = dw[0](h);
    } else {
      std::vector<torch::Tensor> parts;
      std::int64_t off = 0;
      for (size_t i = 0; i < dw.size(); ++i) {
        parts.push_back(dw[i](h.narrow(1, off, widths[i])));
        off += widths[i];
      }
      d = torch::cat(parts, 1);
    }
    torch::Tensor y = pw2(d);
    return residual ? y + x : y;
  }
  int cin;
  bool residual = false;
  ConvBn pw1{nullptr}, pw2{nullptr};
  std::vector<ConvBn> dw;
  std::vector<std::int64_t> widths;
};
TORCH_MODULE(PathLayer);

struct PathNetImpl : nn::Module {
  PathNetImpl(const SgnasSpace& s, const SgnasArch& arch) {
    validateArch(s, arch);
    stem = register_module("stem", Stem(s));
    for (int l = 0; l < s.numLayers(); ++l)
      layers.push_back(register_module("layer" + std::to_string(l),
                                       PathLayer(s, l, shapeOf(arch.choices[static_cast<size_t>(l)]))));
    head = register_module("head", Head(s));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = stem(x);
    for (auto& l : layers) y = l(y);
    return head(y);
  }
  Stem stem{nullptr};
  std::vector<PathLayer> layers;
  Head head{nullptr};
};
TORCH_MODULE(PathNet);

std::string layerKey(int l, const std::string& what) { return "L" + std::to_string(l) + "/" + what; }

class SgnasLatencySpace final : public LatencySpace {
 public:
  explicit SgnasLatencySpace(const std::string& preset) : space_(spacePreset(preset, kClasses)) {}

  std::string name() const override { return latencySpaceName(space_.preset); }
  std::string description() const override {
    return "SGNAS single-path MBConv space '" + space_.preset + "' (" + std::to_string(space_.numLayers()) +
           " layers, G=" + std::to_string(space_.groups) +
           "): per layer the expansion, each kernel over its groups, the join and the projection; stem and head";
  }

  std::vector<LatencyEntrySpec> entries() const override {
    std::vector<LatencyEntrySpec> out;
    const auto dims = [](int c, int s) { return std::to_string(c) + "x" + std::to_string(s) + "x" + std::to_string(s); };
    out.push_back({"stem", dims(space_.inputChannels, space_.inputSize)});
    const int L = space_.numLayers(), G = space_.groups;
    for (int l = 0; l < L; ++l) {
      const int cin = space_.layerInChannels(l), si = space_.layerInSize(l), so = space_.layerOutSize(l);
      for (int e = 1; e <= G; ++e) out.push_back({layerKey(l, "pw1/e" + std::to_string(e)), dims(cin, si)});
      for (int k = 0; k < kNumKernels; ++k)
        for (int n = 1; n <= G; ++n)
          out.push_back({layerKey(l, "dw" + std::to_string(kKernelSizes[k]) + "/n" + std::to_string(n)),
                         dims(n * cin, si)});
      for (int e = 2; e <= G; ++e) out.push_back({layerKey(l, "cat/e" + std::to_string(e)), dims(e * cin, so)});
      for (int e = 1; e <= G; ++e) out.push_back({layerKey(l, "pw2/e" + std::to_string(e)), dims(e * cin, so)});
    }
    out.push_back({"head", dims(space_.layers.back().channels, space_.layerOutSize(L - 1))});
    return out;
  }

  TimingStats measure(const std::string& key, const LatencyOptions& o) const override {
    o.validate();
    torch::manual_seed(0);
    const int B = o.batch;
    if (key == "stem") {
      Stem m(space_);
      m->eval();
      const torch::Tensor x = torch::randn({B, space_.inputChannels, space_.inputSize, space_.inputSize});
      return timeInference([&] { m->forward(x); }, o);
    }
    if (key == "head") {
      Head m(space_);
      m->eval();
      const int L = space_.numLayers();
      const torch::Tensor x =
          torch::randn({B, space_.layers.back().channels, space_.layerOutSize(L - 1), space_.layerOutSize(L - 1)});
      return timeInference([&] { m->forward(x); }, o);
    }
    // L<l>/<what>/<e|n><v>
    int l = -1, v = -1;
    std::string what;
    {
      const auto s1 = key.find('/'), s2 = key.rfind('/');
      if (key.size() < 2 || key[0] != 'L' || s1 == std::string::npos || s2 == s1 || s2 + 2 >= key.size() + 1) unknown(key);
      try {
        size_t used = 0;
        l = std::stoi(key.substr(1, s1 - 1), &used);
        if (used != s1 - 1) unknown(key);
        what = key.substr(s1 + 1, s2 - s1 - 1);
        const std::string tail = key.substr(s2 + 1);
        if (tail.size() < 2 || (tail[0] != 'e' && tail[0] != 'n')) unknown(key);
        v = std::stoi(tail.substr(1), &used);
        if (used != tail.size() - 1) unknown(key);
      } catch (const std::logic_error&) {
        unknown(key);
      }
    }
    if (l < 0 || l >= space_.numLayers() || v < 1 || v > space_.groups) unknown(key);
    const auto& spec = space_.layers[static_cast<size_t>(l)];
    const int cin = space_.layerInChannels(l), si = space_.layerInSize(l), so = space_.layerOutSize(l);
    if (what == "pw1") {
      ConvBn m(cin, v * cin, 1, 1, 1, true);
      m->eval();
      const torch::Tensor x = torch::randn({B, cin, si, si});
      return timeInference([&] { m->forward(x); }, o);
    }
    if (what == "pw2") {
      ConvBn m(v * cin, spec.channels, 1, 1, 1, false);
      m->eval();
      const torch::Tensor x = torch::randn({B, v * cin, so, so});
      if (space_.hasResidual(l)) {
        const torch::Tensor r = torch::randn({B, spec.channels, so, so});
        return timeInference([&] { (void)(m->forward(x) + r); }, o);
      }
      return timeInference([&] { m->forward(x); }, o);
    }
    if (what == "cat") {
      if (v < 2) unknown(key);
      const int a = v / 2;
      const torch::Tensor x = torch::randn({B, a * cin, so, so}), y = torch::randn({B, (v - a) * cin, so, so});
      return timeInference([&] { (void)torch::cat({x, y}, 1); }, o);
    }
    for (int k = 0; k < kNumKernels; ++k) {
      if (what != "dw" + std::to_string(kKernelSizes[k])) continue;
      ConvBn m(v * cin, v * cin, kKernelSizes[k], spec.stride, v * cin, true);
      m->eval();
      const torch::Tensor x = torch::randn({B, v * cin, si, si});
      return timeInference([&] { m->forward(x); }, o);
    }
    unknown(key);
  }

  std::vector<LatencyTerm> entriesOf(const std::string& arch) const override {
    return latencyTerms(space_, parseArch(space_, arch));
  }

  TimingStats measureNetwork(const std::string& arch, const LatencyOptions& o) const override {
    return prepareNetwork(arch, o)(o.timing);
  }

  NetworkTimer prepareNetwork(const std::string& arch, const LatencyOptions& o) const override {
    o.validate();
    torch::manual_seed(0);
    PathNet net(space_, parseArch(space_, arch));
    net->eval();
    const torch::Tensor x = torch::randn({o.batch, space_.inputChannels, space_.inputSize, space_.inputSize});
    return [net, x, o](const TimingOptions& timing) mutable {
      LatencyOptions lo = o;
      lo.timing = timing;
      return timeInference([&] { net->forward(x); }, lo);
    };
  }

  // Spread over the space's cost range (a uniform level, then randomArchAtLevel), as the
  // generator's constraint sliders are: drawing every group uniformly concentrates the
  // networks in a narrow band of latencies (the sum over layers), which no slider spans.
  std::string randomArchitecture(std::mt19937_64& rng) const override {
    std::uniform_real_distribution<double> level(0.0, 1.0);
    Rng r(rng());
    return archToString(space_, randomArchAtLevel(space_, level(rng), r));
  }

  std::string runtimeVersion() const override { return torchVersionString(); }

 private:
  [[noreturn]] void unknown(const std::string& key) const {
    throw Error(ErrorCode::NotFound, "unknown entry key (expected stem, head or L<layer>/<pw1|dw3|dw5|dw7|cat|pw2>/<e|n><count>)",
                "space '" + name() + "', key '" + key + "'");
  }
  SgnasSpace space_;
};

double entryOr0(const LatencyTable& t, const std::string& key) { return t.entry(key); }

// Sum of count x p(count) for counts 1..G from a [N, G+1] distribution and a table of G values.
torch::Tensor expectation(const torch::Tensor& dist, const std::vector<double>& values, const torch::TensorOptions& opts) {
  const auto G = static_cast<std::int64_t>(values.size());
  const torch::Tensor v = torch::tensor(values, torch::kDouble).to(opts).view({1, G});
  return (dist.narrow(1, 1, G) * v).sum(1);
}

// Distribution [N, G+1] of the number of successes of independent Bernoulli(a[:, g]).
torch::Tensor countDistribution(const torch::Tensor& a) {
  const auto N = a.size(0), G = a.size(1);
  torch::Tensor d = torch::ones({N, 1}, a.options());
  for (std::int64_t g = 0; g < G; ++g) {
    const torch::Tensor ag = a.select(1, g).unsqueeze(1);
    const torch::Tensor zero = torch::zeros({N, 1}, a.options());
    d = torch::cat({d * (1 - ag), zero}, 1) + torch::cat({zero, d * ag}, 1);
  }
  return d;
}

}  // namespace

std::string latencySpaceName(const std::string& preset) {
  return preset == kDefaultPreset ? std::string("sgnas") : "sgnas:" + preset;
}

std::unique_ptr<LatencySpace> makeSgnasLatencySpace(const std::string& preset) {
  return std::make_unique<SgnasLatencySpace>(preset);
}


std::vector<LatencyTerm> latencyTerms(const SgnasSpace& space, const SgnasArch& arch) {
  validateArch(space, arch);
  std::vector<LatencyTerm> terms{{"stem", 1}, {"head", 1}};
  for (int l = 0; l < space.numLayers(); ++l) {
    const LayerShape s = shapeOf(arch.choices[static_cast<size_t>(l)]);
    const std::string e = std::to_string(s.expansion);
    terms.push_back({layerKey(l, "pw1/e" + e), 1});
    for (int k = 0; k < kNumKernels; ++k)
      if (const int n = s.groupsPerKernel[static_cast<size_t>(k)]; n > 0)
        terms.push_back({layerKey(l, "dw" + std::to_string(kKernelSizes[k]) + "/n" + std::to_string(n)), 1});
    if (s.parts() >= 2) terms.push_back({layerKey(l, "cat/e" + e), 1});
    terms.push_back({layerKey(l, "pw2/e" + e), 1});
  }
  return terms;
}

LatencyCostTable buildLatencyCostTable(const SgnasSpace& space, const LatencyTable& table) {
  const double scale = table.correction() && table.correction()->samples > 0 ? table.correction()->scale : 1.0;
  const double offset = table.correction() && table.correction()->samples > 0 ? table.correction()->offsetMs : 0.0;
  LatencyCostTable t;
  t.groups = space.groups;
  t.baseMs = scale * (entryOr0(table, "stem") + entryOr0(table, "head")) + offset;
  for (int l = 0; l < space.numLayers(); ++l) {
    LayerLatency ll;
    for (int e = 1; e <= space.groups; ++e) {
      ll.pw1.push_back(scale * table.entry(layerKey(l, "pw1/e" + std::to_string(e))));
      ll.pw2.push_back(scale * table.entry(layerKey(l, "pw2/e" + std::to_string(e))));
      ll.cat.push_back(e == 1 ? 0.0 : scale * table.entry(layerKey(l, "cat/e" + std::to_string(e))));
      for (int k = 0; k < kNumKernels; ++k)
        ll.dw[static_cast<size_t>(k)].push_back(
            scale * table.entry(layerKey(l, "dw" + std::to_string(kKernelSizes[k]) + "/n" + std::to_string(e))));
    }
    t.layers.push_back(std::move(ll));
  }
  return t;
}

LatencyCostTable loadLatencyCostTable(const Workspace& ws, const SgnasSpace& space, const std::string& profile) {
  const auto lspace = makeSgnasLatencySpace(space.preset);
  const auto p = resolveDeviceProfile(ws, profile, lspace->name());
  if (!p)
    throw Error(ErrorCode::NotFound,
                "no device profile has entries of latency space '" + lspace->name() +
                    "'; run `nasstudio-cli latency profile --space " + lspace->name() + "` first",
                "latency_profile");
  return buildLatencyCostTable(space, LatencyTable::load(ws, *p, *lspace));
}

Json latencyCostTableToJson(const LatencyCostTable& t) {
  Json layers = Json::array();
  for (const auto& l : t.layers)
    layers.push_back({{"pw1", l.pw1}, {"pw2", l.pw2}, {"cat", l.cat}, {"dw3", l.dw[0]}, {"dw5", l.dw[1]}, {"dw7", l.dw[2]}});
  return Json{{"groups", t.groups}, {"base_ms", t.baseMs}, {"layers", layers}};
}

LatencyCostTable latencyCostTableFromJson(const Json& j) {
  LatencyCostTable t;
  try {
    t.groups = j.at("groups").get<int>();
    t.baseMs = j.at("base_ms").get<double>();
    for (const auto& l : j.at("layers")) {
      LayerLatency ll;
      ll.pw1 = l.at("pw1").get<std::vector<double>>();
      ll.pw2 = l.at("pw2").get<std::vector<double>>();
      ll.cat = l.at("cat").get<std::vector<double>>();
      ll.dw[0] = l.at("dw3").get<std::vector<double>>();
      ll.dw[1] = l.at("dw5").get<std::vector<double>>();
      ll.dw[2] = l.at("dw7").get<std::vector<double>>();
      const auto G = static_cast<size_t>(t.groups);
      if (ll.pw1.size() != G || ll.pw2.size() != G || ll.cat.size() != G || ll.dw[0].size() != G ||
          ll.dw[1].size() != G || ll.dw[2].size() != G)
        throw Error(ErrorCode::CorruptData, "a layer's table does not have one value per group count", "sgnas latency table");
      t.layers.push_back(std::move(ll));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CorruptData, std::string("malformed: ") + e.what(), "sgnas latency table");
  }
  return t;
}

namespace {
double layerLatency(const LayerLatency& ll, const LayerShape& s) {
  const auto e = static_cast<size_t>(s.expansion - 1);
  double ms = ll.pw1[e] + ll.pw2[e] + (s.parts() >= 2 ? ll.cat[e] : 0.0);
  for (int k = 0; k < kNumKernels; ++k)
    if (const int n = s.groupsPerKernel[static_cast<size_t>(k)]; n > 0) ms += ll.dw[static_cast<size_t>(k)][static_cast<size_t>(n - 1)];
  return ms;
}
}  // namespace

double exactLatency(const LatencyCostTable& t, const SgnasArch& arch) {
  if (arch.choices.size() != t.layers.size()) throw Error(ErrorCode::InvalidArgument, "layer count differs", "sgnas latency");
  double ms = t.baseMs;
  for (size_t l = 0; l < t.layers.size(); ++l) {
    const LayerShape s = shapeOf(arch.choices[l]);
    if (s.expansion < 1) throw Error(ErrorCode::InvalidArgument, "layer without an active group", "sgnas latency");
    ms += layerLatency(t.layers[l], s);
  }
  return ms;
}

LatencyRange latencyRange(const LatencyCostTable& t) {
  LatencyRange r{t.baseMs, t.baseMs};
  for (const auto& ll : t.layers) {
    double lo = 1e300, hi = -1e300;
    // Every (n3, n5, n7) with 1 <= n3 + n5 + n7 <= G.
    for (int a = 0; a <= t.groups; ++a)
      for (int b = 0; a + b <= t.groups; ++b)
        for (int c = 0; a + b + c <= t.groups; ++c) {
          if (a + b + c == 0) continue;
          LayerShape s;
          s.expansion = a + b + c;
          s.groupsPerKernel = {a, b, c};
          const double ms = layerLatency(ll, s);
          lo = std::min(lo, ms);
          hi = std::max(hi, ms);
        }
    r.minMs += lo;
    r.maxMs += hi;
  }
  return r;
}

torch::Tensor lutLatency(const LatencyCostTable& t, const torch::Tensor& p) {
  TORCH_CHECK(p.dim() == 3 || p.dim() == 4, "lutLatency: p must be [L,G,4] or [N,L,G,4]");
  const torch::Tensor q = p.dim() == 3 ? p.unsqueeze(0) : p;
  const auto L = static_cast<std::int64_t>(t.layers.size());
  if (q.size(1) != L || q.size(2) != t.groups || q.size(3) != kNumChoices)
    throw Error(ErrorCode::InvalidArgument, "probabilities do not match the space's [layers, groups, 4]", "sgnas latency");
  const auto opts = torch::TensorOptions().dtype(q.scalar_type()).device(q.device());
  torch::Tensor total = torch::full({q.size(0)}, t.baseMs, opts);
  for (std::int64_t l = 0; l < L; ++l) {
    const LayerLatency& ll = t.layers[static_cast<size_t>(l)];
    const torch::Tensor ql = q.select(1, l);                   // [N, G, 4]
    const torch::Tensor skip = ql.select(2, kNumKernels);      // [N, G]
    const torch::Tensor eDist = countDistribution(1 - skip);   // [N, G+1]
    std::vector<double> pw(ll.pw1.size());
    for (size_t i = 0; i < pw.size(); ++i) pw[i] = ll.pw1[i] + ll.pw2[i];
    total = total + expectation(eDist, pw, opts);
    torch::Tensor single = torch::zeros({q.size(0)}, opts);
    for (int k = 0; k < kNumKernels; ++k) {
      const torch::Tensor pk = ql.select(2, k);  // [N, G]
      total = total + expectation(countDistribution(pk), ll.dw[static_cast<size_t>(k)], opts);
      single = single + (pk + skip).prod(1);
    }
    // P(every active group shares one kernel); "all skipped" was counted once per kernel.
    single = single - static_cast<double>(kNumKernels - 1) * skip.prod(1);
    total = total + (1 - single) * expectation(eDist, ll.cat, opts);
  }
  return p.dim() == 3 ? total.squeeze(0) : total;
}

}  // namespace nas::sgnas
