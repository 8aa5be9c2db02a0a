// Every case under tests/fuzz/corpus/<target>/ (seeds and what libFuzzer found) goes through
// the fuzz target's entry function: it must return (a valid value or nas::Error). A crash,
// another exception or a broken invariant (the entry aborts) fails the suite.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "FuzzTargets.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> readBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FuzzCorpus : public ::testing::TestWithParam<nas::fuzz::Target> {};

TEST_P(FuzzCorpus, EveryCaseGivesAValueOrNasError) {
  const fs::path dir = fs::path(NAS_FUZZ_CORPUS_DIR) / GetParam().name;
  ASSERT_TRUE(fs::is_directory(dir)) << dir << ": every target keeps a corpus of seeds";
  int cases = 0;
  for (const auto& f : fs::directory_iterator(dir)) {
    if (!f.is_regular_file()) continue;
    SCOPED_TRACE(f.path().string());
    const auto bytes = readBytes(f.path());
    EXPECT_NO_THROW(GetParam().entry(bytes.data(), bytes.size()));
    ++cases;
  }
  EXPECT_GT(cases, 0) << dir;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzCorpus, ::testing::ValuesIn(nas::fuzz::targets()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
