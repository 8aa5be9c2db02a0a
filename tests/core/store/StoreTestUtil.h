#pragma once
// Helpers for the store tests: a temporary folder per test, whole-file reads and writes,
// and a scoped busy timeout.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "common/Error.h"
#include "store/Workspace.h"

namespace nas::testing {

// A fresh folder under the system temp dir, removed with everything in it afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    dir_ = std::filesystem::temp_directory_path() /
           ("nas-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(stamp) + "-" +
            std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

inline std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Sets the busy timeout of workspaces opened while it lives.
class ScopedBusyTimeout {
 public:
  explicit ScopedBusyTimeout(int ms) { Workspace::setBusyTimeoutMs(ms); }
  ~ScopedBusyTimeout() { Workspace::setBusyTimeoutMs(-1); }
};

// Runs fn, expects an nas::Error with `code`, returns it for further checks.
template <class Fn>
Error expectError(ErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(code, e.code()) << e.what();
    return e;
  }
  ADD_FAILURE() << "expected Error(" << errorCodeName(code) << "), nothing thrown";
  return Error(ErrorCode::Invalid, "nothing thrown");
}

}  // namespace nas::testing
