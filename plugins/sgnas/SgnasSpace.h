#pragma once
// The SGNAS search space (methods.md §1(a)): a chain of single-path MBConv layers. Layer l
// expands its C_in input channels by 1x1 to G*C_in hidden channels, split into G groups of
// C_in; every group picks a depthwise kernel 3, 5 or 7 or "skip" (contributes nothing), so
// one choice grid covers both the expansion ratio (= non-skipped groups) and mixed kernels.
// Group 0 never skips (expansion >= 1). The layer table (C_out, stride per layer) comes from
// a preset; a preset also fixes the input shape, so an architecture string means one network.
//
// Canonical string: "<preset>:<layer>|<layer>|...", each layer one character per group
// ('3', '5', '7', or 'x' for skip), e.g. "tiny:37x|5xx|777". No torch here.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/Json.h"
#include "searchspace/GraphForm.h"

namespace nas::sgnas {

// Per group: one of four choices, in the generator's logit order.
enum class Choice : std::uint8_t { K3 = 0, K5 = 1, K7 = 2, Skip = 3 };
inline constexpr int kNumChoices = 4;
inline constexpr int kNumKernels = 3;  // the non-skip choices
inline constexpr int kKernelSizes[kNumKernels] = {3, 5, 7};

char choiceChar(Choice c);  // '3', '5', '7', 'x'

struct LayerSpec {
  int channels = 16;  // C_out
  int stride = 1;     // 1 or 2, applied by the depthwise convolutions
};

struct SgnasSpace {
  std::string preset;           // "fashion-mnist", "cifar", "imagenet", "tiny"
  int inputChannels = 1;
  int inputSize = 28;           // square inputs
  int stemChannels = 16;        // stem Conv3x3 + BN + ReLU6
  int stemStride = 1;
  int firstBlockChannels = 0;   // > 0: the paper's fixed MBConv(e=1, k3) stem -> this
  int groups = 6;               // G: the maximum expansion ratio
  std::vector<LayerSpec> layers;
  int headChannels = 256;       // head Conv1x1 + BN + ReLU6, then GAP and Linear
  int classes = 10;

  int numLayers() const { return static_cast<int>(layers.size()); }
  // Derived geometry of searchable layer l.
  int layerInChannels(int l) const;
  int layerInSize(int l) const;   // spatial size of the layer's input
  int layerOutSize(int l) const;  // after its stride
  int stemOutSize() const;
  bool hasResidual(int l) const;  // stride 1 and C_in == C_out

  Json toJson() const;
  // Throws Error(ParseError / InvalidArgument) naming the bad field.
  static SgnasSpace fromJson(const Json& j);
  void validate() const;  // throws InvalidArgument on a nonsensical table
};

std::vector<std::string> spacePresetNames();
// A preset's table with `classes` outputs; unknown names throw InvalidArgument listing them.
//  tiny:          1x16x16, stem 8, G=3, layers (8,1) (16,2) (16,1), head 32 (tests, synthetic data)
//  fashion-mnist: 1x28x28, stem 16 stride 2, G=6, layers (16,1) (24,2) (24,1) (40,2) (40,1) (80,1), head 256
//  cifar:         3x32x32, the paper's 19-layer table with stride-1 stem and layer 0, head 1280
//  imagenet:      3x224x224, the paper's 19-layer table, head 1280
SgnasSpace spacePreset(const std::string& name, int classes);

// An architecture: choices[l][g].
struct SgnasArch {
  std::vector<std::vector<Choice>> choices;

  int expansion(int layer) const;               // non-skipped groups
  std::vector<int> kernels(int layer) const;    // kernel sizes of non-skipped groups, in group order
  bool operator==(const SgnasArch& o) const { return choices == o.choices; }
  bool operator!=(const SgnasArch& o) const { return choices != o.choices; }
};

// Throws InvalidArgument when `arch` does not fit `space` (layer or group counts, group 0 skip).
void validateArch(const SgnasSpace& space, const SgnasArch& arch);
// The smallest (every layer e=1, kernel 3) and largest (every group kernel 7) architectures.
SgnasArch minimalArch(const SgnasSpace& space);
SgnasArch maximalArch(const SgnasSpace& space);

std::string archToString(const SgnasSpace& space, const SgnasArch& arch);
// Parses a canonical string; errors name the layer and column that are wrong.
SgnasArch parseArch(const SgnasSpace& space, std::string_view text);

// {"preset", "layers": [{"choices": ["k3","skip",...], "expansion": e, "kernels": [3,...]}]}.
// Decoding reads "choices" only.
Json archToJson(const SgnasSpace& space, const SgnasArch& arch);
SgnasArch archFromJson(const SgnasSpace& space, const Json& j);

// A chain input -> stem -> layer nodes ("e4 k3,5,7,7 /2 24") -> head -> output.
GraphForm archGraph(const SgnasSpace& space, const SgnasArch& arch);

}  // namespace nas::sgnas
