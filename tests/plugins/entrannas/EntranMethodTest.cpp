// The jobs at tiny size on synthetic data: an EnTranNAS search cancelled after an epoch and
// resumed, its samples (genotype, heat grids the Heat Maps view reads, derived cell graphs) and
// result keys; DARTS on the NAS-Bench-201 cell looked up in the benchmark table; darts-eval of a
// genotype; the plugin through the real CLI.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "EntranMethods.h"
#include "cli/CliRunner.h"
#include "common/Error.h"
#include "engine/GridSamples.h"
#include "searchspace/DartsGenotype.h"
#include "searchspace/Nb201Cell.h"
#include "store/Workspace.h"

namespace nas::entrannas {
namespace {

namespace fs = std::filesystem;

class CancellingSink final : public ProgressSink {
 public:
  CancellingSink(CancelToken token, int cancelAfterEpoch) : token_(std::move(token)), after_(cancelAfterEpoch) {}
  void progress(double, const std::string&) override {}
  void metric(const std::string& series, int64_t step, double) override {
    series_.insert(series);
    if (after_ > 0 && series == "val_accuracy" && step >= after_) token_.cancel();
  }
  void log(const std::string& line) override { logs_.push_back(line); }
  std::set<std::string> series_;
  std::vector<std::string> logs_;

