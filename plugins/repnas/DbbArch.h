#pragma once
// The Diverse-Branch-Block (DBB) space of the future RepNAS plugin, without torch: which
// branches each layer of a small fixed network family has, as a canonical string.
//
// A DBB layer replaces one KxK conv (C_in -> C_out, stride s) by up to four parallel branches
// whose outputs are summed: KxK conv+BN ('k'), 1x1 conv+BN ('1'), 1x1 conv+BN -> KxK conv+BN
// ('c', chain) and 1x1 conv+BN -> KxK average pool -> BN ('a'). RepNAS searches the per-layer
// subset. The KxK branch is optional here, as RepNAS's Conv_3x3 is (its supernet keeps only
// an identity-BN always on, which a C_in != C_out or stride-2 layer cannot have, and this
// family has no identity branch), but a layer needs at least one branch.
//
// Architecture string: the layers' masks joined by '|', each mask its branch letters in the
// order k, 1, c, a ("k1|c|ka|k1ca|1|kc"); a leading "deploy:" means the same network after
// re-parameterisation (every layer one KxK conv with bias), which runs one conv per layer
// whatever the mask. Parsing accepts the letters in any order; toString writes them in order.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace nas::repnas {

// The four branches of the original DBB (the "dbb" latency space's set, letters k 1 c a),
// then the three RepNAS adds in its ODBB: identity-BN (stride 1 and C_in == C_out only; RepNAS
// keeps it always on), 1xK and Kx1 (asymmetric convs, padded into KxK when fused).
enum class Branch { Kxk = 0, Conv1x1 = 1, Conv1x1Kxk = 2, Conv1x1Avg = 3, Identity = 4, Conv1xK = 5, ConvKx1 = 6 };
inline constexpr int kNumBranches = 4;  // the DBB set of the "dbb" space
inline constexpr Branch kBranches[kNumBranches] = {Branch::Kxk, Branch::Conv1x1, Branch::Conv1x1Kxk,
                                                   Branch::Conv1x1Avg};
// Every branch a block can hold, in bit order.
inline constexpr int kNumAllBranches = 7;
inline constexpr Branch kAllBranchList[kNumAllBranches] = {Branch::Kxk,      Branch::Conv1x1, Branch::Conv1x1Kxk,
                                                          Branch::Conv1x1Avg, Branch::Identity, Branch::Conv1xK,
                                                          Branch::ConvKx1};

// Bit i set = branch i present.
using BranchMask = std::uint8_t;
inline constexpr BranchMask kAllBranches = 0xF;       // the four DBB branches
inline constexpr BranchMask kAnyBranchBits = 0x7F;    // all seven
inline constexpr BranchMask maskOf(Branch b) { return static_cast<BranchMask>(1u << static_cast<int>(b)); }
inline constexpr bool hasBranch(BranchMask m, Branch b) { return (m & maskOf(b)) != 0; }
int branchCount(BranchMask m);
char branchLetter(Branch b);        // 'k', '1', 'c', 'a', 'i', 'h' (1xK), 'v' (Kx1)
const char* branchName(Branch b);   // "kxk", "1x1", "1x1-kxk", "1x1-avg", "identity", "1xk", "kx1"
std::string maskToString(BranchMask m);  // letters in bit order

// One DBB layer of the family: KxK (odd) conv from C_in x S x S with stride s.
struct DbbLayerSpec {
  int inChannels = 0, outChannels = 0, kernel = 3, stride = 1, inSize = 0;
  int groups = 1;  // every conv of the block is grouped so (RepNAS's optional group-wise layers)
  int outSize() const { return (inSize - 1) / stride + 1; }  // padding K/2
  // Layers with equal shape keys cost the same, so they share latency entries:
  // "<C_in>x<S>-<C_out>-s<s>-k<K>", e.g. "16x28-32-s2-k3" (and "-g<g>" when grouped).
  std::string shapeKey() const;
  std::string shapeText() const;  // for people: "16x28x28 -> 32x14x14 (k3 s2)"
};

// The network family: stem KxK conv+BN+ReLU (stride 1), the DBB layers each followed by
// ReLU, global average pool, linear classifier.
struct DbbFamily {
  int inputChannels = 1, inputSize = 28, stemChannels = 16, stemKernel = 3, classes = 10;
  std::vector<DbbLayerSpec> layers;
  int numLayers() const { return static_cast<int>(layers.size()); }
  int lastChannels() const { return layers.empty() ? stemChannels : layers.back().outChannels; }
  int lastSize() const { return layers.empty() ? inputSize : layers.back().outSize(); }
  void validate() const;  // InvalidArgument naming the layer whose shape does not chain
};

// The "dbb" latency space's family, sized for Fashion-MNIST (1x28x28) on a small CPU:
// 16@28 -> 16@28 -> 32@14 (s2) -> 32@14 -> 64@7 (s2) -> 64@7 -> 64@7, K=3; the last two
// layers share a shape (and entries).
const DbbFamily& fashionMnistFamily();

struct DbbArch {
  std::vector<BranchMask> masks;  // one per layer, each non-zero
  bool deployed = false;
};

// Throws ParseError naming the input and what is wrong (layer count, empty mask, unknown or
// repeated letter).
DbbArch parseDbbArch(const DbbFamily& family, const std::string& text);
std::string dbbArchToString(const DbbArch& arch);
// InvalidArgument when the arch does not fit the family.
void validateDbbArch(const DbbFamily& family, const DbbArch& arch);

// A training-form architecture spread over the cost range: a level u ~ U(0, 1) per network,
// then every branch of every layer present with probability u (a layer left empty gets one
// branch drawn uniformly). Drawing each mask uniformly would put nearly every network near
// 2 branches per layer, a narrow band of latencies.
DbbArch randomDbbArch(const DbbFamily& family, std::mt19937_64& rng);

}  // namespace nas::repnas
