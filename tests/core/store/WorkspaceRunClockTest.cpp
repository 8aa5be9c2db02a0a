// The run clock over resumes (schema 4, issue 21): each run's time is added when it leaves
// "running" (at the last heartbeat when its worker died), the first start is kept, and a
// schema-3 workspace gains the columns with its latest run taken as the first.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "StoreTestUtil.h"

using namespace nas;

namespace {

// Runs `sql` on the workspace file directly: times are set in the past instead of waiting.
void exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(SQLITE_OK, sqlite3_open(path.c_str(), &db));
  char* msg = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
  EXPECT_EQ(SQLITE_OK, rc) << (msg ? msg : "");
  sqlite3_free(msg);
  sqlite3_close(db);
}

const Workspace::WorkerRef kWorker{"test:1", "test", 1};

}  // namespace

TEST(WorkspaceRunClock, EachRunIsAddedWhenItEndsAndTheFirstStartIsKept) {
  nas::testing::TempDir dir;
  const std::string path = dir.file("clock.nasdb");
  auto ws = Workspace::open(path);
  const JobId id = ws->createJob("train", "{}");
  EXPECT_EQ(ws->job(id).firstStartedAt, 0.0);
  ASSERT_TRUE(ws->takeJob(id, {JobStatus::Queued}, kWorker));
  const double firstStart = ws->job(id).startedAt;
  EXPECT_EQ(ws->job(id).firstStartedAt, firstStart);
  EXPECT_EQ(ws->job(id).earlierRunsSeconds, 0.0);

  // Run 1 began 100 s ago and is cancelled now: about 100 s are counted.
  exec(path, "UPDATE jobs SET started_at = started_at - 100, first_started_at = first_started_at - 100");
  ws->setJobStatus(id, JobStatus::Cancelled);
  const double afterRun1 = ws->job(id).earlierRunsSeconds;
  EXPECT_GE(afterRun1, 100.0);
  EXPECT_LT(afterRun1, 160.0);

  // Run 2 (a resume) keeps the first start; its worker dies 30 s in (last heartbeat) and the
  // run is found interrupted much later: 30 s are counted, not the time until it was found.
  ASSERT_TRUE(ws->takeJob(id, {JobStatus::Cancelled}, kWorker));
  EXPECT_EQ(ws->job(id).firstStartedAt, firstStart - 100);
  EXPECT_EQ(ws->job(id).attempts, 2);
  exec(path, "UPDATE jobs SET started_at = started_at - 1000, heartbeat_at = started_at - 970");
  ASSERT_TRUE(ws->moveJob(id, JobStatus::Running, JobStatus::Interrupted, "the worker stopped"));
  EXPECT_NEAR(ws->job(id).earlierRunsSeconds, afterRun1 + 30.0, 1e-6);

  // Queue and status changes outside a run add nothing.
  ws->setJobStatus(id, JobStatus::Queued);
  EXPECT_NEAR(ws->job(id).earlierRunsSeconds, afterRun1 + 30.0, 1e-6);
  ASSERT_TRUE(ws->takeJob(id, {JobStatus::Queued}, kWorker));
  ws->setJobStatus(id, JobStatus::Done);
  const JobRecord done = ws->job(id);
  EXPECT_GE(done.earlierRunsSeconds, afterRun1 + 30.0);
  EXPECT_LT(done.earlierRunsSeconds, afterRun1 + 90.0);
  EXPECT_EQ(done.firstStartedAt, firstStart - 100);
}

TEST(WorkspaceRunClock, ASchema3WorkspaceTakesItsLatestRunAsTheFirst) {
  nas::testing::TempDir dir;
  const std::string path = dir.file("v3.nasdb");
  JobId id = 0;
  {
    auto ws = Workspace::open(path);
    id = ws->createJob("train", "{}");
    ASSERT_TRUE(ws->takeJob(id, {JobStatus::Queued}, kWorker));
    ws->setJobStatus(id, JobStatus::Done);
  }
  exec(path, "ALTER TABLE jobs DROP COLUMN first_started_at; ALTER TABLE jobs DROP COLUMN earlier_runs_seconds; "
             "PRAGMA user_version = 3;");
  auto ws = Workspace::open(path);
  EXPECT_EQ(ws->schemaVersion(), Workspace::kSchemaVersion);
  const JobRecord j = ws->job(id);
  EXPECT_GT(j.startedAt, 0.0);
  EXPECT_EQ(j.firstStartedAt, j.startedAt);
  EXPECT_EQ(j.earlierRunsSeconds, 0.0);
}