 private:
  CancelToken token_;
  int after_;
};

Json tinyParams() {
  return Json{{"dataset", "synthetic"}, {"train_limit", 96}, {"test_images", 64}, {"epochs", 2},
              {"batch_size", 16},       {"channels", 4},     {"layers", 3},       {"threads", 1},
              {"arch_lr", 0.01},        {"val_images", 32}};
}

fs::path freshDir(const std::string& what) {
  const fs::path dir = fs::temp_directory_path() / (what + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(EntranMethod, SearchResumesAndWritesGridsAndGraphsEveryEpoch) {
  const fs::path dir = freshDir("entrannas-method");
  auto ws = Workspace::open((dir / "ws.nasws").string());
  const CellSearchMethod method("entrannas");
  const JobId id = ws->createJob("entrannas", Json{{"method", "entrannas"}, {"params", tinyParams()}}.dump());
  CancelToken first;
  CancellingSink sink1(first, 1);
  JobContext ctx1(*ws, id, tinyParams(), sink1, first);
  try {
    method.run(ctx1);
    FAIL() << "expected a cancel";
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::Cancelled, e.code());
  }
  EXPECT_EQ(1u, ws->samples(id).size());

  CancellingSink sink2(CancelToken(), 0);
  JobContext ctx2(*ws, id, tinyParams(), sink2, CancelToken());
  const Json r = method.run(ctx2);
  EXPECT_TRUE(r.at("resumed").get<bool>());
  for (const auto& k : method.resultKeys()) EXPECT_TRUE(r.contains(k)) << k;
  EXPECT_FALSE(r.contains("test_accuracy"));  // no evaluation asked for
  const DartsGenotype g = DartsGenotype::parse(r.at("genotype").get<std::string>());
  EXPECT_EQ(r.at("genotype").get<std::string>(), g.toString());
  EXPECT_GT(r.at("peak_memory_mb").get<double>(), 0.0);
  EXPECT_GT(r.at("seconds_per_epoch").get<double>(), 0.0);  // the resumed run's epoch
  EXPECT_EQ(3, r.at("engine_cells").get<int>());            // 3 cells: all first of their stage

  const auto samples = ws->samples(id);
  ASSERT_EQ(2u, samples.size());
  const Json last = parseJson(samples[1].payloadJson, "sample");
  EXPECT_EQ(2, last.at("epoch").get<int>());
  EXPECT_EQ(r.at("genotype"), last.at("genotype"));
  const GridRun run = loadGridRun(*ws, id);
  EXPECT_TRUE(run.problems.empty()) << run.problems.front();
  ASSERT_EQ(2u, run.frames.size());
  ASSERT_EQ(2u, run.frames[1].grids.size());
  const HeatGrid& normal = run.frames[1].grids[0];
  EXPECT_EQ("normal", normal.name);
  EXPECT_EQ("reduce", run.frames[1].grids[1].name);
  ASSERT_EQ(14u, normal.rows.size());
  EXPECT_EQ("0\u21922", normal.rows[0]);
  ASSERT_EQ(8u, normal.columns.size());
  EXPECT_EQ("sep_conv_3x3", normal.columns[4]);
  // DST weights: zero exactly where the derived cell has no connection.
  for (size_t e = 0; e < 14; ++e)
    for (size_t k = 1; k < 8; ++k) {
      const DartsEdge edge = dartsEdges()[e];
      const auto& inputs = g.normal.nodes[static_cast<size_t>(edge.to - 2)];
      const bool kept = std::find(inputs.begin(), inputs.end(),
                                  DartsConnection{static_cast<DartsOp>(k), edge.from}) != inputs.end();
      EXPECT_EQ(kept, normal.values[e][k] > 0.0) << e << "," << k;
    }
  ASSERT_EQ(2u, run.frames[1].graphs.size());
  EXPECT_EQ(7u, run.frames[1].graphs[0].second.nodes.size());
  // A kept edge's label ends with its Engine weight, which is > 0 (DST keeps non-zero ones).
  const std::string& label = run.frames[1].graphs[0].second.edges.at(0).label;
  const double w = std::stod(label.substr(label.rfind(' ') + 1));
  EXPECT_GT(w, 0.0) << label;
  EXPECT_LE(w, 1.0) << label;
  // The same weight rides on the edge itself, for the view's line width.
  const GraphEdge& edge0 = run.frames[1].graphs[0].second.edges.at(0);
  ASSERT_TRUE(edge0.weighted());
  EXPECT_NEAR(w, edge0.weight, 0.005);
  for (const char* series : {"train_loss", "val_accuracy", "seconds_per_epoch"})
    EXPECT_TRUE(sink2.series_.count(series)) << series;
  ws.reset();
  fs::remove_all(dir);
}

TEST(EntranMethod, SecondOrderDartsOnNb201LooksTheCellUpAndEvaluates) {
  const fs::path dir = freshDir("darts-nb201");
  auto ws = Workspace::open((dir / "ws.nasws").string());
  const CellSearchMethod method("darts");
  Json params = tinyParams();
  params["space"] = "nb201";
  params["layers"] = 1;
  params["epochs"] = 1;
  params["eval_epochs"] = 1;
  params["eval_channels"] = 4;
  params["eval_layers"] = 1;
  params["eval_batch_size"] = 32;
  params["order"] = 2;  // second-order DARTS through the job
  const JobId id = ws->createJob("darts", Json{{"method", "darts"}, {"params", params}}.dump());
  CancellingSink sink(CancelToken(), 0);
  JobContext ctx(*ws, id, params, sink, CancelToken());
  const Json r = method.run(ctx);
  const Nb201Cell cell = Nb201Cell::parse(r.at("genotype").get<std::string>());
  EXPECT_EQ(cell.toString(), r.at("genotype").get<std::string>());
  // Every NB201 cell is in the CIFAR-10 table.
  ASSERT_TRUE(r.at("benchmark_test_accuracy").is_number()) << r.dump();
  EXPECT_GT(r.at("benchmark_test_accuracy").get<double>(), 5.0);
  EXPECT_EQ(3, r.at("cells").get<int>());         // one cell per stage
  EXPECT_EQ(3, r.at("engine_cells").get<int>());  // DARTS: every cell mixes all ops
  EXPECT_EQ(2, r.at("order").get<int>());
  ASSERT_TRUE(r.contains("test_accuracy"));
  EXPECT_GE(r.at("test_accuracy").get<double>(), 0.0);
  const GridRun run = loadGridRun(*ws, id);
  ASSERT_EQ(1u, run.frames.size());
  ASSERT_EQ(1u, run.frames[0].grids.size());
  EXPECT_EQ("cell", run.frames[0].grids[0].name);
  EXPECT_EQ(6u, run.frames[0].grids[0].rows.size());
  EXPECT_EQ("softmax weight", run.frames[0].grids[0].valueLabel);
  std::set<std::string> metrics;
  for (const auto& e : ws->evaluationsOfJob(id)) metrics.insert(e.metric);
  EXPECT_EQ((std::set<std::string>{"test_accuracy", "benchmark_test_accuracy"}), metrics);
  ws.reset();
  fs::remove_all(dir);
}

TEST(EntranMethod, CliRunsAllThreeMethodsAndRefusesBadGenotypes) {
  const fs::path dir = freshDir("entrannas-cli");
  const std::string ws = (dir / "ws.nasws").string();
  std::string params;
  const Json tiny = tinyParams();
  for (auto it = tiny.begin(); it != tiny.end(); ++it)
    params += " --param " + it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
  auto r = test::runCli("run entrannas" + params + " --param epochs=1 --param derivation=top2 --workspace " + ws +
                        " --json");
  ASSERT_EQ(0, r.exitCode) << r.out << r.err;
  Json j = Json::parse(r.out);
  for (const char* k : {"genotype", "search_seconds", "seconds_per_epoch", "peak_memory_mb"})
    EXPECT_TRUE(j.contains(k)) << k << " in " << r.out;
  EXPECT_TRUE(DartsGenotype::parse(j.at("genotype").get<std::string>()).standard());  // top-2: two inputs per node

  const std::string genotype = "\"" + j.at("genotype").get<std::string>() + "\"";
  r = test::runCli("run darts-eval --param dataset=synthetic --param train_limit=64 --param test_images=32 "
                   "--param eval_epochs=1 --param eval_channels=4 --param eval_layers=3 --param eval_batch_size=32 "
                   "--param threads=1 --param genotype=" + genotype + " --workspace " + ws + " --json");
  ASSERT_EQ(0, r.exitCode) << r.out << r.err;
  j = Json::parse(r.out);
  EXPECT_TRUE(j.at("test_accuracy").is_number());
  EXPECT_GT(j.at("params").get<double>(), 0.0);

  r = test::runCli("run darts-eval --param \"genotype=Genotype(normal=[('sep_conv_3x3', 7)])\" --workspace " + ws +
                   " --json");
  EXPECT_NE(0, r.exitCode);
  EXPECT_NE(std::string::npos, (r.out + r.err).find("column 35")) << r.out << r.err;
  r = test::runCli("run darts --param space=nb202 --workspace " + ws + " --json");
  EXPECT_NE(0, r.exitCode);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nas::entrannas
