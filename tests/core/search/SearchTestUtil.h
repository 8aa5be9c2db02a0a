#pragma once
// Shared helpers of the search tests: the shipped NAS-Bench-201 table (loaded once) and a
// scratch folder for small CSV files.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "search/TabularBenchmark.h"

namespace nas::test {

inline std::string shippedTablePath() {
  return std::string(NAS_SOURCE_DIR) + "/resources/data/nb201/cifar10.csv";
}

// Loading takes a fraction of a second; share one copy between tests.
inline const TabularBenchmark& shippedTable() {
  static const TabularBenchmark table = TabularBenchmark::load(shippedTablePath(), {"arch", "nb201"});
  return table;
}

// A fresh folder under the system temp dir, removed with the object.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("nas-search-test-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& content) const {
    auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace nas::test
