// A worker hung inside a write transaction held the workspace's lock for as long as it lived,
// so no other worker could take its job over (issue 13). The WriteWatchdog aborts such a
// process: these death tests hang a job inside a transaction for good, and check that the
// process dies, the lock is free afterwards, nothing of the hung transaction was kept, and the
// job is re-queued for another worker. Nothing is timed: the child hangs until it is aborted.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "FakeMethods.h"
#include "jobs/JobRunner.h"
#include "jobs/JobService.h"
#include "jobs/WriteWatchdog.h"
#include "store/Workspace.h"

using namespace nas;
namespace fs = std::filesystem;

namespace {

// Takes the write lock, writes a line, and never lets go: a hang inside a transaction.
class HangInWriteMethod final : public Method {
 public:
  std::string name() const override { return "hang-in-write"; }
  std::string title() const override { return "Hang in a write (test method)"; }
  std::string description() const override { return "Hangs inside a write transaction."; }
  ParamSchema schema() const override { return {}; }
  Json run(JobContext& ctx) const override {
    ctx.workspace().transaction([&] {
      ctx.workspace().createJob("written-by-the-hung-transaction", "{}");
      for (;;) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    });
    return Json::object();
  }
};

class WriteWatchdogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nas-watchdog-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "ws.nasdb").string();
    registry_.add(std::make_unique<HangInWriteMethod>());
    registry_.add(std::make_unique<test::CountingMethod>());
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string path_;
  MethodRegistry registry_;
};

}  // namespace

TEST_F(WriteWatchdogTest, AProcessHungInsideAWriteTransactionIsAbortedAndTheLockFreed) {
  Workspace::open(path_)->createJob("count", "{}");  // the file exists, closed again before the fork
  EXPECT_DEATH(
      {
        auto ws = Workspace::open(path_);
        const WriteWatchdog watchdog(*ws, std::chrono::milliseconds(200), std::chrono::milliseconds(20));
        ws->transaction([&] {
          ws->createJob("written-by-the-hung-transaction", "{}");
          for (;;) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        });
      },
      "held the write lock of .* hangs inside a write transaction");
  auto ws = Workspace::open(path_);
  ws->transaction([&] { ws->createJob("after", "{}"); });  // the lock is free (within the busy timeout)
  for (const auto& j : ws->jobs()) EXPECT_NE(j.method, "written-by-the-hung-transaction");  // rolled back
  EXPECT_EQ(ws->jobs().size(), 2u);
}

TEST_F(WriteWatchdogTest, AJobHungInsideAWriteIsAbortedAndItsJobReQueued) {
  const JobId id = submitJob(registry_, path_, Json{{"method", "hang-in-write"}, {"params", Json::object()}});
  RunnerOptions options;
  options.writeLockLimit = std::chrono::milliseconds(300);
  EXPECT_DEATH(runJob(registry_, path_, id, nullptr, CancelToken(), options), "hangs inside a write transaction");
  auto ws = Workspace::open(path_);
  // The job was left running by a process that is gone: the next worker re-queues it.
  EXPECT_EQ(ws->job(id).status, JobStatus::Running);
  JobService service(*ws);
  const JobService::Reaped reaped = service.reap(true);
  ASSERT_EQ(reaped.requeued.size(), 1u);
  EXPECT_EQ(reaped.requeued.front(), id);
  EXPECT_EQ(ws->job(id).status, JobStatus::Queued);
  EXPECT_EQ(ws->jobs().size(), 1u);  // the hung transaction's row was rolled back
}

TEST_F(WriteWatchdogTest, ShortTransactionsAndAZeroLimitLeaveTheProcessAlone) {
  auto ws = Workspace::open(path_);
  EXPECT_EQ(ws->writeLockHeldSeconds(), 0.0);
  double inside = -1;
  {
    const WriteWatchdog watchdog(*ws, std::chrono::milliseconds(60000), std::chrono::milliseconds(10));
    const WriteWatchdog off(*ws, std::chrono::milliseconds(0));  // no thread at all
    for (int i = 0; i < 20; ++i)
      ws->transaction([&] {
        ws->createJob("count", "{}");
        inside = ws->writeLockHeldSeconds();
      });
  }
  EXPECT_GT(inside, 0.0);  // measured while the transaction was open
  EXPECT_EQ(ws->writeLockHeldSeconds(), 0.0);  // none open now
  EXPECT_EQ(ws->jobs().size(), 20u);
  // A job of the counting method runs to done under the default limit.
  const JobId id = submitJob(registry_, path_, Json{{"method", "count"}, {"params", {{"steps", 5}}}});
  EXPECT_EQ(runJob(registry_, path_, id, nullptr, CancelToken()).status, JobStatus::Done);
}
