#pragma once
// store::Connection: one sqlite3 connection with its statement cache and transaction depth.
// Workspace::Impl is this class (see WorkspaceImpl.h); helpers in the Workspace*.cpp files
// take a Connection& because Workspace::Impl is private to Workspace. Private to the store.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/Error.h"
#include "store/OpenFiles.h"
#include "store/Statement.h"
#include "store/Workspace.h"

struct sqlite3;

namespace nas::store {

class Connection {
 public:
  Connection(std::string path, Workspace::Mode mode, sqlite3* handle)
      : path(std::move(path)), mode(mode), db(handle) {}
  ~Connection();  // finalizes the cache before closing the connection
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A prepared statement for `sql`, reset when the Query goes out of scope.
  Query query(const std::string& sql);
  // Runs one fixed SQL statement without parameters (PRAGMA, BEGIN, COMMIT).
  void exec(const char* sql, const char* doing);
  // BEGIN IMMEDIATE ... COMMIT around fn. Nested calls join; an exception out of a nested
  // call makes the outermost one roll back and throw, even if the exception was caught.
  void transaction(const std::function<void()>& fn);
  // Rows changed by the last INSERT/UPDATE/DELETE, and the rowid of the last INSERT.
  std::int64_t changes() const;
  std::int64_t lastInsertId() const;
  // Records the first failure of a nested transaction (see transaction()).
  void doom(ErrorCode code, const std::string& why);

  std::string path;
  Workspace::Mode mode;
  sqlite3* db;
  // Marks the file as held by this process (see OpenFiles.h). ~Connection closes db in its
  // body, before members are destroyed, so the guard unregisters only after the close.
  std::unique_ptr<OpenFileGuard> fileGuard;
  int schemaVersion = 0;
  int txDepth = 0;  // > 0 inside transaction()
  // When the open transaction() took the write lock (steady clock, ns; 0: none). Atomic: a
  // watchdog thread reads it (Workspace::writeLockHeldSeconds).
  std::atomic<std::int64_t> writeSinceNs{0};
  // Set when a nested transaction() failed: the outer one may only roll back.
  std::optional<std::pair<ErrorCode, std::string>> doomed;
  // Prepared statements by SQL text. Only fixed SQL goes here (values are always bound),
  // so the cache stays small: one entry per distinct query shape.
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache;
};

// Unix time in seconds, as the workspace stores timestamps.
double nowSeconds();

}  // namespace nas::store
