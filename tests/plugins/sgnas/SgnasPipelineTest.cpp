// The whole "sgnas" job at tiny size on synthetic data, through the method and a temporary
// workspace: cancelled during generator training, resumed to the end, then used live.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <set>

#include "SgnasMethod.h"
#include "common/Error.h"
#include "store/Workspace.h"

namespace nas::sgnas {
namespace {

namespace fs = std::filesystem;

// Records metrics and cancels the job once a stage starting with `cancelAt` shows up.
class RecordingSink final : public ProgressSink {
 public:
  RecordingSink(CancelToken token, std::string cancelAt) : token_(std::move(token)), cancelAt_(std::move(cancelAt)) {}
  void progress(double, const std::string& stage) override {
    if (!cancelAt_.empty() && stage.rfind(cancelAt_, 0) == 0) token_.cancel();
  }
  void metric(const std::string& series, int64_t, double) override { series_.insert(series); }
  void log(const std::string&) override {}
  std::set<std::string> series_;

 private:
  CancelToken token_;
  std::string cancelAt_;
};

Json tinyParams() {
  return Json{{"preset", "tiny"},           {"dataset", "synthetic"},   {"supernet_epochs", 2},
              {"batch_size", 64},           {"generator_epochs", 4},    {"generator_steps", 6},
              {"generator_batch", 32},      {"eval_targets", 5},        {"random_per_target", 1},
              {"eval_images", 128},         {"calibration_batches", 1}, {"threads", 1},
              {"checkpoint_every", 5}};
}

TEST(SgnasPipeline, TinyJobRunsResumesAndGenerates) {
  const fs::path dir = fs::temp_directory_path() / ("sgnas-pipeline-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto ws = Workspace::open((dir / "ws.nasws").string());
  const SgnasMethod method;
  const JobId id = ws->createJob("sgnas", Json{{"method", "sgnas"}, {"params", tinyParams()}}.dump());

  CancelToken first;
  RecordingSink sink1(first, "generator epoch 2");
  JobContext ctx1(*ws, id, tinyParams(), sink1, first);
  try {
    method.run(ctx1);
    FAIL() << "expected a cancel";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Cancelled);
  }
  EXPECT_TRUE(ws->artifact(id, "supernet", "supernet").has_value());
  EXPECT_FALSE(ws->artifact(id, "generator", "best").has_value());

  RecordingSink sink2(CancelToken(), "");
  JobContext ctx2(*ws, id, tinyParams(), sink2, CancelToken());
  const Json result = method.run(ctx2);
  EXPECT_TRUE(result.at("resumed").get<bool>());
  EXPECT_EQ(result.at("targets").get<int>(), 5);
  EXPECT_EQ(result.at("rows").size(), 5u);
  for (const char* k : {"accuracy_diff_mean", "accuracy_diff_se", "beats_random_sign_p", "accuracy_se_per_arch"})
    EXPECT_TRUE(result.contains(k)) << k;
  EXPECT_EQ(result.at("eval_images").get<int>(), 128);
  for (const char* s : {"generator_loss", "hc_loss", "kendall_tau", "eval_accuracy"}) EXPECT_TRUE(sink2.series_.count(s)) << s;
  EXPECT_TRUE(sink1.series_.count("supernet_loss"));

  // Evaluations: 5 generated + 5 random, each with supernet_val_accuracy; generated with target_flops.
  const auto evals = ws->evaluationsOfJob(id);
  int acc = 0, targets = 0;
  for (const auto& e : evals) {
    EXPECT_EQ(e.source, "supernet");
    acc += e.metric == "supernet_val_accuracy";
    targets += e.metric == "target_flops";
  }
  EXPECT_EQ(acc, 10);
  EXPECT_EQ(targets, 5);
  EXPECT_EQ(ws->samples(id).size(), 10u);

  // Live generation from what the job left in the workspace.
  auto live = method.openGenerator(*ws, id);
  ASSERT_TRUE(live);
  const auto controls = live->controls();
  ASSERT_EQ(controls.size(), 2u);
  EXPECT_EQ(controls[0].name, "flops");
  EXPECT_LT(controls[0].min, controls[0].max);
  const Json out = live->generate(Json{{"flops", controls[0].defaultValue}});
  for (const char* k : {"arch", "flops", "params", "graph"}) EXPECT_TRUE(out.contains(k)) << k;
  EXPECT_EQ(out.at("arch").get<std::string>().rfind("tiny:", 0), 0u);
  const Json both = live->generate(Json{{"flops", controls[0].max}, {"params", controls[1].max}});
  EXPECT_GE(both.at("flops").get<double>(), controls[0].min);
  EXPECT_THROW(live->generate(Json{{"latency", 1}}), Error);
  EXPECT_THROW(method.openGenerator(*ws, id + 100), Error);

  ws.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nas::sgnas
