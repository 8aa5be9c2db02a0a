#pragma once
// Turns a sqlite3 result code into the core's one error type, so that callers see
// WorkspaceLocked / WorkspaceCorrupt instead of raw SQLite numbers. Private to the store.

#include <string>

struct sqlite3;

namespace nas::store {

// Throws Error for `rc` (an error code of a call on `db`, which may be null when opening
// failed before a handle existed). `path` becomes the error's context, `doing` says which
// operation failed ("reading the schema version"). `sql`, when given, is added to messages
// that point at a bug (constraint violations, unexpected codes), not to ones people act on
// (locked, damaged, read-only).
// `sysErrno`: the OS error behind rc when the caller read it before later calls could
// overwrite it (sqlite3_reset rolls back, which does I/O); -1: read it from db now.
[[noreturn]] void throwSqlite(sqlite3* db, int rc, const std::string& path, const std::string& doing,
                              const char* sql = nullptr, int sysErrno = -1);

// The busy timeout (ms) new connections use: the setter's value if set, else the
// NASSTUDIO_BUSY_TIMEOUT_MS environment variable, else 5000.
int busyTimeoutMs();
void setBusyTimeoutMs(int ms);  // < 0: back to environment / default

}  // namespace nas::store
