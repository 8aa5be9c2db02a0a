#include <gtest/gtest.h>

#include <filesystem>

#include "FakeMethods.h"
#include "jobs/JobRunner.h"
#include "store/Workspace.h"

using namespace nas;
namespace fs = std::filesystem;

namespace {
class JobRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nas-jobrunner-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "ws.nasdb").string();
    registry_.add(std::make_unique<test::CountingMethod>());
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string path_;
  MethodRegistry registry_;
};

class RecordingSink final : public ProgressSink {
 public:
  void progress(double f, const std::string&) override { fractions.push_back(f); }
  void metric(const std::string&, int64_t, double) override { ++metrics; }
  void log(const std::string&) override {}
  std::vector<double> fractions;
  int metrics = 0;
};
}  // namespace

TEST_F(JobRunnerTest, SubmitValidatesAgainstTheSchema) {
  EXPECT_THROW(submitJob(registry_, path_, Json{{"method", "nope"}}), Error);
  EXPECT_THROW(submitJob(registry_, path_, Json{{"method", "count"}, {"params", {{"steps", 0}}}}), Error);
  EXPECT_THROW(submitJob(registry_, path_, Json{{"params", Json::object()}}), Error);
  JobId id = submitJob(registry_, path_, Json{{"method", "count"}, {"params", {{"steps", 5}}}});
  auto ws = Workspace::open(path_);
  JobRecord job = ws->job(id);
  EXPECT_EQ(job.status, JobStatus::Queued);
  EXPECT_EQ(job.method, "count");
  Json spec = Json::parse(job.specJson);
  EXPECT_EQ(spec["params"]["steps"], 5);
  EXPECT_EQ(spec["params"]["fail_at"], -1);  // defaults stored with the job
}

TEST_F(JobRunnerTest, RunsToDoneAndWritesMetrics) {
  JobId id = submitJob(registry_, path_, Json{{"method", "count"}, {"params", {{"steps", 7}}}});
  RecordingSink sink;
  JobOutcome out = runJob(registry_, path_, id, &sink, CancelToken());
  ASSERT_EQ(out.status, JobStatus::Done) << out.error;
  EXPECT_EQ(out.result["steps_run"], 7);
  EXPECT_EQ(sink.metrics, 7);
  auto ws = Workspace::open(path_);
  JobRecord job = ws->job(id);
  EXPECT_EQ(job.status, JobStatus::Done);
  EXPECT_DOUBLE_EQ(job.progress, 1.0);
  EXPECT_GT(job.finishedAt, 0);
  EXPECT_EQ(Json::parse(job.resultJson)["steps_run"], 7);
  EXPECT_EQ(ws->metrics(id, "value").size(), 7u);
}

TEST_F(JobRunnerTest, FailureIsRecordedWithItsMessage) {
  JobId id = submitJob(registry_, path_, Json{{"method", "count"}, {"params", {{"steps", 7}, {"fail_at", 3}}}});
  JobOutcome out = runJob(registry_, path_, id, nullptr, CancelToken());
  EXPECT_EQ(out.status, JobStatus::Failed);
  EXPECT_NE(out.error.find("failing on purpose at step 3"), std::string::npos);
  auto ws = Workspace::open(path_);
  EXPECT_EQ(ws->job(id).status, JobStatus::Failed);
  EXPECT_NE(ws->job(id).error.find("step 3"), std::string::npos);
  EXPECT_EQ(ws->metrics(id, "value").size(), 3u);  // what ran before the failure is kept
}

TEST_F(JobRunnerTest, CancelThenResumeContinuesFromCheckpoint) {
  JobId id = submitJob(registry_, path_, Json{{"method", "count"}, {"params", {{"steps", 10}}}});
  // Cancel through the workspace flag, as another process (GUI, `jobs cancel`) would.
  CancelToken token;
  int calls = 0;
  token.addPoll([&] { return ++calls > 4; });
  JobOutcome first = runJob(registry_, path_, id, nullptr, token);
  ASSERT_EQ(first.status, JobStatus::Cancelled);
  auto ws = Workspace::open(path_);
  EXPECT_EQ(ws->job(id).status, JobStatus::Cancelled);
  JobOutcome second = runJob(registry_, path_, id, nullptr, CancelToken());
  ASSERT_EQ(second.status, JobStatus::Done) << second.error;
  int resumedFrom = second.result["resumed_from"];
  EXPECT_GT(resumedFrom, 0);
  EXPECT_EQ(second.result["steps_run"].get<int>() + resumedFrom, 10);
}

TEST_F(JobRunnerTest, WorkspaceCancelFlagStopsTheJob) {
  JobId id = submitJob(registry_, path_, Json{{"method", "count"}, {"params", {{"steps", 200}, {"sleep_ms", 10}}}});
  {
    auto ws = Workspace::open(path_);
    ws->requestCancel(id);
  }
  // runJob clears a stale flag when it starts (a resume must not stop at once), so set it
  // again from a second connection while the job runs.
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto ws = Workspace::open(path_);
    ws->requestCancel(id);
  });
  JobOutcome out = runJob(registry_, path_, id, nullptr, CancelToken());
  canceller.join();
  EXPECT_EQ(out.status, JobStatus::Cancelled);
}

TEST_F(JobRunnerTest, MissingJobFailsCleanly) {
  JobOutcome out = runJob(registry_, path_, 4242, nullptr, CancelToken());
  EXPECT_EQ(out.status, JobStatus::Failed);
  EXPECT_NE(out.error.find("4242"), std::string::npos) << out.error;
}
