// The "repnas" job at tiny size on synthetic data: cancelled after an epoch and resumed, its
// workspace records (samples with the branch grid, the deployed artifact, evaluations), and
// the real CLI: `nasstudio-cli run repnas --param ... --json` with the keys issue 16 asks for.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "RepnasMethod.h"
#include "RepnasSearch.h"
#include "cli/CliRunner.h"
#include "common/Error.h"
#include "data/DatasetLoader.h"
#include "engine/GridSamples.h"
#include "store/Workspace.h"

namespace nas::repnas {
namespace {

namespace fs = std::filesystem;

class CancellingSink final : public ProgressSink {
 public:
  CancellingSink(CancelToken token, int cancelAfterEpoch) : token_(std::move(token)), after_(cancelAfterEpoch) {}
  void progress(double, const std::string&) override {}
  void metric(const std::string& series, int64_t step, double) override {
    series_.insert(series);
    if (after_ > 0 && series == "test_accuracy" && step >= after_) token_.cancel();
  }
  void log(const std::string& line) override { logs_.push_back(line); }
  std::set<std::string> series_;
  std::vector<std::string> logs_;

 private:
  CancelToken token_;
  int after_;
};

Json tinyParams() {
  return Json{{"dataset", "synthetic"}, {"train_limit", 192},   {"test_images", 64},      {"random_epochs", 1},
              {"search_epochs", 1},     {"fixed_epochs", 1},    {"batch_size", 64},       {"threads", 1},
              {"arch_lr", 0.05},        {"latency_budget_ms", 20}};
}

fs::path freshDir(const std::string& what) {
  const fs::path dir = fs::temp_directory_path() / (what + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(RepnasMethod, TinyJobResumesAndKeepsTheDeployedNetwork) {
  const fs::path dir = freshDir("repnas-method");
  auto ws = Workspace::open((dir / "ws.nasws").string());
  const RepnasMethod method;
  const JobId id = ws->createJob("repnas", Json{{"method", "repnas"}, {"params", tinyParams()}}.dump());
  CancelToken first;
  CancellingSink sink1(first, 1);
  JobContext ctx1(*ws, id, tinyParams(), sink1, first);
  try {
    method.run(ctx1);
    FAIL() << "expected a cancel";
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::Cancelled, e.code());
  }
  EXPECT_EQ(1u, ws->samples(id).size());  // the first epoch's grid
  EXPECT_FALSE(ws->artifact(id, "model", "deployed").has_value());

  CancellingSink sink2(CancelToken(), 0);
  JobContext ctx2(*ws, id, tinyParams(), sink2, CancelToken());
  const Json r = method.run(ctx2);
  EXPECT_NE(std::find_if(sink2.logs_.begin(), sink2.logs_.end(),
                         [](const std::string& l) { return l.rfind("resumed after epoch 1", 0) == 0; }),
            sink2.logs_.end());
  for (const auto& k : method.resultKeys()) EXPECT_TRUE(r.contains(k)) << k;
  EXPECT_LE(r.at("max_abs_diff").get<double>(), 1e-4);
  EXPECT_EQ(r.at("branch_budget").get<int>(), r.at("branch_count").get<int>());
  EXPECT_EQ(7u, r.at("branches").size());
  EXPECT_GT(r.at("latency_ms").at("deployed").get<double>(), 0.0);
  EXPECT_GT(r.at("latency_ms").at("multi_branch").get<double>(), 0.0);

  // One sample per epoch, each a 7 x 6 grid, then the deployed frame; the fixed epoch's grid
  // is the result.
  const auto samples = ws->samples(id);
  ASSERT_EQ(4u, samples.size());
  const Json last = parseJson(samples[2].payloadJson, "sample");
  EXPECT_EQ("fixed", last.at("phase").get<std::string>());
  EXPECT_EQ(r.at("arch"), last.at("arch"));
  EXPECT_EQ(7u, last.at("grid").size());
  EXPECT_EQ(6u, last.at("grid")[0].size());
  // The same samples as the Heat Maps tab reads them: kept-branch grids every epoch, branch
  // probabilities while searching, and the block before and after merging with both forms.
  const GridRun frames = loadGridRun(*ws, id);
  EXPECT_TRUE(frames.problems.empty()) << frames.problems.front();
  ASSERT_EQ(4u, frames.frames.size());
  ASSERT_EQ(2u, frames.frames[1].grids.size());  // search phase: kept and probability
  EXPECT_EQ("probability", frames.frames[1].grids[1].name);
  for (std::size_t l = 0; l < 7; ++l)
    for (std::size_t b = 0; b < 6; ++b)
      EXPECT_EQ(last.at("grid")[l][b].get<double>(), frames.frames[2].grids[0].values[l][b]);
  const GridFrame& deployedFrame = frames.frames.back();
  ASSERT_EQ(2u, deployedFrame.graphs.size());
  EXPECT_NE(std::string::npos, deployedFrame.graphs[0].first.find("before merging"));
  EXPECT_EQ(1u, deployedFrame.graphs[1].second.edges.size());  // one conv after merging
  EXPECT_GE(deployedFrame.graphs[0].second.edges.size(), 2u);    // branches + ReLU before
  ASSERT_TRUE(deployedFrame.table.has_value());
  EXPECT_EQ(3u, deployedFrame.table->header.size());
  for (const char* series : {"test_accuracy", "epoch_train_loss", "layers_with_kxk", "layers_with_1x1-avg", "layers_with_kx1"})
    EXPECT_TRUE(sink2.series_.count(series)) << series;

  // The artifact is the deployed network: it reproduces the deployed test accuracy.
  const auto bytes = ws->artifact(id, "model", "deployed");
  ASSERT_TRUE(bytes.has_value());
  LoadedDeployed d = loadDeployedArtifact(*bytes);
  EXPECT_EQ(r.at("arch").get<std::string>(), d.arch);
  const ImageDataset test = loadImageDataset("synthetic", "", false).head(64);
  const double acc = accuracyOf([&](const torch::Tensor& x) { return d.net->forward(x); }, test,
                                datasetNormalization("synthetic", 1));
  EXPECT_DOUBLE_EQ(r.at("deployed_test_accuracy").get<double>(), acc);
  std::set<std::string> metrics;
  for (const auto& e : ws->evaluationsOfJob(id)) metrics.insert(e.metric);
  EXPECT_EQ((std::set<std::string>{"test_accuracy", "deployed_test_accuracy", "latency_ms", "multi_branch_latency_ms"}),
            metrics);
  ws.reset();
  fs::remove_all(dir);
}

TEST(RepnasMethod, CliRunGivesBothFormsAndRejectsBadInput) {
  const fs::path dir = freshDir("repnas-cli-run");
  const std::string ws = (dir / "ws.nasws").string();
  std::string params;
  const Json tiny = tinyParams();
  for (auto it = tiny.begin(); it != tiny.end(); ++it)
    params += " --param " + it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
  auto r = test::runCli("run repnas" + params + " --param branch_set=repvgg --workspace " + ws + " --json");
  ASSERT_EQ(0, r.exitCode) << r.out << r.err;
  const Json j = Json::parse(r.out);
  for (const char* k : {"branches", "test_accuracy", "deployed_test_accuracy", "max_abs_diff", "latency_ms", "speedup"})
    EXPECT_TRUE(j.contains(k)) << k << " in " << r.out;
  EXPECT_EQ("k1|k1|k1|k1|k1|k1|k1", j.at("arch").get<std::string>());
  EXPECT_EQ(Json::array({"kxk", "1x1", "identity"}), j.at("branches")[3]);
  EXPECT_LE(j.at("max_abs_diff").get<double>(), 1e-4);
  r = test::runCli("run repnas --param branch_set=given --param arch=k1 --param dataset=synthetic --workspace " + ws +
                   " --json");
  EXPECT_NE(0, r.exitCode);
  EXPECT_NE((r.out + r.err).find("repnas architecture 'k1'"), std::string::npos) << r.out << r.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nas::repnas
