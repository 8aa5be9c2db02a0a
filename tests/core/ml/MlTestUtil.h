#pragma once
// Helpers shared by the ml tests: a temporary folder removed on scope exit, byte-file
// writers, a sink that records what a job reports.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/ProgressSink.h"

namespace nas::test {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            ("nas-ml-test-" + std::to_string(stamp) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::uint8_t> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An IDX header: magic 0x000008NN then the sizes, big-endian.
inline std::vector<std::uint8_t> idxHeader(const std::vector<std::uint32_t>& dims, std::uint8_t ndimsInMagic = 0) {
  std::vector<std::uint8_t> h = {0, 0, 8, ndimsInMagic ? ndimsInMagic : static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) h.push_back(static_cast<std::uint8_t>(d >> s));
  return h;
}

class RecordingSink : public ProgressSink {
 public:
  void progress(double fraction, const std::string& stage) override {
    lastFraction = fraction;
    ++progressCalls;
    if (onProgress) onProgress(progressCalls);
  }
  void metric(const std::string& series, std::int64_t step, double value) override {
    metrics[series].push_back({step, value});
  }
  void log(const std::string& line) override { logs.push_back(line); }

  std::map<std::string, std::vector<std::pair<std::int64_t, double>>> metrics;
  std::vector<std::string> logs;
  double lastFraction = 0;
  int progressCalls = 0;
  std::function<void(int)> onProgress;
};

}  // namespace nas::test
