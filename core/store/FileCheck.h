#pragma once
// Checks a file's bytes before SQLite touches it, so that garbage, a truncated copy or
// another file type is refused with WorkspaceCorrupt and never "repaired" by SQLite.
// Reads only; private to the store.

#include <string>

namespace nas::store {

// Throws Error(WorkspaceCorrupt) when an existing, non-empty file at `path` does not carry a
// SQLite header or is shorter than its header says. An empty file passes: SQLite treats it
// as an empty database, and there is nothing in it to lose.
void checkSqliteFile(const std::string& path);

// True when `path`-wal exists and holds frames not yet copied into the main file.
bool hasPendingWal(const std::string& path);

}  // namespace nas::store
