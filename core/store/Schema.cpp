#include "store/Schema.h"

#include <sqlite3.h>

#include <iterator>

#include "common/Error.h"
#include "store/SqliteError.h"
#include "store/Statement.h"
#include "store/Workspace.h"

namespace nas::store {

namespace {

void execScript(sqlite3* db, const char* sql, const std::string& path, const char* doing) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
  sqlite3_free(msg);
  if (rc != SQLITE_OK) throwSqlite(db, rc, path, doing);
}

// Version 0 -> 1: everything. Notes on choices:
// - jobs and metrics use AUTOINCREMENT so ids are never reused after deleteJob: views keep
//   job ids, and metricsSince() relies on new metric rowids being above every old one.
// - value columns are nullable because SQLite stores NaN as NULL (a diverged loss is NaN);
//   the store reads NULL back as NaN.
// - evaluations(metric, arch_id, value) covers MAX(value) GROUP BY arch_id for one metric,
//   which the table and scatter views run over every architecture.
// - indexes on the foreign-key child columns keep deleteJob and ON DELETE actions from
//   scanning whole tables.
// - application_id (in the file header) lets `file` and other tools recognise the file; the
//   meta row is what NAS Studio checks.
void createVersion1(sqlite3* db, const std::string& path) {
  execScript(db, R"sql(
    CREATE TABLE meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE jobs (
      id               INTEGER PRIMARY KEY AUTOINCREMENT,
      method           TEXT    NOT NULL,
      spec_json        TEXT    NOT NULL,
      status           TEXT    NOT NULL DEFAULT 'queued',
      progress         REAL    NOT NULL DEFAULT 0,
      stage            TEXT    NOT NULL DEFAULT '',
      error            TEXT    NOT NULL DEFAULT '',
      result_json      TEXT    NOT NULL DEFAULT '{}',
      cancel_requested INTEGER NOT NULL DEFAULT 0,
      pid              INTEGER NOT NULL DEFAULT 0,
      created_at       REAL    NOT NULL,
      started_at       REAL    NOT NULL DEFAULT 0,
      finished_at      REAL    NOT NULL DEFAULT 0,
      updated_at       REAL    NOT NULL
    );

    CREATE TABLE architectures (
      id         INTEGER PRIMARY KEY,
      space      TEXT    NOT NULL,
      canonical  TEXT    NOT NULL,
      flops      REAL    NOT NULL DEFAULT 0,
      params     INTEGER NOT NULL DEFAULT 0,
      created_at REAL    NOT NULL,
      UNIQUE (space, canonical)
    );

    CREATE TABLE evaluations (
      id         INTEGER PRIMARY KEY,
      arch_id    INTEGER NOT NULL REFERENCES architectures(id) ON DELETE CASCADE,
      job_id     INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
      source     TEXT    NOT NULL,
      dataset    TEXT    NOT NULL,
      metric     TEXT    NOT NULL,
      value      REAL,
      created_at REAL    NOT NULL
    );
    CREATE INDEX evaluations_metric_arch ON evaluations(metric, arch_id, value);
    CREATE INDEX evaluations_arch ON evaluations(arch_id);
    CREATE INDEX evaluations_job ON evaluations(job_id);

    CREATE TABLE metrics (
      id     INTEGER PRIMARY KEY AUTOINCREMENT,
      job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      series TEXT    NOT NULL,
      step   INTEGER NOT NULL,
      value  REAL
    );
    CREATE INDEX metrics_job_series ON metrics(job_id, series);

    CREATE TABLE samples (
      id           INTEGER PRIMARY KEY,
      job_id       INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      round        INTEGER NOT NULL,
      arch_id      INTEGER REFERENCES architectures(id) ON DELETE SET NULL,
      payload_json TEXT    NOT NULL DEFAULT '{}'
    );
    CREATE INDEX samples_job ON samples(job_id, round);
    CREATE INDEX samples_arch ON samples(arch_id);

    CREATE TABLE artifacts (
      id         INTEGER PRIMARY KEY,
      job_id     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      kind       TEXT    NOT NULL,
      name       TEXT    NOT NULL,
      bytes      BLOB    NOT NULL,
      size       INTEGER NOT NULL,
      created_at REAL    NOT NULL,
      UNIQUE (job_id, kind, name)
    );

    PRAGMA application_id = 1313903443;  -- 0x4E504153, "NPAS"
  )sql",
             path, "creating the workspace tables");
  Statement marker(db, "INSERT INTO meta(key, value) VALUES (?1, ?2)", path);
  marker.bindText(1, kMarkerKey);
  marker.bindText(2, kMarkerValue);
  marker.run();
}

