// Schema 1 -> 2 (issue 6): an existing workspace gains the latency tables on open and keeps
// its rows; a read-only open of a schema-1 file asks for one read-write open first.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "StoreTestUtil.h"

using namespace nas;

namespace {
// Turns a fresh workspace into what schema 1 wrote: no latency tables, no job queue columns,
// no job log, user_version 1.
void downgradeToVersion1(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(SQLITE_OK, sqlite3_open(path.c_str(), &db));
  char* msg = nullptr;
  const int rc = sqlite3_exec(db,
                              "DROP TABLE latency_validations; DROP TABLE latency_corrections; "
                              "DROP TABLE latency_entries; DROP TABLE device_profiles; "
                              "DROP TABLE job_log; DROP INDEX jobs_uid; DROP INDEX jobs_status; "
                              "ALTER TABLE jobs DROP COLUMN worker; ALTER TABLE jobs DROP COLUMN host; "
                              "ALTER TABLE jobs DROP COLUMN heartbeat_at; ALTER TABLE jobs DROP COLUMN attempts; "
                              "ALTER TABLE jobs DROP COLUMN uid; ALTER TABLE jobs DROP COLUMN first_started_at; "
                              "ALTER TABLE jobs DROP COLUMN earlier_runs_seconds; PRAGMA user_version = 1;",
                              nullptr, nullptr, &msg);
  EXPECT_EQ(SQLITE_OK, rc) << (msg ? msg : "");
  sqlite3_free(msg);
  sqlite3_close(db);
}
}  // namespace

TEST(WorkspaceLatencyMigration, Version1GainsLatencyTablesAndKeepsRows) {
  nas::testing::TempDir dir;
  const std::string path = dir.file("old.nasdb");
  JobId job = 0;
  {
    auto ws = Workspace::open(path);
    job = ws->createJob("train", "{}");
    ws->upsertArchitecture("nb201", "x", 1.0, 2);
  }
  downgradeToVersion1(path);
  // Read-only cannot migrate: a clear error, the file untouched.
  EXPECT_THROW(Workspace::open(path, Workspace::Mode::ReadOnly), Error);
  auto ws = Workspace::open(path);
  EXPECT_EQ(Workspace::kSchemaVersion, ws->schemaVersion());
  EXPECT_EQ(job, ws->job(job).id);
  EXPECT_EQ(32u, ws->job(job).uid.size());  // schema 3 gave the old job a uid
  EXPECT_EQ(1, ws->architectureCount());
  DeviceProfileRecord p;
  p.name = "after-migration";
  const auto id = ws->ensureDeviceProfile(p);
  ws->putLatencyEntry(id, {"nb201", "fixed", 2.0, 0.1, 10, 0});
  EXPECT_EQ(1u, ws->latencyEntries(id).size());
}

TEST(WorkspaceLatencyMigration, OpenForReadingUpgradesAnOlderWorkspace) {
  nas::testing::TempDir dir;
  const std::string path = dir.file("old.nasdb");
  JobId job = 0;
  {
    auto ws = Workspace::open(path);
    job = ws->createJob("train", "{}");
  }
  downgradeToVersion1(path);
  auto ro = Workspace::openForReading(path);
  EXPECT_EQ(Workspace::kSchemaVersion, ro->schemaVersion());
  EXPECT_EQ(job, ro->job(job).id);
  EXPECT_THROW(ro->createJob("x", "{}"), Error);  // still read-only
  // A path that does not exist stays an error: reading never creates a workspace.
  try {
    Workspace::openForReading(dir.file("typo.nasdb"));
    FAIL() << "expected NotFound";
  } catch (const Error& e) {
    EXPECT_EQ(ErrorCode::NotFound, e.code());
  }
}
