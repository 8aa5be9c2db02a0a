// Several connections on one file: a writer lock held too long is WorkspaceLocked, and a
// reader keeps reading (WAL) while a writer appends.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "StoreTestUtil.h"
#include "store/Workspace.h"

namespace nas {
namespace {

using testing::expectError;
using testing::ScopedBusyTimeout;
using testing::TempDir;

void expectLocked(const std::string& path, const std::function<void()>& write) {
  auto e = expectError(ErrorCode::WorkspaceLocked, write);
  EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("locked by another process"), std::string::npos) << e.what();
}

TEST(WorkspaceConcurrency, WriterLockBeyondTimeoutIsLocked) {
  TempDir tmp;
  const std::string path = tmp.file("ws.nasws");
  auto holder = Workspace::open(path);
  ScopedBusyTimeout shortWait(100);
  auto other = Workspace::open(path);
  holder->transaction([&] {
    holder->createJob("holding", "{}");
    expectLocked(path, [&] { other->createJob("blocked", "{}"); });
    expectLocked(path, [&] { other->transaction([] {}); });
    // Reads are not blocked under WAL, and see only committed data.
    EXPECT_TRUE(other->jobs().empty());
  });
  // Once the lock is released, the same connection writes normally.
  other->createJob("after", "{}");
  EXPECT_EQ(2u, other->jobs().size());
}

TEST(WorkspaceConcurrency, LockHeldByAnotherProcess) {
  TempDir tmp;
  const std::string path = tmp.file("ws.nasws");
  Workspace::open(path);  // create it before forking
  int ready[2], release[2];
  ASSERT_EQ(0, pipe(ready));
  ASSERT_EQ(0, pipe(release));
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child: a worker holding a write transaction until the parent says stop.
    int rc = 0;
    try {
      auto ws = Workspace::open(path);
      ws->transaction([&] {
        ws->createJob("child", "{}");
        char c = 'x';
        if (write(ready[1], &c, 1) != 1) rc = 2;
        if (read(release[0], &c, 1) != 1) rc = 3;
      });
    } catch (...) {
      rc = 1;
    }
    _exit(rc);
  }
  char c = 0;
  ASSERT_EQ(1, read(ready[0], &c, 1));
  // The environment variable is the other way to set the timeout (tests, CLI).
  ::setenv("NASSTUDIO_BUSY_TIMEOUT_MS", "150", 1);
  auto ws = Workspace::open(path);
  ::unsetenv("NASSTUDIO_BUSY_TIMEOUT_MS");
  auto t0 = std::chrono::steady_clock::now();
  auto e = expectError(ErrorCode::WorkspaceLocked, [&] { ws->createJob("parent", "{}"); });
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  EXPECT_GE(waited, std::chrono::milliseconds(140));
  EXPECT_LT(waited, std::chrono::milliseconds(4000));  // the 5 s default was not used
  ASSERT_EQ(1, write(release[1], "x", 1));
  int status = 0;
  ASSERT_EQ(child, waitpid(child, &status, 0));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ws->createJob("parent", "{}");
  EXPECT_EQ(2u, ws->jobs().size());
  for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
}

TEST(WorkspaceConcurrency, ReaderPollsWhileWriterAppends) {
  TempDir tmp;
  const std::string path = tmp.file("ws.nasws");
  JobId job = Workspace::open(path)->createJob("train", "{}");
  constexpr int kBatches = 200, kPerBatch = 10;
  std::atomic<bool> writerFailed{false};
  std::thread writer([&] {
    try {
      auto ws = Workspace::open(path);  // one Workspace per thread
      for (int b = 0; b < kBatches; ++b) {
        std::vector<MetricPoint> pts;
        for (int i = 0; i < kPerBatch; ++i) pts.push_back({"loss", b * kPerBatch + i, 1.0 / (1 + b)});
        ws->appendMetrics(job, pts);
        ws->setJobProgress(job, double(b + 1) / kBatches, "batch");
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      writerFailed = true;
    }
  });
  auto reader = Workspace::open(path, Workspace::Mode::ReadOnly);
  std::int64_t cursor = 0, seen = 0, nextStep = 0;
  int polls = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (seen < kBatches * kPerBatch && !writerFailed && std::chrono::steady_clock::now() < deadline) {
    for (const auto& row : reader->metricsSince(cursor)) {
      EXPECT_GT(row.rowId, cursor);
      EXPECT_EQ(nextStep, row.point.step);  // whole batches, in order, none skipped
      cursor = row.rowId;
      ++nextStep;
      ++seen;
    }
    EXPECT_EQ(0, seen % kPerBatch);  // a batch is one transaction: never half of one
    ++polls;
  }
  writer.join();
  EXPECT_EQ(kBatches * kPerBatch, seen);
  EXPECT_DOUBLE_EQ(1.0, reader->job(job).progress);
  std::printf("[ info ] reader polled %d times while the writer appended\n", polls);
}

}  // namespace
}  // namespace nas

namespace nas {
namespace {

// Opening (and closing) a second Workspace on a file this process already holds must not
// drop the first connection's POSIX locks: otherwise another process that closes the file
// thinks it is the last user, checkpoints and deletes the WAL under the first connection.
TEST(WorkspaceConcurrency, SecondOpenInOneProcessKeepsTheFirstOnesLocks) {
  testing::TempDir tmp;
  const std::string path = tmp.file("ws.nasws");
  auto first = Workspace::open(path);
  first->createJob("first", "{}");
  auto second = Workspace::open(path);  // a second connection of this process, like the GUI's

  // A separate program (not a fork, which would share SQLite's in-process lock state): this
  // test binary re-run as a child that only runs ChildWritesOnce.
  const std::string cmd = "NAS_STORE_CHILD_WS='" + path + "' /proc/" + std::to_string(getpid()) +
                          "/exe --gtest_filter=WorkspaceConcurrency.ChildWritesOnce > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_TRUE(std::filesystem::exists(path + "-wal")) << "the WAL was removed under a live connection";
  EXPECT_EQ(first->jobs().size(), 2u);
  first->createJob("after", "{}");
  EXPECT_EQ(first->jobs().size(), 3u);
  second.reset();
  EXPECT_EQ(Workspace::open(path)->jobs().size(), 3u);
}

}  // namespace
}  // namespace nas

namespace nas {
namespace {
// The child half of SecondOpenInOneProcessKeepsTheFirstOnesLocks; does nothing on its own.
TEST(WorkspaceConcurrency, ChildWritesOnce) {
  const char* path = std::getenv("NAS_STORE_CHILD_WS");
  if (!path) GTEST_SKIP() << "runs only as the child of another test";
  Workspace::open(path)->createJob("child", "{}");
}
}  // namespace
}  // namespace nas
