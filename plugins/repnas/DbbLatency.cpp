// The "dbb" latency space: entries, how each is measured, an architecture's terms, and the
// whole network.
#include "DbbLatency.h"

#include <torch/torch.h>

#include <map>

#include "DbbNetwork.h"
#include "common/Error.h"
#include "eval/TorchTiming.h"

namespace nas::repnas {
namespace {

constexpr const char* kAdd = "add";
constexpr const char* kRelu = "relu";
constexpr const char* kDeployed = "deployed";

std::string entryKey(const DbbLayerSpec& s, const std::string& part) { return s.shapeKey() + "/" + part; }

// Times a module's forward on a fixed random input.
template <typename M>
TimingStats timeModule(M& m, const torch::Tensor& x, const LatencyOptions& o) {
  m->eval();
  return timeInference([&] { m->forward(x); }, o);
}

class DbbLatencySpace final : public LatencySpace {
 public:
  DbbLatencySpace(const DbbFamily& family, std::string name) : family_(family), name_(std::move(name)) {
    family_.validate();
    for (const auto& l : family_.layers) shapes_.emplace(l.shapeKey(), l);  // first of each shape
  }

  std::string name() const override { return name_; }
  std::string description() const override {
    return "Diverse Branch Block network " + std::to_string(family_.inputChannels) + "x" +
           std::to_string(family_.inputSize) + "x" + std::to_string(family_.inputSize) + ", " +
           std::to_string(family_.numLayers()) +
           " DBB layers: per layer shape each branch (kxk, 1x1, 1x1-kxk, 1x1-avg), the branch sum, the "
           "activation and the re-parameterised conv; stem (training and deployed) and head";
  }

  std::vector<LatencyEntrySpec> entries() const override {
    std::vector<LatencyEntrySpec> out;
    const std::string in = std::to_string(family_.inputChannels) + "x" + std::to_string(family_.inputSize) + "x" +
                           std::to_string(family_.inputSize);
    out.push_back({"stem", in + " -> conv+BN+ReLU"});
    out.push_back({"stem/deployed", in + " -> conv(bias)+ReLU"});
    std::map<std::string, bool> seen;
    for (const auto& l : family_.layers) {
      if (seen[l.shapeKey()]) continue;
      seen[l.shapeKey()] = true;
      for (Branch b : kBranches) out.push_back({entryKey(l, branchName(b)), l.shapeText()});
      out.push_back({entryKey(l, kAdd), l.shapeText() + ", output + output"});
      out.push_back({entryKey(l, kRelu), l.shapeText() + ", ReLU of the output"});
      out.push_back({entryKey(l, kDeployed), l.shapeText() + ", conv(bias)+ReLU"});
    }
    out.push_back({"head", std::to_string(family_.lastChannels()) + "x" + std::to_string(family_.lastSize()) + "x" +
                               std::to_string(family_.lastSize()) + " -> GAP, linear " +
                               std::to_string(family_.classes)});
    return out;
  }

  TimingStats measure(const std::string& key, const LatencyOptions& o) const override {
    o.validate();
    torch::manual_seed(0);
    const int B = o.batch;
    if (key == "stem" || key == "stem/deployed") {
      DbbStem m(family_);
      if (key == "stem/deployed") m->deploy();
      return timeModule(m, torch::randn({B, family_.inputChannels, family_.inputSize, family_.inputSize}), o);
    }
    if (key == "head") {
      DbbHead m(family_);
      return timeModule(m, torch::randn({B, family_.lastChannels(), family_.lastSize(), family_.lastSize()}), o);
    }
    const auto slash = key.find('/');
    if (slash == std::string::npos) unknown(key);
    const auto it = shapes_.find(key.substr(0, slash));
    if (it == shapes_.end()) unknown(key);
    const DbbLayerSpec& s = it->second;
    const std::string part = key.substr(slash + 1);
    const torch::Tensor x = torch::randn({B, s.inChannels, s.inSize, s.inSize});
    if (part == kAdd || part == kRelu) {
      const torch::Tensor y = torch::randn({B, s.outChannels, s.outSize(), s.outSize()});
      const torch::Tensor z = torch::randn_like(y);
      if (part == kAdd) return timeInference([&] { (void)(y + z); }, o);
      return timeInference([&] { (void)torch::relu(y); }, o);
    }
    if (part == kDeployed) {
      DbbLayer m(s, kAllBranches);
      m->deploy();
      return timeModule(m, x, o);
    }
    for (Branch b : kBranches) {
      if (part != branchName(b)) continue;
      DbbBlock m(s.inChannels, s.outChannels, s.kernel, s.stride, maskOf(b));
      return timeModule(m, x, o);
    }
    unknown(key);
  }

