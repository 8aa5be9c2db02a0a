#pragma once
// Which candidate ops a sub-supernet keeps on each of the 6 NAS-Bench-201 edges (benchmark op
// order: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3). The root supernet
// keeps all; a split divides one edge's ops between two children.
#include <array>
#include <string>
#include <vector>

#include "common/Json.h"
#include "data/Rng.h"
#include "searchspace/Nb201Cell.h"

namespace nas::naslid {

struct OpMask {
  std::array<std::array<bool, kNb201NumOps>, kNb201NumEdges> on{};

  static OpMask all();
  std::vector<int> ops(int edge) const;  // enabled op indices, ascending
  bool contains(const Nb201Cell& cell) const;
  // A cell drawn uniformly among the enabled ops of every edge.
  Nb201Cell sample(Rng& rng) const;
  // `cell` with edge `except` kept and every other edge redrawn among the enabled ops.
  Nb201Cell resampleOthers(const Nb201Cell& cell, int except, Rng& rng) const;
  // "e0{none,skip_connect} e1{...}" style JSON: [[op names of edge 0], ...].
  Json toJson() const;
};

}  // namespace nas::naslid
