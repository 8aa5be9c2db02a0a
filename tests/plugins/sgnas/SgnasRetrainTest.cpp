// "sgnas-retrain" at tiny size: trains a finished job's generated and random architectures
// from scratch, is cancelled after the first one and resumes without retraining it; bad
// inputs (not an sgnas job, a malformed architecture string) fail naming the input.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "SgnasMethod.h"
#include "SgnasRetrainMethod.h"
#include "common/Error.h"
#include "store/Workspace.h"

namespace nas::sgnas {
namespace {

namespace fs = std::filesystem;

// Cancels once the stage names the `n`-th architecture; counts training starts.
class CountingSink final : public ProgressSink {
 public:
  CountingSink(CancelToken token, int cancelAtArch) : token_(std::move(token)), cancelAt_(cancelAtArch) {}
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

class SgnasRetrain : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sgnas-retrain-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    ws_ = Workspace::open((dir_ / "ws.nasws").string());
    const Json p{{"preset", "tiny"},      {"dataset", "synthetic"}, {"supernet_epochs", 1}, {"batch_size", 64},
                 {"generator_epochs", 2}, {"generator_steps", 4},   {"eval_targets", 4},    {"random_per_target", 1},
                 {"eval_images", 64},     {"threads", 1}};
    sgnasJob_ = ws_->createJob("sgnas", Json{{"method", "sgnas"}, {"params", p}}.dump());
    NullProgressSink sink;
    JobContext ctx(*ws_, sgnasJob_, p, sink, CancelToken());
    SgnasMethod().run(ctx);
  }
  void TearDown() override {
    ws_.reset();
    fs::remove_all(dir_);
  }
  Json run(const Json& params, ProgressSink& sink, CancelToken token, JobId id) {
    JobContext ctx(*ws_, id, params, sink, std::move(token));
    return SgnasRetrainMethod().run(ctx);
  }
  JobId newJob(const Json& params) {
    return ws_->createJob("sgnas-retrain", Json{{"method", "sgnas-retrain"}, {"params", params}}.dump());
  }

  fs::path dir_;
  std::unique_ptr<Workspace> ws_;
  JobId sgnasJob_ = 0;
};

TEST_F(SgnasRetrain, TrainsPairsResumesAndRecords) {
  const Json p{{"from_job", sgnasJob_}, {"count", 2}, {"epochs", 1}, {"batch_size", 32},
               {"train_limit", 256},   {"test_images", 64}, {"threads", 1}};
  const JobId id = newJob(p);
  CancelToken token;
  CountingSink first(token, 2);
  try {
    run(p, first, token, id);
    FAIL() << "expected a cancel";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Cancelled);
  }
  ASSERT_EQ(ws_->evaluationsOfJob(id).size(), 1u);  // the first architecture was kept

  CountingSink second(CancelToken(), 0);
  const Json r = run(p, second, CancelToken(), id);
  EXPECT_EQ(second.started_, 3);  // architectures 2..4 only
  ASSERT_EQ(r.at("rows").size(), 4u);  // 2 generated, each followed by its random baseline
  EXPECT_EQ(r.at("rows")[0].at("kind"), "generated");
  EXPECT_EQ(r.at("rows")[1].at("kind"), "random");
  EXPECT_EQ(r.at("pairs").get<int>(), 2);
  for (const auto& row : r.at("rows")) {
    const double acc = row.at("test_accuracy").get<double>();
    EXPECT_GE(acc, 0.0);
    EXPECT_LE(acc, 1.0);
    EXPECT_GT(row.at("flops").get<double>(), 0.0);
    EXPECT_GE(row.at("supernet_accuracy").get<double>(), 0.0);
  }
  const auto evals = ws_->evaluationsOfJob(id);
  ASSERT_EQ(evals.size(), 4u);
  for (const auto& e : evals) {
    EXPECT_EQ(e.source, "scratch");
    EXPECT_EQ(e.metric, "test_accuracy");
  }
  EXPECT_EQ(ws_->samples(id).size(), 4u);
}

TEST_F(SgnasRetrain, GivenArchitecturesAreParsedAndBadOnesNamed) {
  const Json good{{"from_job", sgnasJob_}, {"archs", "tiny:333|3xx|777"}, {"epochs", 1},
                  {"train_limit", 128},   {"test_images", 32},            {"threads", 1}};
  NullProgressSink sink;
  const Json r = run(good, sink, CancelToken(), newJob(good));
  ASSERT_EQ(r.at("rows").size(), 1u);
  EXPECT_EQ(r.at("rows")[0].at("kind"), "given");

  Json bad = good;
  bad["archs"] = "tiny:333|3xx|779";
  try {
    run(bad, sink, CancelToken(), newJob(bad));
    FAIL() << "expected a parse error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("9"), std::string::npos) << e.what();
  }
}

TEST_F(SgnasRetrain, RefusesJobsThatAreNotSgnas) {
  const JobId other = ws_->createJob("train", R"({"method":"train","params":{}})");
  const Json p{{"from_job", other}, {"threads", 1}};
  NullProgressSink sink;
  try {
    run(p, sink, CancelToken(), newJob(p));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("not an sgnas job"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nas::sgnas
