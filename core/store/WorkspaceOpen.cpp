// Workspace::open: find or create the file, refuse anything that is not a current (or
// older, migratable) NAS Studio workspace without writing to it, then configure the
// connection and migrate.
#include <sqlite3.h>

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "common/Error.h"
#include "store/FileCheck.h"
#include "store/OpenFiles.h"
#include "store/Schema.h"
#include "store/SqliteError.h"
#include "store/Workspace.h"
#include "store/WorkspaceImpl.h"

namespace nas {

namespace {

namespace fs = std::filesystem;

// Makes sure the file may be opened in `mode`; creates parent folders for a new workspace.
void prepareFile(const std::string& path, Workspace::Mode mode) {
  store::refuseNetworkFileSystem(path);
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (fs::exists(st)) {
    if (fs::is_directory(st)) throw Error(ErrorCode::InvalidArgument, "is a folder, not a workspace file", path);
    // /dev/null would "work" as an always-empty workspace and lose every write (issue 19).
    if (!fs::is_regular_file(st))
      throw Error(ErrorCode::InvalidArgument, "is not a regular file (a device, pipe or socket), not a workspace file",
                  path);
    // Raw byte checks only when no connection of this process holds the file (see OpenFiles.h).
    if (!store::heldOpenByThisProcess(path)) store::checkSqliteFile(path);
    return;
  }
  if (mode == Workspace::Mode::ReadOnly) throw Error(ErrorCode::NotFound, "workspace file does not exist", path);
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) throw Error(ErrorCode::IoError, "cannot create the folder " + parent.string() + ": " + ec.message(), path);
  }
}

// A read-only connection in a folder nobody may write into (a read-only share, a mounted
// archive): SQLite cannot create the WAL index (-shm) there, so it could not open the file at
// all. No writer can exist there either, so the file is opened as immutable (issue 21).
bool inUnwritableFolder(const std::string& path) {
  const fs::path parent = fs::absolute(fs::path(path)).parent_path();
  std::error_code ec;
  return ::access(parent.c_str(), W_OK) != 0 && !fs::exists(path + "-shm", ec);
}

std::string immutableUri(const std::string& path) {
  std::string uri = "file:";
  for (char c : fs::absolute(fs::path(path)).string()) {
    if (c == '?' || c == '#' || c == '%') {
      static const char* hex = "0123456789ABCDEF";
      uri += '%';
      uri += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      uri += hex[static_cast<unsigned char>(c) & 0xF];
    } else {
      uri += c;
    }
  }
  return uri + "?immutable=1";
}

