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

// The name of a network file system by its statfs magic number ("nfs", "cifs", ...), nullptr
// for any other (local) one.
const char* networkFileSystemName(long magic);

// Throws Error(Unsupported) when `path` (or, for a file not yet created, its folder) lies on a
// network file system: SQLite's WAL keeps its index in shared memory, which works only among
// processes of one host, so two hosts writing one workspace there would corrupt it.
void refuseNetworkFileSystem(const std::string& path);

}  // namespace nas::store
