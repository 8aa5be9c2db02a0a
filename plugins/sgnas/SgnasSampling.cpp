// SGNAS architecture sampling: fair supernet paths and cost-spread random architectures.
#include "SgnasSampling.h"

#include <algorithm>
#include <cmath>

#include "common/Error.h"

namespace nas::sgnas {

FairPathSampler::FairPathSampler(const SgnasSpace& space, std::uint64_t seed, int minExpansion, bool group0Always)
    : space_(space), minE_(std::clamp(minExpansion, 1, space.groups)), group0Always_(group0Always), rng_(seed) {
  for (int l = 0; l < space.numLayers(); ++l) {
    LayerCycle c;
    for (int e = minE_; e <= space.groups; ++e) c.expansions.push_back(e);
    shuffle(c.expansions);
    for (int g = 0; g < space.groups; ++g) {
      std::vector<int> ks = {0, 1, 2};
      shuffle(ks);
      c.kernelOrder.push_back({ks[0], ks[1], ks[2]});
      c.kernelIndex.push_back(0);
    }
    layers_.push_back(std::move(c));
  }
}

void FairPathSampler::shuffle(std::vector<int>& v) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng_.below(i)]);
}

SgnasArch FairPathSampler::next() {
  SgnasArch arch;
  const int G = space_.groups;
  for (auto& c : layers_) {
    const int e = c.expansions[c.index];
    if (++c.index == c.expansions.size()) c.index = 0, shuffle(c.expansions);
    // Group 0 always active (the space's rule) and e-1 others drawn without replacement, or
    // (official code) e of all G groups.
    std::vector<int> others;
    for (int g = group0Always_ ? 1 : 0; g < G; ++g) others.push_back(g);
    shuffle(others);
    std::vector<Choice> groups(static_cast<size_t>(G), Choice::Skip);
    for (int i = 0; i < e; ++i) {
      const int g = group0Always_ ? (i == 0 ? 0 : others[static_cast<size_t>(i - 1)]) : others[static_cast<size_t>(i)];
      auto& idx = c.kernelIndex[static_cast<size_t>(g)];
      auto& order = c.kernelOrder[static_cast<size_t>(g)];
      groups[static_cast<size_t>(g)] = static_cast<Choice>(order[static_cast<size_t>(idx)]);
      if (++idx == kNumKernels) {
        idx = 0;
        std::vector<int> ks = {0, 1, 2};
        shuffle(ks);
        order = {ks[0], ks[1], ks[2]};
      }
    }
    arch.choices.push_back(std::move(groups));
  }
  return arch;
}

Json FairPathSampler::state() const {
  Json layers = Json::array();
  for (const auto& c : layers_)
    layers.push_back({{"expansions", c.expansions}, {"index", c.index}, {"kernel_order", c.kernelOrder},
                      {"kernel_index", c.kernelIndex}});
  return {{"rng", rng_.state()}, {"min_e", minE_}, {"layers", layers}};
}

void FairPathSampler::setState(const Json& s) {
  try {
    std::vector<LayerCycle> layers;
    for (const auto& j : s.at("layers")) {
      LayerCycle c;
      c.expansions = j.at("expansions").get<std::vector<int>>();
      c.index = j.at("index").get<size_t>();
      c.kernelOrder = j.at("kernel_order").get<std::vector<std::array<int, kNumKernels>>>();
      c.kernelIndex = j.at("kernel_index").get<std::vector<int>>();
      if (c.index >= c.expansions.size() || static_cast<int>(c.kernelOrder.size()) != space_.groups ||
          static_cast<int>(c.kernelIndex.size()) != space_.groups)
        throw Error(ErrorCode::CorruptData, "sampler state does not fit the space", "sgnas checkpoint");
      layers.push_back(std::move(c));
    }
    if (static_cast<int>(layers.size()) != space_.numLayers() || s.at("min_e").get<int>() != minE_)
      throw Error(ErrorCode::CorruptData, "sampler state does not fit the space", "sgnas checkpoint");
    layers_ = std::move(layers);
    rng_.setState(s.at("rng").get<std::uint64_t>());
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CorruptData, std::string("malformed sampler state: ") + e.what(), "sgnas checkpoint");
  }
}

SgnasArch randomArch(const SgnasSpace& space, Rng& rng) {
  SgnasArch arch;
  for (int l = 0; l < space.numLayers(); ++l) {
    const int e = 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(space.groups)));
    std::vector<int> others;
    for (int g = 1; g < space.groups; ++g) others.push_back(g);
    for (size_t i = others.size(); i > 1; --i) std::swap(others[i - 1], others[rng.below(i)]);
    std::vector<Choice> g(static_cast<size_t>(space.groups), Choice::Skip);
    for (int i = 0; i < e; ++i)
      g[static_cast<size_t>(i == 0 ? 0 : others[static_cast<size_t>(i - 1)])] = static_cast<Choice>(rng.below(kNumKernels));
    arch.choices.push_back(std::move(g));
  }
  return arch;
}

SgnasArch randomArchAtLevel(const SgnasSpace& space, double level, Rng& rng) {
  level = std::clamp(level, 0.0, 1.0);
  SgnasArch arch;
  for (int l = 0; l < space.numLayers(); ++l) {
    std::vector<Choice> g(static_cast<size_t>(space.groups), Choice::Skip);
    for (int i = 0; i < space.groups; ++i) {
      if (i > 0 && rng.uniform() >= level) continue;  // each extra group active with p = level
      int k = 0;  // kernel index ~ Binomial(2, level): 3 at low levels, 7 at high ones
      for (int t = 0; t < kNumKernels - 1; ++t) k += rng.uniform() < level;
      g[static_cast<size_t>(i)] = static_cast<Choice>(k);
    }
    arch.choices.push_back(std::move(g));
  }
  return arch;
}

SgnasArch randomArchNear(const SgnasSpace& space, double target, double tolerance,
                         const std::function<double(const SgnasArch&)>& cost, Rng& rng, int tries) {
  SgnasArch best = randomArchAtLevel(space, 0.5, rng);
  double bestErr = std::abs(cost(best) - target), bestLevel = 0.5;
  for (int t = 0; t < tries && bestErr > tolerance; ++t) {
    // Half the draws explore all levels, half stay near the best level found so far.
    const double level = (t % 2 == 0) ? rng.uniform() : std::clamp(bestLevel + 0.1 * rng.normal(), 0.0, 1.0);
    SgnasArch a = randomArchAtLevel(space, level, rng);
    const double err = std::abs(cost(a) - target);
    if (err < bestErr) best = std::move(a), bestErr = err, bestLevel = level;
  }
  return best;
}

std::vector<float> archOneHot(const SgnasArch& arch) {
  std::vector<float> v;
  for (const auto& layer : arch.choices)
    for (Choice c : layer)
      for (int k = 0; k < kNumChoices; ++k) v.push_back(static_cast<int>(c) == k ? 1.f : 0.f);
  return v;
}

}  // namespace nas::sgnas