sqlite3* openConnection(const std::string& path, Workspace::Mode mode) {
  // NOMUTEX: one Workspace per thread, so SQLite's own locking would only cost time.
  int flags = SQLITE_OPEN_NOMUTEX |
              (mode == Workspace::Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  std::string name = path;
  if (mode == Workspace::Mode::ReadOnly && inUnwritableFolder(path)) {
    name = immutableUri(path);
    flags |= SQLITE_OPEN_URI;
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    try {
      store::throwSqlite(db, rc, path, "opening the workspace");
    } catch (...) {
      sqlite3_close_v2(db);
      throw;
    }
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, store::busyTimeoutMs());
  // A WAL left with frames (a crashed writer, maybe a newer NAS Studio) must not be folded
  // into a file we then refuse. Only then: the setting also leaves -wal/-shm files behind.
  if (!store::heldOpenByThisProcess(path) && store::hasPendingWal(path)) sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  return db;
}

std::int64_t scalarInt(store::Connection& w, const char* sql, const char* doing) {
  auto q = w.query(sql);
  if (!q->step()) throw Error(ErrorCode::Internal, std::string("no result while ") + doing, w.path);
  return q->intAt(0);
}

// What the file holds, read without writing anything.
struct Inspection {
  int version = 0;        // PRAGMA user_version
  bool hasObjects = false;  // any table, index, view or trigger
  bool hasMarker = false;   // meta row application = nasstudio-workspace
};

Inspection inspect(store::Connection& w) {
  Inspection r;
  // The first read of the file: a non-database fails here with SQLITE_NOTADB.
  r.version = static_cast<int>(scalarInt(w, "PRAGMA user_version", "reading the schema version"));
  r.hasObjects = scalarInt(w, "SELECT count(*) FROM sqlite_master", "reading the schema") > 0;
  if (r.hasObjects &&
      scalarInt(w, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", "reading the schema") > 0) {
    auto q = w.query("SELECT value FROM meta WHERE key = ?1");
    q->bindText(1, store::kMarkerKey);
    r.hasMarker = q->step() && q->textAt(0) == store::kMarkerValue;
  }
  return r;
}

// Throws unless the file is a workspace this build can use (or an empty one to create).
void acceptOrRefuse(const Inspection& in, const store::Connection& w) {
  const int k = Workspace::kSchemaVersion;
  if ((in.hasObjects && !in.hasMarker) || (!in.hasObjects && in.version != 0))
    throw Error(ErrorCode::WorkspaceCorrupt,
                "not a NAS Studio workspace (a SQLite database of another application); it was left unchanged", w.path);
  if (in.version > k)
    throw Error(ErrorCode::WorkspaceTooNew,
                "written by a newer NAS Studio (schema " + std::to_string(in.version) + ", this build reads up to " +
                    std::to_string(k) + "); it was left unchanged",
                w.path);
  if (in.hasMarker && in.version == 0)
    throw Error(ErrorCode::WorkspaceCorrupt, "workspace has no schema version; it was left unchanged", w.path);
  if (w.mode == Workspace::Mode::ReadOnly && in.version < k) {
    if (in.version == 0)
      throw Error(ErrorCode::WorkspaceCorrupt, "file is empty, not a NAS Studio workspace (open it read-write to create one)",
                  w.path);
    throw Error(ErrorCode::Unsupported,
                "workspace has schema " + std::to_string(in.version) + " and must be upgraded to " + std::to_string(k) +
                    "; open it read-write once",
                w.path);
  }
}

void migrateIfNeeded(store::Connection& w) {
  w.transaction([&] {
    // Re-read under the write lock: another process may have migrated since inspect().
    const int now = static_cast<int>(scalarInt(w, "PRAGMA user_version", "reading the schema version"));
    if (now < Workspace::kSchemaVersion) store::migrate(w.db, now, w.path);
  });
  // The migration ran DDL: drop statements prepared against the old schema.
  w.cache.clear();
}

}  // namespace

std::unique_ptr<Workspace> Workspace::openForReading(const std::string& path) {
  try {
    return open(path, Mode::ReadOnly);
  } catch (const Error& e) {
    // Unsupported is what a read-only open of an older schema throws (acceptOrRefuse).
    if (e.code() != ErrorCode::Unsupported) throw;
  }
  open(path, Mode::ReadWrite);  // migrates, then closes
  return open(path, Mode::ReadOnly);
}

std::unique_ptr<Workspace> Workspace::open(const std::string& path, Mode mode) {
  std::unique_ptr<Impl> impl;
  {
    std::lock_guard<std::mutex> lock(store::openFilesMutex());
    prepareFile(path, mode);
    impl = std::make_unique<Impl>(path, mode, openConnection(path, mode));
    impl->fileGuard = std::make_unique<store::OpenFileGuard>(path);
  }
  Impl& w = *impl;

  // Connection settings only: nothing is written to the file by these.
  w.exec("PRAGMA foreign_keys = ON", "enabling foreign keys");
  w.exec("PRAGMA synchronous = NORMAL", "setting the sync mode");  // safe under WAL; fsync at checkpoints

  // No PRAGMA quick_check here: it reads every page, checkpoint BLOBs included, so opening a
  // large workspace would take seconds. Damage inside the file surfaces as WorkspaceCorrupt
  // from the first query that meets it; the header checks above catch truncation cheaply.
  const Inspection in = inspect(w);
  acceptOrRefuse(in, w);

  if (mode == Mode::ReadWrite) {
    // First write to the file; a no-op on an existing workspace (it is already WAL).
    w.exec("PRAGMA journal_mode = WAL", "switching to the WAL journal");
    if (in.version < kSchemaVersion) migrateIfNeeded(w);
  }
  w.schemaVersion = static_cast<int>(scalarInt(w, "PRAGMA user_version", "reading the schema version"));
  sqlite3_db_config(w.db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
  w.cache.clear();  // the open-time queries are not needed again
  return std::unique_ptr<Workspace>(new Workspace(std::move(impl)));
}

}  // namespace nas
