#pragma once
// A NAS-Bench-201-shaped table for the AG-Net tests: every cell with a score that rewards
// convolutions and punishes a cut-off output, plus a little seeded noise, so "better" is
// learnable but not trivial. Written once per process (the pid in the name keeps test
// processes that ctest runs side by side from writing one file at the same time).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "searchspace/Nb201Cell.h"

namespace nas::agnet::test {

inline const std::string& syntheticNb201TablePath() {
  static const std::string path = [] {
    const auto p = std::filesystem::temp_directory_path() / ("agnet-synthetic-" + std::to_string(::getpid()) + ".csv");
    std::ofstream out(p);
    out << "arch,score\n";
    std::mt19937_64 rng(5);
    std::normal_distribution<double> noise(0.0, 0.5);
    for (int i = 0; i < kNb201NumCells; ++i) {
      const Nb201Cell c = Nb201Cell::fromIndex(i);
      double s = 60;
      for (int e = 0; e < kNb201NumEdges; ++e) {
        if (c.op(e) == Nb201Op::Conv3x3) s += 5;
        if (c.op(e) == Nb201Op::Conv1x1) s += 3;
        if (c.op(e) == Nb201Op::SkipConnect) s += 1;
      }
      if (!c.connected()) s = 10;
      out << c.toString() << "," << s + noise(rng) << "\n";
    }
    return p.string();
  }();
  return path;
}

}  // namespace nas::agnet::test
