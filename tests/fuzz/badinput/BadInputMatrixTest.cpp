// The bad-input matrix (issue 19, item 2): every parser that takes text or files from people
// (NB201 and DARTS architecture strings, benchmark CSVs, IDX dataset files, workspace files,
// job specs and --param values, device-profile and genotype JSON imports, graph JSON) gets
// malformed, truncated, empty, huge (100 MB), wrong-type, non-UTF-8 and hostile input. Each
// case must end in nas::Error (not Internal) whose text names the input and the problem, in
// bounded length, with the workspace unchanged. The table below is the list of cases.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/Error.h"
#include "common/Json.h"
#include "data/IdxFile.h"
#include "export/format/GenotypeJson.h"
#include "jobs/JobService.h"
#include "jobs/LatencySpace.h"
#include "jobs/Method.h"
#include "search/QueryStrategy.h"
#include "search/SearchMethods.h"
#include "search/TabularBenchmark.h"
#include "searchspace/DartsGenotype.h"
#include "searchspace/GraphFormJson.h"
#include "searchspace/Nb201Cell.h"
#include "store/Workspace.h"

namespace fs = std::filesystem;
using namespace nas;

namespace {

constexpr std::size_t kHuge = std::size_t{100} << 20;  // 100 MB

const std::string kCell =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
const std::string kNonUtf8 = "\xff\xfe\xc3\x28\x80";
const std::string kSql = "'); DROP TABLE architectures; --";
const std::string kTraversal = "../../../../etc/passwd";

const std::string& hugeText() {
  static const std::string s(kHuge, 'a');
  return s;
}

// What each case may use: a fresh folder and workspace.
struct Env {
  fs::path dir;
  Workspace* ws = nullptr;
  std::string write(const std::string& name, const std::string& bytes) const {
    const fs::path p = dir / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
};

struct Case {
  std::string name;    // test name: input_kind_what
  std::function<void(Env&)> run;
  std::vector<std::string> mention;  // fragments the error text must hold (input and problem)
};

const MethodRegistry& registry() {
  static const QueryStrategyRegistry strategies;  // the built-in ones; outlives the methods
  static const MethodRegistry r = [] {
    MethodRegistry m;
    registerSearchMethods(m, strategies);
    return m;
  }();
  return r;
}

std::string idx(std::uint32_t magic, const std::vector<std::uint32_t>& dims, const std::string& payload) {
  std::string s;
  auto be = [&](std::uint32_t v) {
    for (int k = 3; k >= 0; --k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
  };
  be(magic);
  for (auto d : dims) be(d);
  return s + payload;
}

Json profileDoc() {
  return parseJson(R"({"format":"nasstudio-device-profile","version":1,"name":"pi","threads":1,"batch":1,
    "spaces":{"nb201":{"entries":[{"key":"stem","median_ms":0.5}]}}})", "test");
}
Json genotypeDoc() {
  return Json{{"format", "nasstudio-genotype"}, {"version", 1}, {"space", "nb201"}, {"string", kCell},
              {"costs", Json::object()}, {"metrics", Json::array()}, {"provenance", {{"jobs", Json::array()}}}};
}
void importGenotypeDoc(Env& env, const Json& doc) {
  importGenotype(*env.ws, doc, "g.json", [](const std::string& space, const std::string& canonical) {
    if (space != "nb201") throw Error(ErrorCode::Unsupported, "no exporter for search space '" + space + "'", space);
    Nb201Cell::parse(canonical);
  });
}
Json jsonWith(Json doc, const std::string& key, Json value) {
  doc[key] = std::move(value);
  return doc;
}

std::vector<Case> allCases() {
  std::vector<Case> c;
  auto nb201 = [&](std::string name, std::string text, std::vector<std::string> mention) {
    c.push_back({"nb201_" + name, [text](Env&) { Nb201Cell::parse(text); }, std::move(mention)});
  };
  nb201("empty", "", {"empty"});
  nb201("truncated", "|nor_conv_3x3~0|+|nor_conv_3x3~0|", {"|nor_conv_3x3~0|+|nor_conv_3x3~0|"});
  nb201("malformed", "not an architecture", {"not an architecture"});
  nb201("wrong_op", "|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|", {"conv_9x9"});
  nb201("wrong_type_number", "12345", {"12345"});
  nb201("non_utf8", kNonUtf8, {});
  nb201("hostile_sql", kSql, {"DROP TABLE"});
  nb201("hostile_path", kTraversal, {"etc/passwd"});
  nb201("huge", hugeText(), {"bytes in all"});
  c.push_back({"nb201_shape_malformed", [](Env&) { Nb201MacroConfig m; parseInputShape("3x32", m); }, {"3x32"}});
  c.push_back({"nb201_shape_wrong_type", [](Env&) { Nb201MacroConfig m; parseInputShape("axbxc", m); }, {"axbxc"}});
  c.push_back({"nb201_shape_huge", [](Env&) { Nb201MacroConfig m; parseInputShape("3x99999999999x32", m); },
               {"99999999999"}});

  auto darts = [&](std::string name, std::string text, std::vector<std::string> mention) {
    c.push_back({"darts_" + name, [text](Env&) { DartsGenotype::parse(text); }, std::move(mention)});
  };
  darts("empty", "", {"empty genotype"});
  darts("truncated", "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)", {"column"});
  darts("malformed", "Genotype[normal]", {"column"});
  darts("wrong_op", "Genotype(normal=[('conv_99', 0)], normal_concat=[2], reduce=[], reduce_concat=[2])",
        {"conv_99"});
  darts("wrong_type_input", "Genotype(normal=[('sep_conv_3x3', 'x')])", {"column"});
  darts("non_utf8", "Genotype(" + kNonUtf8 + ")", {"column"});
  darts("hostile_sql", "Genotype(normal=[('" + kSql + "', 0)])", {"DROP TABLE"});
  darts("huge", "Genotype(normal=[('" + hugeText() + "', 0)])", {"bytes in all"});

  auto csv = [&](std::string name, std::string text, std::string space, std::vector<std::string> mention) {
    c.push_back({"csv_" + name,
                 [text, space](Env& env) {
                   TabularBenchmark::Options o;
                   o.space = space;
                   TabularBenchmark::load(env.write("table.csv", text), o);
                 },
                 [&] {
                   mention.push_back("table.csv");
                   return mention;
                 }()});
  };
  csv("empty", "", "", {"empty"});
  csv("header_only", "arch,acc\n", "", {"no data rows"});
  csv("truncated_row", "arch,acc,loss\nx,1\n", "", {"line 2"});
  csv("malformed_number", "arch,acc\nx,abc\n", "", {"line 2"});
  csv("no_arch_column", "name,acc\nx,1\n", "", {"arch"});
  csv("wrong_type_arch", "arch,acc\n12345,1\n", "nb201", {"line 2"});
  csv("duplicate_arch", "arch,acc\nx,1\nx,2\n", "", {"x"});
  csv("non_utf8", "arch,acc\n" + kNonUtf8 + ",1\n", "nb201", {"line 2"});
  csv("hostile_path_arch", "arch,acc\n" + kTraversal + ",1\n", "nb201", {"line 2"});
  csv("huge_line", "arch,acc\n" + hugeText(), "", {"line 2"});
  csv("unknown_space", "arch,acc\nx,1\n", "darts", {"darts"});
  c.push_back({"csv_missing_file", [](Env& env) { TabularBenchmark::load((env.dir / "nope.csv").string()); },
               {"nope.csv", "not found"}});
  c.push_back({"csv_folder", [](Env& env) { TabularBenchmark::load(env.dir.string()); }, {"folder"}});

  auto idxCase = [&](std::string name, std::string bytes, int dims, std::vector<std::string> mention) {
    c.push_back({"idx_" + name, [bytes, dims](Env& env) { readIdxFile(env.write("x.idx", bytes), dims, "images"); },
                 [&] {
                   mention.push_back("x.idx");
                   return mention;
                 }()});
  };
  idxCase("empty", "", 3, {"fewer than 4 bytes"});
  idxCase("truncated_header", idx(0x803, {10, 28}, ""), 3, {"truncated"});
  idxCase("truncated_payload", idx(0x803, {2, 2, 2}, "abc"), 3, {"truncated", "3 bytes"});
  idxCase("wrong_magic", idx(0x1234, {1}, "x"), 1, {"magic"});
  idxCase("wrong_type_dims", idx(0x801, {1}, "x"), 3, {"magic", "3 dimensions"});
  idxCase("trailing_bytes", idx(0x801, {1}, "xy"), 1, {"more bytes"});
  idxCase("huge_header_claim", idx(0x803, {60000, 60000, 4}, "x"), 3, {"truncated"});
  idxCase("size_product_overflow", idx(0x803, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, ""), 3, {"implausible"});
  idxCase("non_utf8_text", kNonUtf8 + kNonUtf8, 1, {"magic"});
  c.push_back({"idx_missing_file", [](Env& env) { readIdxFile((env.dir / "no.idx").string(), 1, "labels"); },
               {"no.idx", "does not exist"}});

  auto spec = [&](std::string name, std::string text, std::vector<std::string> mention) {
    c.push_back({"jobspec_" + name,
                 [text](Env&) { JobService::resolveSpec(registry(), parseJson(text, "job spec")); },
                 std::move(mention)});
  };
  spec("empty", "", {"job spec", "invalid JSON"});
  spec("truncated", R"({"method":"tabular-search","params":{"queries":)", {"job spec", "invalid JSON"});
  spec("not_object", "[1,2]", {"job spec", "JSON object"});
  spec("no_method", R"({"params":{}})", {"job spec", "method"});
  spec("wrong_type_method", R"({"method":7})", {"job spec", "method"});
  spec("wrong_type_params", R"({"method":"tabular-search","params":[]})", {"params"});
  spec("wrong_type_param", R"({"method":"tabular-search","params":{"queries":"many"}})", {"queries"});
  spec("out_of_range_param", R"({"method":"tabular-search","params":{"queries":-5}})", {"queries"});
  spec("number_overflow", R"({"method":"tabular-search","params":{"queries":1e999}})", {"job spec", "overflow"});
  spec("unknown_param", R"({"method":"tabular-search","params":{"rm -rf /":1}})", {"rm -rf /", "unknown"});
  spec("hostile_method", R"({"method":"'); DROP TABLE jobs; --"})", {"DROP TABLE"});
  spec("non_utf8", "{\"method\":\"" + kNonUtf8 + "\"}", {"job spec", "invalid JSON"});
  spec("huge_method", R"({"method":")" + hugeText() + "\"}", {"bytes in all"});

  auto param = [&](std::string name, std::string key, std::string value, std::vector<std::string> mention) {
    c.push_back({"param_" + name,
                 [key, value](Env&) {  // as the CLI's --param key=value: converted, then checked
                   const ParamSchema schema = registry().get("tabular-search").schema();
                   schema.resolve(Json{{key, schema.parseValue(key, value)}});
                 },
                 std::move(mention)});
  };
  param("empty_int", "queries", "", {"queries"});
  param("wrong_type_int", "queries", "ten", {"queries", "ten"});
  param("int_overflow", "queries", "99999999999999999999", {"queries"});
  param("float_for_int", "queries", "1.5", {"queries"});
  param("wrong_choice", "strategy", "'; DROP TABLE jobs", {"strategy", "DROP TABLE"});
  param("unknown", "../etc", "1", {"../etc", "unknown"});
  param("huge_int", "queries", hugeText(), {"queries", "bytes in all"});

  auto profile = [&](std::string name, Json doc, std::vector<std::string> mention) {
    c.push_back({"profile_" + name, [doc](Env& env) { importDeviceProfile(*env.ws, doc); }, std::move(mention)});
  };
  profile("not_object", Json::array(), {"device profile", "not a JSON object"});
  profile("wrong_format", jsonWith(profileDoc(), "format", "csv"), {"format"});
  profile("wrong_type_format", jsonWith(profileDoc(), "format", 5), {"format"});
  profile("newer_version", jsonWith(profileDoc(), "version", 9), {"version"});
  profile("empty_name", jsonWith(profileDoc(), "name", ""), {"name", "empty"});
  profile("zero_threads", jsonWith(profileDoc(), "threads", 0), {"threads"});
  profile("huge_threads", jsonWith(profileDoc(), "threads", 1e30), {"threads"});
  profile("wrong_type_batch", jsonWith(profileDoc(), "batch", "one"), {"batch", "not a number"});
  profile("no_spaces", [] { Json d = profileDoc(); d.erase("spaces"); return d; }(), {"spaces", "missing"});
  profile("entries_not_array", jsonWith(profileDoc(), "spaces", {{"nb201", {{"entries", 3}}}}), {"entries"});
  profile("negative_median",
          jsonWith(profileDoc(), "spaces", {{"nb201", {{"entries", {{{"key", "a"}, {"median_ms", -1}}}}}}}),
          {"median_ms", "negative"});
  profile("duplicate_key",
          jsonWith(profileDoc(), "spaces",
                   {{"nb201", {{"entries", {{{"key", "a"}, {"median_ms", 1}}, {{"key", "a"}, {"median_ms", 2}}}}}}}),
          {"duplicate"});
  profile("huge_repeats",
          jsonWith(profileDoc(), "spaces",
                   {{"nb201", {{"entries", {{{"key", "a"}, {"median_ms", 1}, {"repeats", -1e300}}}}}}}),
          {"repeats"});
  c.push_back({"profile_existing_name",
               [](Env& env) {
                 importDeviceProfile(*env.ws, profileDoc());
                 // The second import of the same name must fail and add nothing.
                 const auto before = env.ws->deviceProfiles().size();
                 try {
                   importDeviceProfile(*env.ws, profileDoc());
                 } catch (const Error&) {
                   EXPECT_EQ(env.ws->deviceProfiles().size(), before);
                   throw;
                 }
               },
               {"already exists"}});

  auto genotype = [&](std::string name, Json doc, std::vector<std::string> mention) {
    c.push_back({"genotype_" + name, [doc](Env& env) { importGenotypeDoc(env, doc); }, std::move(mention)});
  };
  genotype("not_object", Json("x"), {"genotype JSON", "not a JSON object"});
  genotype("wrong_format", jsonWith(genotypeDoc(), "format", "onnx"), {"format"});
  genotype("wrong_type_format", jsonWith(genotypeDoc(), "format", Json::array()), {"format"});
  genotype("newer_version", jsonWith(genotypeDoc(), "version", 7), {"version"});
  genotype("bad_string", jsonWith(genotypeDoc(), "string", "|bad_op~0|"), {"bad_op"});
  genotype("unknown_space", jsonWith(genotypeDoc(), "space", "../../etc"), {"../../etc"});
  genotype("wrong_type_costs", jsonWith(genotypeDoc(), "costs", {{"flops", "lots"}}), {"costs.flops"});
  genotype("wrong_type_metrics", jsonWith(genotypeDoc(), "metrics", Json::object()), {"metrics"});
  genotype("metric_job_out_of_range",
           jsonWith(genotypeDoc(), "metrics", {{{"metric", "acc"}, {"value", 1}, {"job", 4}}}), {"provenance.jobs"});
  genotype("wrong_type_metric_dataset",
           jsonWith(genotypeDoc(), "metrics", {{{"metric", "acc"}, {"value", 1}, {"dataset", 3}}}), {"dataset"});
  genotype("hostile_sql_string", jsonWith(genotypeDoc(), "string", kSql), {"DROP TABLE"});
  c.push_back({"genotype_non_utf8_file", [](Env&) { parseJson("{\"string\":\"" + kNonUtf8 + "\"}", "g.json"); },
               {"g.json", "invalid JSON"}});
  c.push_back({"genotype_huge_string", [](Env& env) { importGenotypeDoc(env, jsonWith(genotypeDoc(), "string", hugeText())); },
               {"bytes in all"}});

  auto graph = [&](std::string name, std::string text, std::vector<std::string> mention) {
    c.push_back({"graph_" + name, [text](Env&) { graphFormFromJson(parseJson(text, "graph.json")); },
                 std::move(mention)});
  };
  graph("empty", "", {"graph.json"});
  graph("missing_space", R"({"nodes":[],"edges":[]})", {"space"});
  graph("wrong_type_nodes", R"({"space":"s","nodes":5,"edges":[]})", {"graph node"});
  graph("id_past_int", R"({"space":"s","nodes":[{"id":1e30,"label":"a","role":"b"}],"edges":[]})", {"id"});
  graph("wrong_type_active",
        R"({"space":"s","nodes":[],"edges":[{"from":0,"to":1,"op":"x","label":"x","active":"yes"}]})", {"active"});

  auto workspace = [&](std::string name, std::string bytes, std::vector<std::string> mention) {
    c.push_back({"workspace_" + name,
                 [bytes](Env& env) { Workspace::open(env.write("bad.nasw", bytes)); },
                 [&] {
                   mention.push_back("bad.nasw");
                   return mention;
                 }()});
  };
  workspace("text_file", "hello, not a database\n", {});
  workspace("truncated_sqlite", std::string("SQLite format 3\0", 16) + std::string(80, '\x01'), {});
  workspace("non_utf8", kNonUtf8 + std::string(4096, '\xff'), {});
  c.push_back({"workspace_missing_for_reading",
               [](Env& env) { Workspace::openForReading((env.dir / "none.nasw").string()); }, {"none.nasw"}});
  c.push_back({"workspace_folder", [](Env& env) { Workspace::open(env.dir.string()); }, {"nas-badinput-"}});
  return c;
}


class BadInput : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    static std::atomic<int> n{0};
    env_.dir = fs::temp_directory_path() / ("nas-badinput-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(env_.dir);
    ws_ = Workspace::open((env_.dir / "w.nasw").string());
    env_.ws = ws_.get();
  }
  void TearDown() override {
    ws_.reset();
    std::error_code ec;
    fs::remove_all(env_.dir, ec);
  }
  Env env_;
  std::unique_ptr<Workspace> ws_;
};

TEST_P(BadInput, GivesAClearNasErrorAndChangesNothing) {
  const Case& c = GetParam();
  const auto profiles = ws_->deviceProfiles().size();
  const auto archs = ws_->architectureCount();
  const auto jobs = ws_->jobs().size();
  bool threw = false;
  try {
    c.run(env_);
  } catch (const Error& e) {
    threw = true;
    const std::string what = e.what();
    EXPECT_NE(e.code(), ErrorCode::Internal) << what;
    EXPECT_FALSE(e.message().empty());
    // Clear: bounded (a 100 MB input is abbreviated), and naming the input and the problem.
    EXPECT_LT(what.size(), 12000u) << what.substr(0, 300);
    for (const auto& m : c.mention) {
      EXPECT_NE(what.find(m), std::string::npos) << "'" << m << "' not in: " << what.substr(0, 600);
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a nas::Error: " << e.what();
    threw = true;
  }
  EXPECT_TRUE(threw) << "accepted";
  if (c.name != "profile_existing_name") {  // that case checks its own second import
    EXPECT_EQ(ws_->deviceProfiles().size(), profiles);
  }
  EXPECT_EQ(ws_->architectureCount(), archs);
  EXPECT_EQ(ws_->jobs().size(), jobs);
}

INSTANTIATE_TEST_SUITE_P(Matrix, BadInput, ::testing::ValuesIn(allCases()),
                         [](const auto& info) { return info.param.name; });

// The count the issue's note quotes; a case added above must be counted here too.
TEST(BadInputMatrix, CaseCount) {
  const auto cases = allCases();
  std::cout << "bad-input matrix: " << cases.size() << " cases\n";
  EXPECT_GE(cases.size(), 100u);
}

// Hostile text that is valid must be stored verbatim (SQL only through bound parameters) and
// leave the workspace whole.
TEST(BadInputMatrix, HostileNamesAreStoredVerbatim) {
  const fs::path dir = fs::temp_directory_path() / ("nas-badinput-hostile-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    auto ws = Workspace::open((dir / "w.nasw").string());
    Json doc = profileDoc();
    doc["name"] = kSql;
    importDeviceProfile(*ws, doc);
    ASSERT_TRUE(ws->findDeviceProfile(kSql));
    Json g = genotypeDoc();
    g["metrics"] = {{{"metric", kSql}, {"value", 1.5}, {"dataset", kTraversal}}};
    Env env{dir, ws.get()};
    importGenotypeDoc(env, g);
    EXPECT_EQ(ws->architectureCount(), 1);
  }
  auto again = Workspace::openForReading((dir / "w.nasw").string());
  EXPECT_TRUE(again->findDeviceProfile(kSql));
  EXPECT_EQ(again->architectureCount(), 1);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
