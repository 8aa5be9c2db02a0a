#include "OpMask.h"

namespace nas::naslid {

OpMask OpMask::all() {
  OpMask m;
  for (auto& e : m.on) e.fill(true);
  return m;
}

std::vector<int> OpMask::ops(int edge) const {
  std::vector<int> v;
  for (int k = 0; k < kNb201NumOps; ++k)
    if (on[static_cast<size_t>(edge)][static_cast<size_t>(k)]) v.push_back(k);
  return v;
}

bool OpMask::contains(const Nb201Cell& cell) const {
  for (int e = 0; e < kNb201NumEdges; ++e)
    if (!on[static_cast<size_t>(e)][static_cast<size_t>(cell.op(e))]) return false;
  return true;
}

Nb201Cell OpMask::sample(Rng& rng) const {
  Nb201Cell c;
  return resampleOthers(c, -1, rng);
}

Nb201Cell OpMask::resampleOthers(const Nb201Cell& cell, int except, Rng& rng) const {
  Nb201Cell c = cell;
  for (int e = 0; e < kNb201NumEdges; ++e) {
    if (e == except) continue;
    const auto ops = this->ops(e);
    c.setOp(e, static_cast<Nb201Op>(ops.at(rng.below(ops.size()))));
  }
  return c;
}

Json OpMask::toJson() const {
  Json edges = Json::array();
  for (int e = 0; e < kNb201NumEdges; ++e) {
    Json names = Json::array();
    for (int k : ops(e)) names.push_back(nb201OpName(static_cast<Nb201Op>(k)));
    edges.push_back(names);
  }
  return edges;
}

}  // namespace nas::naslid
