#include "eval/Nb201Latency.h"

#include <torch/torch.h>

#include "common/Error.h"
#include "eval/TorchTiming.h"
#include "nn/Nb201Network.h"

namespace nas {

namespace {

constexpr Nb201Op kMeasuredOps[] = {Nb201Op::SkipConnect, Nb201Op::Conv1x1, Nb201Op::Conv3x3, Nb201Op::AvgPool3x3};

// The macro network without cells: what every architecture of the space runs.
class Nb201SkeletonImpl : public torch::nn::Module {
 public:
  explicit Nb201SkeletonImpl(const Nb201MacroConfig& m) {
    const auto layout = nb201Layout(m);
    stem_conv_ = register_module(
        "stem_conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(m.inputChannels, m.channels, 3).padding(1).bias(false)));
    stem_bn_ = register_module("stem_bn", torch::nn::BatchNorm2d(m.channels));
    for (size_t i = 0; i < layout.size(); ++i)
      if (layout[i].reduction)
        reductions_.push_back(register_module("layer" + std::to_string(i),
                                              ResNetBlock(layout[i].inChannels, layout[i].outChannels, 2)));
    const std::int64_t last = layout.back().outChannels;
    last_bn_ = register_module("last_bn", torch::nn::BatchNorm2d(last));
    classifier_ = register_module("classifier", torch::nn::Linear(last, m.classes));
  }
  torch::Tensor forward(const torch::Tensor& input) {
    torch::Tensor x = stem_bn_(stem_conv_(input));
    for (auto& r : reductions_) x = r(x);
    x = torch::relu(last_bn_(x));
    x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
    return classifier_(x);
  }

 private:
  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr}, last_bn_{nullptr};
  std::vector<ResNetBlock> reductions_;
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(Nb201Skeleton);

class Nb201LatencySpace final : public LatencySpace {
 public:
  Nb201LatencySpace(const Nb201MacroConfig& macro, std::string name) : macro_(macro), name_(std::move(name)) {
    nb201Layout(macro_);  // validates
  }

  std::string name() const override { return name_; }
  std::string description() const override {
    return "NAS-Bench-201 macro network " + std::to_string(macro_.inputChannels) + "x" +
           std::to_string(macro_.inputHeight) + "x" + std::to_string(macro_.inputWidth) + ", C=" +
           std::to_string(macro_.channels) + ", N=" + std::to_string(macro_.cellsPerStage) +
           ": per-stage edge ops, node adds and zeros, plus the fixed stem/reductions/head";
  }

  std::vector<LatencyEntrySpec> entries() const override {
    std::vector<LatencyEntrySpec> out;
    out.push_back({"fixed", shape(-1) + " -> " + std::to_string(macro_.classes) + " (stem, reductions, head)"});
    for (int s = 0; s < 3; ++s) {
      for (Nb201Op op : kMeasuredOps) out.push_back({stageKey(s, nb201OpName(op)), shape(s)});
      out.push_back({stageKey(s, "add"), shape(s) + " + " + shape(s)});
      out.push_back({stageKey(s, "zeros"), shape(s)});
    }
    return out;
  }

  TimingStats measure(const std::string& key, const LatencyOptions& options) const override {
    options.validate();
    torch::manual_seed(0);
    if (key == "fixed") {
      Nb201Skeleton net(macro_);
      net->eval();
      const torch::Tensor x = input(options.batch);
      return timeInference([&] { net->forward(x); }, options);
    }
    const auto slash = key.find('/');
    if (key.size() < 4 || key[0] != 's' || slash != 2 || key[1] < '0' || key[1] > '2') unknown(key);
    const int s = key[1] - '0';
    const std::string what = key.substr(3);
    const torch::Tensor x = torch::randn({options.batch, channels(s), size(s, true), size(s, false)});
    if (what == "add") {
      const torch::Tensor y = torch::randn_like(x);
      return timeInference([&] { (void)(x + y); }, options);
    }
    if (what == "zeros") return timeInference([&] { (void)torch::zeros_like(x); }, options);
    Nb201Op op;
    try {
      op = nb201OpFromName(what);
    } catch (const Error&) {
      unknown(key);
    }
    if (op == Nb201Op::None) unknown(key);
    torch::nn::AnyModule m = makeNb201Op(op, channels(s));
    m.ptr()->eval();
    return timeInference([&] { m.forward(x); }, options);
  }

