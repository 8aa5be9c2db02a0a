#pragma once
// The "dbb" latency space (issue 6: the profiler measures DBB branches too): networks of the
// DBB family (DbbArch.h) in training form or deployed. Entries, per distinct layer shape
// <shape> = DbbLayerSpec::shapeKey() (layers of equal shape share them):
//   <shape>/kxk, <shape>/1x1, <shape>/1x1-kxk, <shape>/1x1-avg   one branch, BNs included
//   <shape>/add        summing two branch outputs (a layer with n branches does n-1)
//   <shape>/relu       the layer's activation (training form)
//   <shape>/deployed   the re-parameterised layer: KxK conv with bias + ReLU
//   stem, stem/deployed  stem conv+BN+ReLU, and with the BN folded
//   head                 global average pool + linear
// A training-form network is stem + head + per layer its branches, adds and relu; a deployed
// one is stem/deployed + head + per layer <shape>/deployed (whatever its mask). No torch here.
#include <memory>
#include <string>
#include <vector>

#include "DbbArch.h"
#include "jobs/LatencySpace.h"

namespace nas::repnas {

std::unique_ptr<LatencySpace> makeDbbLatencySpace(const DbbFamily& family = fashionMnistFamily(),
                                                  std::string name = "dbb");
// The terms of an architecture (what entriesOf returns for its string), repeated keys merged.
std::vector<LatencyTerm> dbbLatencyTerms(const DbbFamily& family, const DbbArch& arch);

}  // namespace nas::repnas
