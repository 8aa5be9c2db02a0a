// The SGNAS space: presets, geometry, architecture strings and JSON, the graph form.
#include "SgnasSpace.h"

#include <algorithm>
#include <sstream>

#include "common/Error.h"

namespace nas::sgnas {
namespace {

int convOut(int size, int kernel, int stride) {  // "same" padding k/2
  return (size + 2 * (kernel / 2) - kernel) / stride + 1;
}

std::string joinNames(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& n : v) s += (s.empty() ? "" : ", ") + n;
  return s;
}

Choice choiceFromChar(char c, bool& ok) {
  ok = true;
  switch (c) {
    case '3': return Choice::K3;
    case '5': return Choice::K5;
    case '7': return Choice::K7;
    case 'x': return Choice::Skip;
    default: ok = false; return Choice::Skip;
  }
}

const char* choiceName(Choice c) {
  switch (c) {
    case Choice::K3: return "k3";
    case Choice::K5: return "k5";
    case Choice::K7: return "k7";
    case Choice::Skip: return "skip";
  }
  return "?";
}

// The paper's 19-layer ImageNet table (C_out, stride); CIFAR differs in layer 0's stride.
std::vector<LayerSpec> paperLayers(int firstStride) {
  std::vector<LayerSpec> l;
  auto add = [&](int c, int s, int n) {
    for (int i = 0; i < n; ++i) l.push_back({c, i == 0 ? s : 1});
  };
  add(32, firstStride, 2);
  add(40, 2, 4);
  add(80, 2, 4);
  add(96, 1, 4);
  add(192, 2, 4);
  add(320, 1, 1);
  return l;
}

}  // namespace

char choiceChar(Choice c) { return "357x"[static_cast<int>(c)]; }

int SgnasSpace::stemOutSize() const { return convOut(inputSize, 3, stemStride); }
int SgnasSpace::layerInChannels(int l) const {
  if (l > 0) return layers.at(static_cast<size_t>(l - 1)).channels;
  return firstBlockChannels > 0 ? firstBlockChannels : stemChannels;
}
int SgnasSpace::layerInSize(int l) const {
  int s = stemOutSize();
  for (int i = 0; i < l; ++i) s = convOut(s, 3, layers.at(static_cast<size_t>(i)).stride);
  return s;
}
int SgnasSpace::layerOutSize(int l) const { return convOut(layerInSize(l), 3, layers.at(static_cast<size_t>(l)).stride); }
bool SgnasSpace::hasResidual(int l) const {
  return layers.at(static_cast<size_t>(l)).stride == 1 && layerInChannels(l) == layers[static_cast<size_t>(l)].channels;
}

void SgnasSpace::validate() const {
  auto bad = [&](const std::string& what) { throw Error(ErrorCode::InvalidArgument, what, "sgnas space '" + preset + "'"); };
  if (preset.empty() || preset.find_first_of(":|") != std::string::npos) bad("preset name must be non-empty without ':' or '|'");
  if (inputChannels < 1 || inputSize < 1 || stemChannels < 1 || headChannels < 1 || classes < 2)
    bad("input, stem, head and class counts must be positive (classes >= 2)");
  if (stemStride != 1 && stemStride != 2) bad("stem stride must be 1 or 2");
  if (groups < 1 || groups > 16) bad("groups must be in 1..16");
  if (layers.empty()) bad("needs at least one searchable layer");
  for (const auto& l : layers)
    if (l.channels < 1 || (l.stride != 1 && l.stride != 2)) bad("layer channels must be positive and strides 1 or 2");
}

Json SgnasSpace::toJson() const {
  Json ls = Json::array();
  for (const auto& l : layers) ls.push_back({l.channels, l.stride});
  return {{"preset", preset},         {"input_channels", inputChannels}, {"input_size", inputSize},
          {"stem_channels", stemChannels}, {"stem_stride", stemStride}, {"first_block_channels", firstBlockChannels},
          {"groups", groups},         {"layers", ls},                    {"head_channels", headChannels},
          {"classes", classes}};
}

SgnasSpace SgnasSpace::fromJson(const Json& j) {
  if (!j.is_object()) throw Error(ErrorCode::ParseError, "expected an object", "sgnas space");
  auto need = [&](const char* key) -> const Json& {
    if (!j.contains(key)) throw Error(ErrorCode::ParseError, std::string("missing field '") + key + "'", "sgnas space");
    return j.at(key);
  };
  SgnasSpace s;
  try {
    s.preset = need("preset").get<std::string>();
    s.inputChannels = need("input_channels").get<int>();
    s.inputSize = need("input_size").get<int>();
    s.stemChannels = need("stem_channels").get<int>();
    s.stemStride = need("stem_stride").get<int>();
    s.firstBlockChannels = need("first_block_channels").get<int>();
    s.groups = need("groups").get<int>();
    s.headChannels = need("head_channels").get<int>();
    s.classes = need("classes").get<int>();
    for (const auto& l : need("layers")) s.layers.push_back({l.at(0).get<int>(), l.at(1).get<int>()});
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::ParseError, std::string("malformed field: ") + e.what(), "sgnas space");
  }
  s.validate();
  return s;
}

