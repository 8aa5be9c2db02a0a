// The RepNAS macro network, its presets, the branch budget and the architecture string.
#include "RepnasSpace.h"

#include <cmath>

#include "common/Error.h"

namespace nas::repnas {
namespace {

const char* kCtx = "repnas space";

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

RepnasPreset repvgg(const std::string& name, std::vector<int> blocks, double a, double b, double aFirst = -1) {
  // RepVGG: widths int(64a), int(128a), int(256a), int(512b); stem min(64, int(64a)).
  RepnasPreset p;
  p.name = name;
  p.blocks = std::move(blocks);
  p.widths = {static_cast<int>(64 * a), static_cast<int>(128 * a), static_cast<int>(256 * a), static_cast<int>(512 * b)};
  p.stemChannels = std::min(64, static_cast<int>(64 * (aFirst > 0 ? aFirst : a)));
  p.stemStride = 2;
  p.description = "RepVGG-" + name.substr(0, 1) + name.substr(1) + " (the paper's depth and widths)";
  return p;
}

}  // namespace

std::vector<std::string> repnasPresetNames() { return {"mini", "a0", "a1", "a2", "b0", "b1"}; }

RepnasPreset repnasPreset(const std::string& name) {
  if (name == "mini") {
    RepnasPreset p;
    p.name = "mini";
    p.blocks = {1, 2, 2, 1};
    p.widths = {16, 32, 64, 128};
    p.stemChannels = 16;
    p.stemStride = 1;
    p.description = "CPU-scale RepVGG: stem + blocks [1, 2, 2, 1], widths 16/32/64/128, 7 layers";
    return p;
  }
  if (name == "a0") return repvgg(name, {2, 4, 14, 1}, 0.75, 2.5);
  if (name == "a1") return repvgg(name, {2, 4, 14, 1}, 1.0, 2.5);
  if (name == "a2") return repvgg(name, {2, 4, 14, 1}, 1.5, 2.75);
  if (name == "b0") return repvgg(name, {4, 6, 16, 1}, 1.0, 2.5);
  if (name == "b1") return repvgg(name, {4, 6, 16, 1}, 2.0, 4.0);
  throw Error(ErrorCode::InvalidArgument, "unknown preset '" + name + "' (known: " + joined(repnasPresetNames()) + ")",
              kCtx);
}

bool RepnasSpace::hasIdentity(int layer) const {
  const DbbLayerSpec& s = layers.at(static_cast<size_t>(layer));
  return s.stride == 1 && s.inChannels == s.outChannels;
}

BranchMask RepnasSpace::effectiveMask(int layer, BranchMask chosen) const {
  BranchMask m = chosen & kSearchableBits;
  if (hasIdentity(layer)) m |= maskOf(Branch::Identity);
  if (m == 0) m = maskOf(Branch::Kxk);
  return m;
}

BranchMask RepnasSpace::fullMask(int layer) const { return effectiveMask(layer, kSearchableBits); }

double RepnasSpace::deployedFlops() const {
  double f = 0;
  for (const auto& s : layers)
    f += static_cast<double>(s.outChannels) * (s.inChannels / s.groups) * s.kernel * s.kernel * s.outSize() * s.outSize();
  return f + static_cast<double>(lastChannels()) * classes;
}

double RepnasSpace::deployedParams() const {
  double p = 0;
  for (const auto& s : layers) p += static_cast<double>(s.outChannels) * ((s.inChannels / s.groups) * s.kernel * s.kernel + 1);
  return p + static_cast<double>(lastChannels() + 1) * classes;
}

Json RepnasSpace::toJson() const {
  Json ls = Json::array();
  for (const auto& s : layers) ls.push_back({s.inChannels, s.outChannels, s.kernel, s.stride, s.inSize, s.groups});
  return {{"preset", preset},   {"input_channels", inputChannels}, {"input_size", inputSize},
          {"classes", classes}, {"kernel", kernel},                {"layers", ls}};
}

RepnasSpace RepnasSpace::fromJson(const Json& j) {
  RepnasSpace s;
  try {
    s.preset = j.at("preset").get<std::string>();
    s.inputChannels = j.at("input_channels").get<int>();
    s.inputSize = j.at("input_size").get<int>();
    s.classes = j.at("classes").get<int>();
    s.kernel = j.at("kernel").get<int>();
    for (const auto& l : j.at("layers")) {
      DbbLayerSpec d;
      d.inChannels = l.at(0).get<int>();
      d.outChannels = l.at(1).get<int>();
      d.kernel = l.at(2).get<int>();
      d.stride = l.at(3).get<int>();
      d.inSize = l.at(4).get<int>();
      d.groups = l.at(5).get<int>();
      s.layers.push_back(d);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CorruptData, std::string("malformed space description: ") + e.what(), kCtx);
  }
  if (s.layers.empty()) throw Error(ErrorCode::CorruptData, "space description without layers", kCtx);
  return s;
}

RepnasSpace buildRepnasSpace(const RepnasPreset& p, int inputChannels, int inputSize, int classes, int groupWise) {
  const std::string where = "repnas preset '" + p.name + "'";
  if (p.blocks.size() != 4 || p.widths.size() != 4)
    throw Error(ErrorCode::InvalidArgument, "needs 4 stages of blocks and widths", where);
  if (inputChannels < 1 || inputSize < 1 || classes < 2)
    throw Error(ErrorCode::InvalidArgument, "input channels and size >= 1 and classes >= 2 needed", where);
  if (groupWise < 1) throw Error(ErrorCode::InvalidArgument, "group_wise must be >= 1", where);
  RepnasSpace s;
  s.preset = p.name;
  s.inputChannels = inputChannels;
  s.inputSize = inputSize;
  s.classes = classes;
  DbbLayerSpec stem;
  stem.inChannels = inputChannels;
  stem.outChannels = p.stemChannels;
  stem.kernel = s.kernel;
  stem.stride = p.stemStride;
  stem.inSize = inputSize;
  s.layers.push_back(stem);
  for (size_t st = 0; st < 4; ++st) {
    if (p.blocks[st] < 1 || p.widths[st] < 1)
      throw Error(ErrorCode::InvalidArgument, "stage " + std::to_string(st + 1) + " needs blocks and width >= 1", where);
    for (int b = 0; b < p.blocks[st]; ++b) {
      const DbbLayerSpec& prev = s.layers.back();
      DbbLayerSpec l;
      l.inChannels = prev.outChannels;
      l.outChannels = p.widths[st];
      l.kernel = s.kernel;
      l.stride = b == 0 ? 2 : 1;
      l.inSize = prev.outSize();
      const int index = static_cast<int>(s.layers.size());
      // RepVGG's optional group-wise layers: even indices from 2 (g2_map / g4_map).
      if (groupWise > 1 && index >= 2 && index % 2 == 0) {
        if (l.inChannels % groupWise != 0 || l.outChannels % groupWise != 0)
          throw Error(ErrorCode::InvalidArgument,
                      "group_wise " + std::to_string(groupWise) + " does not divide layer " + std::to_string(index) +
                          "'s channels",
                      where);
        l.groups = groupWise;
      }
      s.layers.push_back(l);
    }
  }
  return s;
}

int branchBudget(const RepnasSpace& space, double keptRatio) {
  if (!(keptRatio > 0 && keptRatio <= 1))
    throw Error(ErrorCode::InvalidArgument, "kept_ratio must be in (0, 1], got " + std::to_string(keptRatio), kCtx);
  const double total = static_cast<double>(space.numLayers()) * kNumSearchable;
  return std::max(1, static_cast<int>(std::floor(keptRatio * total + 1e-9)));
}

int branchTotal(const RepnasArch& arch) {
  int n = 0;
  for (BranchMask m : arch) n += branchCount(m & kSearchableBits);
  return n;
}

std::string repnasArchToString(const RepnasArch& arch) {
  std::string s;
  for (size_t l = 0; l < arch.size(); ++l) {
    const std::string m = maskToString(arch[l] & kSearchableBits);
    s += (l ? "|" : "") + (m.empty() ? std::string("-") : m);
  }
  return s;
}

RepnasArch parseRepnasArch(const RepnasSpace& space, const std::string& text) {
  const auto fail = [&](const std::string& why) {
    throw Error(ErrorCode::ParseError,
                why + " (expected " + std::to_string(space.numLayers()) +
                    " layers of the letters k,1,c,a,h,v, or '-' for none, joined by '|', e.g. \"kc|c|-|k1\")",
                "repnas architecture '" + text + "'");
  };
  RepnasArch arch;
  size_t start = 0;
  while (true) {
    const size_t bar = text.find('|', start);
    const std::string part = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    const std::string layer = "layer " + std::to_string(arch.size());
    if (part.empty()) fail(layer + " is empty (write '-' for no optional branch)");
    BranchMask m = 0;
    if (part != "-") {
      for (char ch : part) {
        bool known = false;
        for (Branch b : kSearchable) {
          if (ch != branchLetter(b)) continue;
          if (hasBranch(m, b)) fail(layer + " repeats branch '" + std::string(1, ch) + "'");
          m |= maskOf(b);
          known = true;
        }
        if (!known) fail(layer + " has unknown branch letter '" + std::string(1, ch) + "'");
      }
    }
    arch.push_back(m);
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  if (static_cast<int>(arch.size()) != space.numLayers())
    fail(std::to_string(arch.size()) + " layers where the space has " + std::to_string(space.numLayers()));
  return arch;
}

RepnasArch repvggArch(const RepnasSpace& space) {
  return RepnasArch(static_cast<size_t>(space.numLayers()), maskOf(Branch::Kxk) | maskOf(Branch::Conv1x1));
}

RepnasArch fullArch(const RepnasSpace& space) {
  return RepnasArch(static_cast<size_t>(space.numLayers()), kSearchableBits);
}

Json branchesJson(const RepnasSpace& space, const RepnasArch& arch) {
  Json out = Json::array();
  for (int l = 0; l < space.numLayers(); ++l) {
    Json names = Json::array();
    const BranchMask m = space.effectiveMask(l, arch.at(static_cast<size_t>(l)));
    for (Branch b : kAllBranchList)
      if (hasBranch(m, b)) names.push_back(branchName(b));
    out.push_back(names);
  }
  return out;
}

}  // namespace nas::repnas
