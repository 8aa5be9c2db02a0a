// Loading tabular benchmarks: the shipped table's known facts, and a clear error for
// every kind of broken file.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "SearchTestUtil.h"
#include "common/Error.h"
#include "search/Stats.h"

using namespace nas;
using nas::test::ScratchDir;

namespace {

const char* kBest =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";
const char* kAllSkip = "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|";

// Loads `path`, expecting an Error of `code` whose context is the path and whose message
// contains `fragment`.
void expectLoadError(const std::string& path, ErrorCode code, const std::string& fragment,
                     const TabularBenchmark::Options& options = {}) {
  try {
    TabularBenchmark::load(path, options);
    ADD_FAILURE() << "loaded without error: " << path;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_EQ(e.context(), path);
    EXPECT_NE(e.message().find(fragment), std::string::npos) << e.message();
  }
}

}  // namespace

TEST(TabularBenchmark, ShippedTableFacts) {
  auto start = std::chrono::steady_clock::now();
  auto t = TabularBenchmark::load(test::shippedTablePath(), {"arch", "nb201"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.0);
  std::printf("loaded %zu rows in %.3f s\n", t.size(), seconds);

  EXPECT_EQ(t.size(), 15625u);
  EXPECT_EQ(t.stem(), "cifar10");
  EXPECT_EQ(t.metricNames(), std::vector<std::string>{"test_accuracy"});
  auto acc = t.column("test_accuracy");
  EXPECT_NEAR(*std::max_element(acc.begin(), acc.end()), 94.37, 0.005);
  EXPECT_NEAR(median(acc), 90.75, 0.01);
  EXPECT_NEAR(t.query(kBest, "test_accuracy"), 94.37, 0.005);
  EXPECT_NEAR(t.query(kAllSkip, "test_accuracy"), 54.30, 0.01);
  // Surrounding whitespace is canonicalised away in nb201 tables.
  EXPECT_EQ(t.query(std::string("  ") + kBest + " ", "test_accuracy"), t.query(kBest, "test_accuracy"));
  auto row = t.findCell(Nb201Cell::parse(kBest));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(t.arch(*row), kBest);
}

TEST(TabularBenchmark, QueryErrorsNameWhatIsMissing) {
  ScratchDir dir;
  auto t = TabularBenchmark::load(dir.write("t.csv", "arch,acc,flops\na,1.5,10\nb,2,-3e2\n"));
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.space(), "");
  EXPECT_DOUBLE_EQ(t.query("b", "flops"), -300.0);
  EXPECT_EQ(t.value(0, t.metricIndex("acc")), 1.5);
  try {
    t.query("zzz", "acc");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(e.message().find("'zzz'"), std::string::npos);
  }
  try {
    t.query("a", "latency");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(e.message().find("no metric 'latency' (table has: acc, flops)"), std::string::npos) << e.message();
  }
  EXPECT_THROW(t.findCell(Nb201Cell()), Error);  // not an nb201 table
}

TEST(TabularBenchmark, OtherArchColumnCrLfAndBlankLines) {
  ScratchDir dir;
  auto t = TabularBenchmark::load(dir.write("t.csv", "score,genotype\r\n\r\n 7 ,x\r\n8,y\r\n"), {"genotype", ""});
  EXPECT_EQ(t.query("x", "score"), 7.0);
  EXPECT_EQ(t.query("y", "score"), 8.0);
  EXPECT_EQ(t.arch(1), "y");
}

TEST(TabularBenchmark, LoaderErrors) {
  ScratchDir dir;
  expectLoadError(dir.path("absent.csv"), ErrorCode::NotFound, "not found");
  expectLoadError(dir.write("empty.csv", ""), ErrorCode::CorruptData, "empty file");
  expectLoadError(dir.write("blank.csv", "\n  \n"), ErrorCode::CorruptData, "empty file");
  expectLoadError(dir.write("header.csv", "arch,acc\n"), ErrorCode::CorruptData, "no data rows");
  expectLoadError(dir.write("noarch.csv", "name,acc\na,1\n"), ErrorCode::ParseError,
                  "line 1: no 'arch' column for the architecture (columns: name, acc)");
  expectLoadError(dir.write("nometric.csv", "arch\na\n"), ErrorCode::ParseError, "line 1: no metric columns");
  expectLoadError(dir.write("dupcol.csv", "arch,acc,acc\na,1,2\n"), ErrorCode::ParseError,
                  "line 1: column 'acc' appears twice");
  expectLoadError(dir.write("count.csv", "arch,acc\na,1\n\nb,2,3\n"), ErrorCode::ParseError,
                  "line 4: expected 2 columns, found 3");
  expectLoadError(dir.write("nan.csv", "arch,acc\na,1\nb,abc\n"), ErrorCode::ParseError,
                  "line 3: column 'acc': 'abc' is not a finite number");
  expectLoadError(dir.write("partial.csv", "arch,acc\na,1.5x\n"), ErrorCode::ParseError, "'1.5x' is not");
  expectLoadError(dir.write("emptyval.csv", "arch,acc\na,\n"), ErrorCode::ParseError, "line 2: column 'acc': ''");
  expectLoadError(dir.write("inf.csv", "arch,acc\na,inf\n"), ErrorCode::ParseError, "not a finite number");
  expectLoadError(dir.write("emptyarch.csv", "arch,acc\n,1\n"), ErrorCode::ParseError, "line 2: empty architecture");
  expectLoadError(dir.write("dup.csv", "arch,acc\na,1\nb,2\na,3\n"), ErrorCode::CorruptData,
                  "line 4: duplicate architecture 'a' (first on line 2)");
}

TEST(TabularBenchmark, Nb201SpaceValidatesAndCanonicalises) {
  ScratchDir dir;
  const std::string good = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  expectLoadError(dir.write("bad.csv", "arch,acc\n" + good + ",1\n|none~0|+|conv9~0|none~1|+|none~0|none~1|none~2|,2\n"),
                  ErrorCode::ParseError, "line 3: architecture '|none~0|+|conv9~0|", {"arch", "nb201"});
  expectLoadError(dir.write("bad2.csv", "arch,acc\n" + good + ",1\n|none~0|+|conv9~0|none~1|+|none~0|none~1|none~2|,2\n"),
                  ErrorCode::ParseError, "unknown operation 'conv9'", {"arch", "nb201"});
  // The same cell twice, once with surrounding spaces: a duplicate after canonicalising.
  expectLoadError(dir.write("dup.csv", "arch,acc\n" + good + ",1\n  " + good + "  ,2\n"), ErrorCode::CorruptData,
                  "line 3: duplicate architecture", {"arch", "nb201"});
  expectLoadError(dir.write("ok.csv", "arch,acc\na,1\n"), ErrorCode::Unsupported, "unknown search space 'nb999'",
                  {"arch", "nb999"});
  auto t = TabularBenchmark::load(dir.write("one.csv", "arch,acc\n" + good + ",4\n"), {"arch", "nb201"});
  EXPECT_EQ(t.query(good, "acc"), 4.0);
  EXPECT_FALSE(t.find("not a cell").has_value());
  EXPECT_FALSE(t.findCell(Nb201Cell::fromIndex(1)).has_value());
}