  std::vector<LatencyTerm> entriesOf(const std::string& arch) const override {
    return dbbLatencyTerms(family_, parseDbbArch(family_, arch));
  }

  TimingStats measureNetwork(const std::string& arch, const LatencyOptions& o) const override {
    return prepareNetwork(arch, o)(o.timing);
  }

  NetworkTimer prepareNetwork(const std::string& arch, const LatencyOptions& o) const override {
    o.validate();
    torch::manual_seed(0);
    DbbNet net(family_, parseDbbArch(family_, arch));
    net->eval();
    const torch::Tensor x = torch::randn({o.batch, family_.inputChannels, family_.inputSize, family_.inputSize});
    return [net, x, o](const TimingOptions& timing) mutable {
      LatencyOptions lo = o;
      lo.timing = timing;
      return timeInference([&] { net->forward(x); }, lo);
    };
  }

  // Training form only: every deployed network runs the same convs whatever its mask, so
  // deployed strings would add ties, not information, to a validation of the table.
  std::string randomArchitecture(std::mt19937_64& rng) const override {
    return dbbArchToString(randomDbbArch(family_, rng));
  }

  std::string runtimeVersion() const override { return torchVersionString(); }

 private:
  [[noreturn]] void unknown(const std::string& key) const {
    std::string shapes;
    for (const auto& [k, _] : shapes_) shapes += (shapes.empty() ? "" : ", ") + k;
    throw Error(ErrorCode::NotFound,
                "unknown entry key (expected stem, stem/deployed, head or <shape>/<kxk|1x1|1x1-kxk|1x1-avg|add|relu|"
                "deployed> with <shape> one of " + shapes + ")",
                "space '" + name_ + "', key '" + key + "'");
  }

  DbbFamily family_;
  std::string name_;
  std::map<std::string, DbbLayerSpec> shapes_;
};

}  // namespace

std::unique_ptr<LatencySpace> makeDbbLatencySpace(const DbbFamily& family, std::string name) {
  return std::make_unique<DbbLatencySpace>(family, std::move(name));
}

std::vector<LatencyTerm> dbbLatencyTerms(const DbbFamily& family, const DbbArch& arch) {
  validateDbbArch(family, arch);
  std::map<std::string, double> counts;
  counts[arch.deployed ? "stem/deployed" : "stem"] += 1;
  counts["head"] += 1;
  for (int l = 0; l < family.numLayers(); ++l) {
    const DbbLayerSpec& s = family.layers[static_cast<size_t>(l)];
    const BranchMask m = arch.masks[static_cast<size_t>(l)];
    if (arch.deployed) {
      counts[entryKey(s, kDeployed)] += 1;
      continue;
    }
    for (Branch b : kBranches)
      if (hasBranch(m, b)) counts[entryKey(s, branchName(b))] += 1;
    if (branchCount(m) > 1) counts[entryKey(s, kAdd)] += branchCount(m) - 1;
    counts[entryKey(s, kRelu)] += 1;
  }
  std::vector<LatencyTerm> terms;
  for (const auto& [k, n] : counts) terms.push_back({k, n});
  return terms;
}

}  // namespace nas::repnas
