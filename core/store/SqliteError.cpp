#include "store/SqliteError.h"

#include <sqlite3.h>

#include <sys/resource.h>
#include <sys/statvfs.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>

#include "common/Error.h"

namespace nas::store {

namespace {
// -1: nobody called the setter; read the environment each time so tests can change it.
std::atomic<int> g_busyTimeoutOverride{-1};
constexpr int kDefaultBusyTimeoutMs = 5000;
// Whether a failed write most likely ran out of space: the workspace's disk has (almost) none
// left, or one of its files reached this process's file size limit (ulimit -f). SQLite's own
// report cannot tell: a full disk is SQLITE_FULL only when the write was partial, and the OS
// error it keeps for SQLITE_IOERR is the global errno, which later calls overwrite.
bool outOfSpace(const std::string& path, int sysErrno) {
  if (sysErrno == ENOSPC || sysErrno == EFBIG || sysErrno == EDQUOT) return true;
  if (path.empty()) return false;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path folder = fs::absolute(fs::path(path), ec).parent_path();
  struct statvfs v {};
  if (::statvfs(folder.c_str(), &v) == 0 && std::uint64_t{v.f_bavail} * v.f_frsize < (std::uint64_t{4} << 20)) return true;
  rlimit lim{};
  if (::getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
    for (const char* suffix : {"", "-wal", "-journal"}) {
      const auto size = fs::file_size(path + suffix, ec);
      if (!ec && size + (std::uint64_t{1} << 20) >= lim.rlim_cur) return true;
    }
  return false;
}

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

void throwSqlite(sqlite3* db, int rc, const std::string& path, const std::string& doing, const char* sql,
                 int sysErrno) {
  const int primary = rc & 0xff;
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string query = sql ? std::string(" [") + sql + "]" : std::string();
  // A full disk (ENOSPC: SQLITE_FULL) or a file size limit or quota (EFBIG, EDQUOT: SQLite
  // says "disk I/O error") gets its own words: the user can act on it. SQLite rolled the
  // transaction back, so everything committed before is still there.
  if (sysErrno < 0) sysErrno = db ? sqlite3_system_errno(db) : 0;
  if (primary == SQLITE_FULL || (primary == SQLITE_IOERR && outOfSpace(path, sysErrno)))
    throw Error(ErrorCode::IoError,
                "no space left for the workspace file (the disk is full or a file size limit was reached: " +
                    detail + ") while " + doing + "; what was saved before is kept",
                path);
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