std::vector<std::string> spacePresetNames() { return {"fashion-mnist", "tiny", "cifar", "imagenet"}; }

SgnasSpace spacePreset(const std::string& name, int classes) {
  SgnasSpace s;
  s.preset = name;
  s.classes = classes;
  if (name == "tiny") {
    s.inputChannels = 1, s.inputSize = 16, s.stemChannels = 8, s.groups = 3, s.headChannels = 32;
    s.layers = {{8, 1}, {16, 2}, {16, 1}};
  } else if (name == "fashion-mnist") {
    // Stem stride 2 (28 -> 14): depthwise convolutions dominate a CPU step, and at full
    // resolution a 2-core machine sees under one epoch of Fashion-MNIST in the time budget.
    s.inputChannels = 1, s.inputSize = 28, s.stemChannels = 16, s.stemStride = 2, s.groups = 6, s.headChannels = 256;
    s.layers = {{16, 1}, {24, 2}, {24, 1}, {40, 2}, {40, 1}, {80, 1}};
  } else if (name == "cifar" || name == "imagenet") {
    const bool in = name == "imagenet";
    s.inputChannels = 3, s.inputSize = in ? 224 : 32, s.stemChannels = 32, s.stemStride = in ? 2 : 1;
    s.firstBlockChannels = 16, s.groups = 6, s.headChannels = 1280;
    s.layers = paperLayers(in ? 2 : 1);
  } else {
    throw Error(ErrorCode::InvalidArgument, "unknown SGNAS space preset (known: " + joinNames(spacePresetNames()) + ")",
                "preset '" + name + "'");
  }
  s.validate();
  return s;
}

int SgnasArch::expansion(int layer) const {
  const auto& g = choices.at(static_cast<size_t>(layer));
  return static_cast<int>(std::count_if(g.begin(), g.end(), [](Choice c) { return c != Choice::Skip; }));
}

std::vector<int> SgnasArch::kernels(int layer) const {
  std::vector<int> ks;
  for (Choice c : choices.at(static_cast<size_t>(layer)))
    if (c != Choice::Skip) ks.push_back(kKernelSizes[static_cast<int>(c)]);
  return ks;
}

void validateArch(const SgnasSpace& space, const SgnasArch& arch) {
  if (static_cast<int>(arch.choices.size()) != space.numLayers())
    throw Error(ErrorCode::InvalidArgument,
                "has " + std::to_string(arch.choices.size()) + " layers, the space " + std::to_string(space.numLayers()),
                "sgnas architecture");
  for (int l = 0; l < space.numLayers(); ++l) {
    const auto& g = arch.choices[static_cast<size_t>(l)];
    if (static_cast<int>(g.size()) != space.groups)
      throw Error(ErrorCode::InvalidArgument,
                  "layer " + std::to_string(l) + " has " + std::to_string(g.size()) + " groups, the space " +
                      std::to_string(space.groups),
                  "sgnas architecture");
    if (g[0] == Choice::Skip)
      throw Error(ErrorCode::InvalidArgument, "layer " + std::to_string(l) + ": group 0 cannot skip (expansion >= 1)",
                  "sgnas architecture");
  }
}

SgnasArch minimalArch(const SgnasSpace& space) {
  SgnasArch a;
  for (int l = 0; l < space.numLayers(); ++l) {
    std::vector<Choice> g(static_cast<size_t>(space.groups), Choice::Skip);
    g[0] = Choice::K3;
    a.choices.push_back(g);
  }
  return a;
}

SgnasArch maximalArch(const SgnasSpace& space) {
  SgnasArch a;
  for (int l = 0; l < space.numLayers(); ++l) a.choices.emplace_back(static_cast<size_t>(space.groups), Choice::K7);
  return a;
}

std::string archToString(const SgnasSpace& space, const SgnasArch& arch) {
  validateArch(space, arch);
  std::string s = space.preset + ":";
  for (size_t l = 0; l < arch.choices.size(); ++l) {
    if (l) s += '|';
    for (Choice c : arch.choices[l]) s += choiceChar(c);
  }
  return s;
}

