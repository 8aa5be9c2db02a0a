#pragma once
// How SGNAS draws architectures, torch-free and seeded (nas::Rng, one word of state):
//  - FairPathSampler: the supernet's training paths (methods.md §1(b)1). Per layer the
//    expansion e cycles through a shuffled list of {minE..G} (paper: minE = 2, default 1, see
//    SupernetTrainOptions); group 0 and e-1 random other groups are active (group0Always, the
//    default), or e groups drawn from all G (the official code's MPDBlock.set_training_order); each group's kernel cycles through a fresh random permutation of
//    {3,5,7}, advancing only when the group is active, so every kernel of every group is
//    trained equally often.
//  - randomArchAtLevel: architectures spread over the whole cost range (priors, random
//    baselines, joint targets): a level u in [0,1] sets each layer's expected expansion
//    and kernel size, so u=0 tends to the minimal and u=1 to the maximal architecture.
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "SgnasSpace.h"
#include "common/Json.h"
#include "data/Rng.h"

namespace nas::sgnas {

class FairPathSampler {
 public:
  // group0Always: group 0 is in every path, as in every architecture the generator can emit
  // (it may not skip). false: the e active groups are any e of the G, as the official code
  // trains them, so group 0's kernels are trained e/G of the time.
  FairPathSampler(const SgnasSpace& space, std::uint64_t seed, int minExpansion = 1, bool group0Always = true);
  SgnasArch next();
  // The whole sampler state (rng word, cycles, positions), for checkpoints.
  Json state() const;
  void setState(const Json& state);  // throws CorruptData when it does not fit the space

 private:
  struct LayerCycle {
    std::vector<int> expansions;
    size_t index = 0;
    std::vector<std::array<int, kNumKernels>> kernelOrder;  // per group
    std::vector<int> kernelIndex;                           // per group
  };
  void shuffle(std::vector<int>& v);

  SgnasSpace space_;
  int minE_;
  bool group0Always_;
  Rng rng_;
  std::vector<LayerCycle> layers_;
};

// Uniform random architecture: per layer e uniform in {1..G}, kernels uniform.
SgnasArch randomArch(const SgnasSpace& space, Rng& rng);
SgnasArch randomArchAtLevel(const SgnasSpace& space, double level, Rng& rng);

// A random architecture whose `cost(arch)` lies within `tolerance` of `target`: tries up to
// `tries` draws at levels around the best level so far and returns the closest one found.
SgnasArch randomArchNear(const SgnasSpace& space, double target, double tolerance,
                         const std::function<double(const SgnasArch&)>& cost, Rng& rng, int tries = 20000);

// One-hot [L][G*4] rows of an architecture, row-major (the generator's prior image).
std::vector<float> archOneHot(const SgnasArch& arch);

}  // namespace nas::sgnas
