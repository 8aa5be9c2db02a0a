// DBB space without torch: the family, the architecture string, the sampler.
#include "DbbArch.h"

#include "common/Error.h"

namespace nas::repnas {

int branchCount(BranchMask m) {
  int n = 0;
  for (Branch b : kAllBranchList) n += hasBranch(m, b);
  return n;
}

char branchLetter(Branch b) {
  switch (b) {
    case Branch::Kxk: return 'k';
    case Branch::Conv1x1: return '1';
    case Branch::Conv1x1Kxk: return 'c';
    case Branch::Conv1x1Avg: return 'a';
    case Branch::Identity: return 'i';
    case Branch::Conv1xK: return 'h';
    case Branch::ConvKx1: return 'v';
  }
  return '?';
}

const char* branchName(Branch b) {
  switch (b) {
    case Branch::Kxk: return "kxk";
    case Branch::Conv1x1: return "1x1";
    case Branch::Conv1x1Kxk: return "1x1-kxk";
    case Branch::Conv1x1Avg: return "1x1-avg";
    case Branch::Identity: return "identity";
    case Branch::Conv1xK: return "1xk";
    case Branch::ConvKx1: return "kx1";
  }
  return "?";
}

std::string maskToString(BranchMask m) {
  std::string s;
  for (Branch b : kAllBranchList)
    if (hasBranch(m, b)) s += branchLetter(b);
  return s;
}

std::string DbbLayerSpec::shapeKey() const {
  return std::to_string(inChannels) + "x" + std::to_string(inSize) + "-" + std::to_string(outChannels) + "-s" +
         std::to_string(stride) + "-k" + std::to_string(kernel) + (groups > 1 ? "-g" + std::to_string(groups) : "");
}

std::string DbbLayerSpec::shapeText() const {
  const auto chw = [](int c, int s) { return std::to_string(c) + "x" + std::to_string(s) + "x" + std::to_string(s); };
  return chw(inChannels, inSize) + " -> " + chw(outChannels, outSize()) + " (k" + std::to_string(kernel) + " s" +
         std::to_string(stride) + (groups > 1 ? " g" + std::to_string(groups) : "") + ")";
}

void DbbFamily::validate() const {
  if (layers.empty()) throw Error(ErrorCode::InvalidArgument, "a DBB family needs at least one layer", "dbb family");
  int c = stemChannels, s = inputSize;
  for (size_t l = 0; l < layers.size(); ++l) {
    const DbbLayerSpec& L = layers[l];
    const std::string where = "dbb family, layer " + std::to_string(l);
    if (L.inChannels != c || L.inSize != s)
      throw Error(ErrorCode::InvalidArgument,
                  "input " + std::to_string(L.inChannels) + "x" + std::to_string(L.inSize) +
                      " does not match the previous output " + std::to_string(c) + "x" + std::to_string(s),
                  where);
    if (L.kernel < 3 || L.kernel % 2 == 0 || L.stride < 1 || L.outChannels < 1)
      throw Error(ErrorCode::InvalidArgument, "kernel must be odd and >= 3, stride and channels >= 1", where);
    if (L.groups < 1 || L.inChannels % L.groups != 0 || L.outChannels % L.groups != 0)
      throw Error(ErrorCode::InvalidArgument,
                  "groups " + std::to_string(L.groups) + " must divide both channel counts", where);
    c = L.outChannels;
    s = L.outSize();
  }
}

const DbbFamily& fashionMnistFamily() {
  static const DbbFamily family = [] {
    DbbFamily f;
    // {C_in, C_out, K, stride, S_in}
    f.layers = {{16, 16, 3, 1, 28}, {16, 32, 3, 2, 28}, {32, 32, 3, 1, 14},
                {32, 64, 3, 2, 14}, {64, 64, 3, 1, 7},  {64, 64, 3, 1, 7}};
    f.validate();
    return f;
  }();
  return family;
}

DbbArch parseDbbArch(const DbbFamily& family, const std::string& text) {
  const auto fail = [&](const std::string& why) {
    throw Error(ErrorCode::ParseError,
                why + " (expected " + std::to_string(family.numLayers()) +
                    " masks of the letters k,1,c,a joined by '|', optionally after \"deploy:\", e.g. \"k1|c|ka|k1ca|1|kc\")",
                "dbb architecture '" + text + "'");
  };
  DbbArch arch;
  std::string body = text;
  static const std::string kDeploy = "deploy:";
  if (body.compare(0, kDeploy.size(), kDeploy) == 0) {
    arch.deployed = true;
    body = body.substr(kDeploy.size());
  }
  size_t start = 0;
  while (true) {
    const size_t bar = body.find('|', start);
    const std::string part = body.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    const std::string layer = "layer " + std::to_string(arch.masks.size());
    if (part.empty()) fail(layer + " has no branch");
    BranchMask m = 0;
    for (char ch : part) {
      bool known = false;
      for (Branch b : kBranches) {
        if (ch != branchLetter(b)) continue;
        if (hasBranch(m, b)) fail(layer + " repeats branch '" + std::string(1, ch) + "'");
        m |= maskOf(b);
        known = true;
      }
      if (!known) fail(layer + " has unknown branch letter '" + std::string(1, ch) + "'");
    }
    arch.masks.push_back(m);
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  if (arch.masks.size() != family.layers.size())
    fail(std::to_string(arch.masks.size()) + " layer masks where the family has " + std::to_string(family.numLayers()));
  return arch;
}

std::string dbbArchToString(const DbbArch& arch) {
  std::string s = arch.deployed ? "deploy:" : "";
  for (size_t l = 0; l < arch.masks.size(); ++l) s += (l ? "|" : "") + maskToString(arch.masks[l]);
  return s;
}

void validateDbbArch(const DbbFamily& family, const DbbArch& arch) {
  if (arch.masks.size() != family.layers.size())
    throw Error(ErrorCode::InvalidArgument,
                std::to_string(arch.masks.size()) + " layer masks for " + std::to_string(family.numLayers()) + " layers",
                "dbb architecture '" + dbbArchToString(arch) + "'");
  for (size_t l = 0; l < arch.masks.size(); ++l)
    if (arch.masks[l] == 0 || (arch.masks[l] & ~kAllBranches) != 0)
      throw Error(ErrorCode::InvalidArgument, "layer " + std::to_string(l) + " has no branch or an unknown bit",
                  "dbb architecture '" + dbbArchToString(arch) + "'");
}

DbbArch randomDbbArch(const DbbFamily& family, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> anyBranch(0, kNumBranches - 1);
  const double level = unit(rng);
  DbbArch arch;
  for (int l = 0; l < family.numLayers(); ++l) {
    BranchMask m = 0;
    for (Branch b : kBranches)
      if (unit(rng) < level) m |= maskOf(b);
    if (m == 0) m = maskOf(kBranches[anyBranch(rng)]);
    arch.masks.push_back(m);
  }
  return arch;
}

}  // namespace nas::repnas