  std::vector<LatencyTerm> entriesOf(const std::string& arch) const override {
    const Nb201Cell cell = Nb201Cell::parse(arch);
    // Per cell: edge ops, then per node the adds (n inputs -> n-1) or a zero tensor.
    std::map<std::string, double> perCell;
    int inputs[kNb201NumNodes] = {};
    for (int e = 0; e < kNb201NumEdges; ++e) {
      if (cell.op(e) == Nb201Op::None) continue;
      perCell[nb201OpName(cell.op(e))] += 1;
      ++inputs[nb201Edges()[static_cast<size_t>(e)].to];
    }
    for (int j = 1; j < kNb201NumNodes; ++j) {
      if (inputs[j] == 0) perCell["zeros"] += 1;
      else if (inputs[j] > 1) perCell["add"] += inputs[j] - 1;
    }
    std::vector<LatencyTerm> terms{{"fixed", 1}};
    for (int s = 0; s < 3; ++s)
      for (const auto& [what, n] : perCell) terms.push_back({stageKey(s, what), n * macro_.cellsPerStage});
    return terms;
  }

  TimingStats measureNetwork(const std::string& arch, const LatencyOptions& options) const override {
    return prepareNetwork(arch, options)(options.timing);
  }

  NetworkTimer prepareNetwork(const std::string& arch, const LatencyOptions& options) const override {
    options.validate();
    const Nb201Cell cell = Nb201Cell::parse(arch);
    torch::manual_seed(0);
    Nb201Network net(cell, macro_);
    net->eval();
    const torch::Tensor x = input(options.batch);
    return [net, x, options](const TimingOptions& timing) mutable {
      LatencyOptions o = options;
      o.timing = timing;
      return timeInference([&] { net->forward(x); }, o);
    };
  }

  std::string randomArchitecture(std::mt19937_64& rng) const override {
    std::uniform_int_distribution<int> pick(0, kNb201NumCells - 1);
    return Nb201Cell::fromIndex(pick(rng)).toString();
  }

  std::string runtimeVersion() const override { return torchVersionString(); }

 private:
  static std::string stageKey(int s, const std::string& what) { return "s" + std::to_string(s) + "/" + what; }
  [[noreturn]] void unknown(const std::string& key) const {
    throw Error(ErrorCode::NotFound, "unknown entry key (expected fixed or s0..s2/<op|add|zeros>)",
                "space '" + name_ + "', key '" + key + "'");
  }
  std::int64_t channels(int s) const { return static_cast<std::int64_t>(macro_.channels) << s; }
  std::int64_t size(int s, bool height) const {
    std::int64_t v = height ? macro_.inputHeight : macro_.inputWidth;
    for (int i = 0; i < s; ++i) v = (v - 1) / 2 + 1;  // stride-2 3x3 conv with padding 1
    return v;
  }
  std::string shape(int s) const {
    if (s < 0)
      return std::to_string(macro_.inputChannels) + "x" + std::to_string(macro_.inputHeight) + "x" +
             std::to_string(macro_.inputWidth);
    return std::to_string(channels(s)) + "x" + std::to_string(size(s, true)) + "x" + std::to_string(size(s, false));
  }
  torch::Tensor input(int batch) const {
    return torch::randn({batch, macro_.inputChannels, macro_.inputHeight, macro_.inputWidth});
  }

  Nb201MacroConfig macro_;
  std::string name_;
};

}  // namespace

std::unique_ptr<LatencySpace> makeNb201LatencySpace(const Nb201MacroConfig& macro, std::string name) {
  return std::make_unique<Nb201LatencySpace>(macro, std::move(name));
}

void registerBuiltinLatencySpaces(LatencySpaceRegistry& registry) { registry.add(makeNb201LatencySpace()); }

}  // namespace nas
