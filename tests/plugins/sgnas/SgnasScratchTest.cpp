// "sgnas-scratch" at tiny size: every (target, seed) gets a generated and a random
// architecture trained with the same seed, the generated one is the same for every seed of a
// target, the job resumes after a cancel without retraining what finished, and the result
// carries the paired summary. Also: the sgnas job reports in-sample and held-out constraint
// figures apart, and the paper recipe runs on another job's supernet.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>

#include "SgnasMethod.h"
#include "SgnasScratchMethod.h"
#include "common/Error.h"
#include "store/Workspace.h"

namespace nas::sgnas {
namespace {

namespace fs = std::filesystem;

// Cancels once the stage names the `n`-th training; counts training starts.
class CountingSink final : public ProgressSink {
 public:
  CountingSink(CancelToken token, int cancelAt) : token_(std::move(token)), cancelAt_(cancelAt) {}
  void progress(double, const std::string& stage) override {
    if (stage.rfind("train ", 0) != 0) return;
    const int n = std::stoi(stage.substr(6));
    if (n != last_) ++started_, last_ = n;
    if (cancelAt_ > 0 && n == cancelAt_) token_.cancel();
  }
  void metric(const std::string&, int64_t, double) override {}
  void log(const std::string&) override {}
  int started_ = 0;

 private:
  CancelToken token_;
  int cancelAt_;
  int last_ = 0;
};

class SgnasScratch : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sgnas-scratch-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    ws_ = Workspace::open((dir_ / "ws.nasws").string());
    const Json p{{"preset", "tiny"},      {"dataset", "synthetic"}, {"supernet_epochs", 1}, {"batch_size", 64},
                 {"generator_epochs", 2}, {"generator_steps", 3},   {"eval_targets", 4},    {"random_per_target", 0},
                 {"eval_images", 64},     {"heldout_random_targets", 5}, {"threads", 1}};
    sgnasJob_ = ws_->createJob("sgnas", Json{{"method", "sgnas"}, {"params", p}}.dump());
    NullProgressSink sink;
    JobContext ctx(*ws_, sgnasJob_, p, sink, CancelToken());
    sgnasResult_ = SgnasMethod().run(ctx);
  }
  void TearDown() override {
    ws_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<Workspace> ws_;
  JobId sgnasJob_ = 0;
  Json sgnasResult_;
};

TEST_F(SgnasScratch, SgnasJobReportsInSampleAndHeldOutApart) {
  const Json& in = sgnasResult_.at("in_sample");
  const Json& out = sgnasResult_.at("held_out");
  EXPECT_EQ(in.at("targets").get<int>(), 4);
  EXPECT_EQ(out.at("targets").get<int>(), 3 + 5);
  for (const auto& t : out.at("target_flops"))
    for (const auto& g : in.at("target_flops")) EXPECT_NE(t.get<double>(), g.get<double>());
  EXPECT_EQ(sgnasResult_.at("recipe"), "studio");
}

TEST_F(SgnasScratch, PaperRecipeReusesAnotherJobsSupernet) {
  const Json p{{"preset", "tiny"},      {"dataset", "synthetic"}, {"recipe", "paper"}, {"supernet_from_job", sgnasJob_},
               {"generator_epochs", 2}, {"generator_steps", 2},   {"eval_targets", 4}, {"random_per_target", 0},
               {"eval_images", 64},     {"threads", 1}};
  const JobId id = ws_->createJob("sgnas", Json{{"method", "sgnas"}, {"params", p}}.dump());
  NullProgressSink sink;
  JobContext ctx(*ws_, id, p, sink, CancelToken());
  const Json r = SgnasMethod().run(ctx);
  EXPECT_EQ(r.at("recipe"), "paper");
  EXPECT_EQ(r.at("recipe_params").at("decode_samples").get<int>(), 0);
  EXPECT_EQ(r.at("recipe_params").at("generator_epochs").get<int>(), 2);  // given, so kept
  EXPECT_EQ(r.at("phase_seconds").at("supernet").get<double>(), 0.0);
  EXPECT_EQ(*ws_->artifact(id, "supernet", "supernet"), *ws_->artifact(sgnasJob_, "supernet", "supernet"));
}

TEST_F(SgnasScratch, PairsByTargetAndResumes) {
  const Json p{{"from_job", sgnasJob_}, {"targets", 2},       {"seeds", 2},          {"epochs", 1},
               {"batch_size", 32},      {"train_limit", 128}, {"test_images", 64},   {"estimate_images", 32},
               {"threads", 1}};
  const JobId id = ws_->createJob("sgnas-scratch", Json{{"method", "sgnas-scratch"}, {"params", p}}.dump());
  CancelToken token;
  CountingSink first(token, 3);
  try {
    JobContext ctx(*ws_, id, p, first, token);
    SgnasScratchMethod().run(ctx);
    FAIL() << "expected a cancel";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Cancelled);
  }
  ASSERT_EQ(ws_->evaluationsOfJob(id).size(), 2u);  // the first pair was kept

  CountingSink second(CancelToken(), 0);
  JobContext ctx(*ws_, id, p, second, CancelToken());
  const Json r = SgnasScratchMethod().run(ctx);
  EXPECT_EQ(second.started_, 6);  // trainings 3..8 only
  const Json& rows = r.at("rows");
  ASSERT_EQ(rows.size(), 8u);
  std::map<std::pair<int, int>, std::map<std::string, Json>> byPair;
  std::map<int, std::string> generatedOf;
  for (const auto& row : rows) {
    const int t = row.at("target").get<int>(), s = row.at("seed").get<int>();
    byPair[{t, s}][row.at("kind").get<std::string>()] = row;
    if (row.at("kind") == "generated") {
      if (generatedOf.count(t)) {
        EXPECT_EQ(generatedOf[t], row.at("arch").get<std::string>());
      }
      generatedOf[t] = row.at("arch").get<std::string>();
    }
  }
  ASSERT_EQ(byPair.size(), 4u);  // 2 targets x 2 seeds
  for (const auto& [key, kinds] : byPair) {
    ASSERT_EQ(kinds.size(), 2u);
    EXPECT_EQ(kinds.at("generated").at("target_flops"), kinds.at("random").at("target_flops"));
  }
  // Seed-major order: seed 0 of every target before seed 1.
  EXPECT_EQ(rows[0].at("seed").get<int>(), 0);
  EXPECT_EQ(rows[3].at("seed").get<int>(), 0);
  EXPECT_EQ(rows[4].at("seed").get<int>(), 1);
  EXPECT_EQ(r.at("pairs").get<int>(), 4);
  EXPECT_EQ(r.at("targets").get<int>(), 2);
  EXPECT_TRUE(r.contains("difference_ci95"));
  EXPECT_TRUE(r.contains("kendall_tau_supernet_vs_scratch"));
  EXPECT_EQ(ws_->samples(id).size(), 8u);
}

}  // namespace
}  // namespace nas::sgnas
