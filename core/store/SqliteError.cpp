#include "store/SqliteError.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>

#include "common/Error.h"

namespace nas::store {

namespace {
// -1: nobody called the setter; read the environment each time so tests can change it.
std::atomic<int> g_busyTimeoutOverride{-1};
constexpr int kDefaultBusyTimeoutMs = 5000;
}  // namespace

int busyTimeoutMs() {
  int over = g_busyTimeoutOverride.load();
  if (over >= 0) return over;
  if (const char* env = std::getenv("NASSTUDIO_BUSY_TIMEOUT_MS")) {
    char* end = nullptr;
    long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v >= 0 && v <= 24L * 3600 * 1000) return static_cast<int>(v);
  }
  return kDefaultBusyTimeoutMs;
}

void setBusyTimeoutMs(int ms) { g_busyTimeoutOverride.store(ms < 0 ? -1 : ms); }

void throwSqlite(sqlite3* db, int rc, const std::string& path, const std::string& doing, const char* sql) {
  const int primary = rc & 0xff;
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string query = sql ? std::string(" [") + sql + "]" : std::string();
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      // Only raised after the busy timeout ran out: another writer kept the lock that long.
      throw Error(ErrorCode::WorkspaceLocked,
                  "workspace is locked by another process (gave up waiting while " + doing + ")", path);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      // Never try to repair: the user's data may still be recoverable with other tools.
      throw Error(ErrorCode::WorkspaceCorrupt, "workspace file is damaged or not a database (" + detail + ", while " +
                                                   doing + "); it was left unchanged",
                  path);
    case SQLITE_CONSTRAINT:
      throw Error(ErrorCode::InvalidArgument, "rejected by the workspace (" + detail + ") while " + doing + query,
                  path);
    case SQLITE_TOOBIG:
      throw Error(ErrorCode::InvalidArgument,
                  "value too large for the workspace (SQLite stores at most about 1 GB per value) while " + doing,
                  path);
    case SQLITE_READONLY:
      throw Error(ErrorCode::Unsupported, "workspace is read-only (" + detail + "); cannot write while " + doing,
                  path);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_NOLFS:
      throw Error(ErrorCode::IoError, "cannot access the workspace file (" + detail + ") while " + doing, path);
    default:
      throw Error(ErrorCode::Internal,
                  "SQLite error " + std::to_string(rc) + " (" + detail + ") while " + doing + query, path);
  }
}

}  // namespace nas::store