// Version 1 -> 2: device profiles and latency lookup tables (issue 6). A profile is one
// machine + thread count + batch size; its entries are keyed by (space, key) so a profiling
// job that was killed resumes by skipping the keys present. Corrections and validation pairs
// are per (profile, space). Deleting a profile deletes all of its rows.
void addLatencyTables(sqlite3* db, const std::string& path) {
  execScript(db, R"sql(
    CREATE TABLE device_profiles (
      id            INTEGER PRIMARY KEY,
      name          TEXT    NOT NULL UNIQUE,
      cpu           TEXT    NOT NULL DEFAULT '',
      threads       INTEGER NOT NULL,
      batch         INTEGER NOT NULL,
      torch_version TEXT    NOT NULL DEFAULT '',
      created_at    REAL    NOT NULL
    );

    CREATE TABLE latency_entries (
      profile_id INTEGER NOT NULL REFERENCES device_profiles(id) ON DELETE CASCADE,
      space      TEXT    NOT NULL,
      key        TEXT    NOT NULL,
      median_ms  REAL    NOT NULL,
      iqr_ms     REAL    NOT NULL DEFAULT 0,
      repeats    INTEGER NOT NULL DEFAULT 0,
      created_at REAL    NOT NULL,
      PRIMARY KEY (profile_id, space, key)
    ) WITHOUT ROWID;

    CREATE TABLE latency_corrections (
      profile_id INTEGER NOT NULL REFERENCES device_profiles(id) ON DELETE CASCADE,
      space      TEXT    NOT NULL,
      scale      REAL    NOT NULL DEFAULT 1,
      offset_ms  REAL    NOT NULL DEFAULT 0,
      samples    INTEGER NOT NULL DEFAULT 0,
      created_at REAL    NOT NULL,
      PRIMARY KEY (profile_id, space)
    ) WITHOUT ROWID;

    CREATE TABLE latency_validations (
      id           INTEGER PRIMARY KEY,
      profile_id   INTEGER NOT NULL REFERENCES device_profiles(id) ON DELETE CASCADE,
      space        TEXT    NOT NULL,
      arch         TEXT    NOT NULL,
      predicted_ms REAL,
      corrected_ms REAL,
      measured_ms  REAL,
      iqr_ms       REAL,
      created_at   REAL    NOT NULL
    );
    CREATE INDEX latency_validations_profile ON latency_validations(profile_id, space);
  )sql",
             path, "adding the latency tables");
}

// Version 2 -> 3: the job queue and the job log (issue 13). A job records which worker runs
// it (id, host, pid), the worker's last heartbeat and how often it was started; a uid makes a
// job the same job in two workspaces (`workspace merge`), filled for old rows here. job_log
// holds each job's human-readable trace, so that any window shows any job's log; its ids only
// grow, like metrics', so views pick up "lines after id N". Claims pick the oldest queued job:
// jobs_status keeps that a short index walk however many finished jobs there are.
void addJobQueue(sqlite3* db, const std::string& path) {
  execScript(db, R"sql(
    ALTER TABLE jobs ADD COLUMN worker       TEXT    NOT NULL DEFAULT '';
    ALTER TABLE jobs ADD COLUMN host         TEXT    NOT NULL DEFAULT '';
    ALTER TABLE jobs ADD COLUMN heartbeat_at REAL    NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN attempts     INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN uid          TEXT    NOT NULL DEFAULT '';
    UPDATE jobs SET uid = lower(hex(randomblob(16))) WHERE uid = '';
    CREATE UNIQUE INDEX jobs_uid ON jobs(uid);
    CREATE INDEX jobs_status ON jobs(status, id);

    CREATE TABLE job_log (
      id     INTEGER PRIMARY KEY AUTOINCREMENT,
      job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      at     REAL    NOT NULL,
      line   TEXT    NOT NULL
    );
    CREATE INDEX job_log_job ON job_log(job_id, id);
  )sql",
             path, "adding the job queue and log");
}

// Version 3 -> 4: the run clock over resumes. A resumed job starts a new run (started_at);
// first_started_at keeps when the first began and earlier_runs_seconds the time of the runs
// before, so the window shows a job's whole run time. Rows from version 3 know only their
// latest run: it is taken as the first.
void addRunClock(sqlite3* db, const std::string& path) {
  execScript(db, R"sql(
    ALTER TABLE jobs ADD COLUMN first_started_at     REAL NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN earlier_runs_seconds REAL NOT NULL DEFAULT 0;
    UPDATE jobs SET first_started_at = started_at;
  )sql",
             path, "adding the run clock");
}

struct Migration {
  int toVersion;
  void (*apply)(sqlite3* db, const std::string& path);
};

// Append here; never edit a migration that has shipped.
constexpr Migration kMigrations[] = {
    {1, &createVersion1},
    {2, &addLatencyTables},
    {3, &addJobQueue},
    {4, &addRunClock},
};
static_assert(std::size(kMigrations) == Workspace::kSchemaVersion,
              "Workspace::kSchemaVersion must equal the number of migrations");

}  // namespace

void migrate(sqlite3* db, int fromVersion, const std::string& path) {
  for (const Migration& m : kMigrations) {
    if (m.toVersion <= fromVersion) continue;
    m.apply(db, path);
    // PRAGMA takes no bound parameters; the value is our own compile-time constant.
    std::string setVersion = "PRAGMA user_version = " + std::to_string(m.toVersion);
    execScript(db, setVersion.c_str(), path, "setting the schema version");
  }
}

}  // namespace nas::store