SgnasArch parseArch(const SgnasSpace& space, std::string_view text) {
  const std::string ctx = "sgnas architecture '" + std::string(text) + "'";
  auto fail = [&](const std::string& what) { throw Error(ErrorCode::ParseError, what, ctx); };
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) fail("expected '<preset>:<layers>' (no ':' found)");
  if (text.substr(0, colon) != space.preset)
    fail("is for preset '" + std::string(text.substr(0, colon)) + "', this space is '" + space.preset + "'");
  SgnasArch arch;
  std::vector<Choice> layer;
  const size_t start = colon + 1;
  for (size_t i = start; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '|') {
      const int l = static_cast<int>(arch.choices.size());
      if (static_cast<int>(layer.size()) != space.groups)
        fail("layer " + std::to_string(l) + " has " + std::to_string(layer.size()) + " groups, expected " +
             std::to_string(space.groups) + " (one of 3, 5, 7, x per group)");
      if (layer[0] == Choice::Skip) fail("layer " + std::to_string(l) + ": group 0 cannot be 'x' (skip)");
      arch.choices.push_back(layer);
      layer.clear();
      continue;
    }
    bool ok;
    Choice c = choiceFromChar(text[i], ok);
    if (!ok)
      fail(std::string("unexpected character '") + text[i] + "' at column " + std::to_string(i + 1) +
           " (groups are 3, 5, 7 or x; layers are separated by '|')");
    layer.push_back(c);
  }
  if (arch.choices.size() != static_cast<size_t>(space.numLayers()))
    fail("has " + std::to_string(arch.choices.size()) + " layers, expected " + std::to_string(space.numLayers()));
  return arch;
}

Json archToJson(const SgnasSpace& space, const SgnasArch& arch) {
  validateArch(space, arch);
  Json layers = Json::array();
  for (int l = 0; l < space.numLayers(); ++l) {
    Json ch = Json::array();
    for (Choice c : arch.choices[static_cast<size_t>(l)]) ch.push_back(choiceName(c));
    layers.push_back({{"choices", ch}, {"expansion", arch.expansion(l)}, {"kernels", arch.kernels(l)}});
  }
  return {{"preset", space.preset}, {"layers", layers}};
}

SgnasArch archFromJson(const SgnasSpace& space, const Json& j) {
  const char* ctx = "sgnas architecture JSON";
  if (!j.is_object() || !j.contains("layers") || !j.at("layers").is_array())
    throw Error(ErrorCode::ParseError, "expected an object with a 'layers' array", ctx);
  if (j.contains("preset") && j.at("preset") != space.preset)
    throw Error(ErrorCode::ParseError, "is for preset " + j.at("preset").dump() + ", this space is '" + space.preset + "'",
                ctx);
  SgnasArch arch;
  int l = 0;
  for (const auto& layer : j.at("layers")) {
    const Json& ch = layer.is_object() && layer.contains("choices") ? layer.at("choices") : layer;
    if (!ch.is_array())
      throw Error(ErrorCode::ParseError, "layer " + std::to_string(l) + ": expected a 'choices' array", ctx);
    std::vector<Choice> g;
    for (const auto& c : ch) {
      const std::string s = c.is_string() ? c.get<std::string>() : c.dump();
      if (s == "k3") g.push_back(Choice::K3);
      else if (s == "k5") g.push_back(Choice::K5);
      else if (s == "k7") g.push_back(Choice::K7);
      else if (s == "skip") g.push_back(Choice::Skip);
      else
        throw Error(ErrorCode::ParseError,
                    "layer " + std::to_string(l) + ": unknown choice '" + s + "' (k3, k5, k7 or skip)", ctx);
    }
    arch.choices.push_back(g);
    ++l;
  }
  try {
    validateArch(space, arch);
  } catch (const Error& e) {
    throw Error(ErrorCode::ParseError, e.message(), ctx);
  }
  return arch;
}

GraphForm archGraph(const SgnasSpace& space, const SgnasArch& arch) {
  validateArch(space, arch);
  GraphForm g;
  g.space = "sgnas";
  int id = 0;
  auto node = [&](const std::string& label, const std::string& role) {
    g.nodes.push_back({id, label, role});
    return id++;
  };
  auto edge = [&](int from, int to, const std::string& op, const std::string& label) {
    g.edges.push_back({from, to, op, label, true});
  };
  int prev = node("in", "input");
  int stem = node("stem " + std::to_string(space.stemChannels), "op");
  edge(prev, stem, "conv_3x3", "conv 3x3" + std::string(space.stemStride == 2 ? " /2" : ""));
  prev = stem;
  if (space.firstBlockChannels > 0) {
    int fb = node("mb e1 k3 " + std::to_string(space.firstBlockChannels), "block");
    edge(prev, fb, "mbconv", "e1 k3");
    prev = fb;
  }
  for (int l = 0; l < space.numLayers(); ++l) {
    std::ostringstream label, klist;
    for (int k : arch.kernels(l)) klist << (klist.tellp() > 0 ? "," : "") << k;
    label << "e" << arch.expansion(l) << " k" << klist.str() << " " << space.layers[static_cast<size_t>(l)].channels;
    const int n = node(label.str(), "block");
    std::string op = "mbconv";
    for (Choice c : arch.choices[static_cast<size_t>(l)]) op += choiceChar(c);
    edge(prev, n, op, std::string(space.layers[static_cast<size_t>(l)].stride == 2 ? "/2" : "") +
                          (space.hasResidual(l) ? "+res" : ""));
    prev = n;
  }
  int head = node("head " + std::to_string(space.headChannels), "op");
  edge(prev, head, "conv_1x1", "conv 1x1");
  int out = node("out " + std::to_string(space.classes), "output");
  edge(head, out, "linear", "gap+fc");
  return g;
}

}  // namespace nas::sgnas
