#include "store/Connection.h"

#include <sqlite3.h>

#include <chrono>

#include "common/Error.h"
#include "store/SqliteError.h"

namespace nas::store {

double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

Connection::~Connection() {
  cache.clear();  // statements must be finalized before the connection closes
  // close_v2 never fails for a busy connection; the last close checkpoints the WAL.
  sqlite3_close_v2(db);
}

Query Connection::query(const std::string& sql) {
  auto it = cache.find(sql);
  if (it == cache.end()) it = cache.emplace(sql, std::make_unique<Statement>(db, sql, path)).first;
  // The cached statement is mid-use further up the stack (a callback querying while a
  // row loop runs): give this use its own statement rather than resetting the other.
  if (it->second->busy()) return Query(nullptr, std::make_unique<Statement>(db, sql, path));
  return Query(it->second.get(), nullptr);
}

void Connection::exec(const char* sql, const char* doing) {
  // Through the cache too: BEGIN/SAVEPOINT/RELEASE run once per batch, and compiling them
  // each time (sqlite3_exec) cost more than the inserts of a small batch.
  auto q = query(sql);
  q->run(doing);
}

std::int64_t Connection::changes() const { return sqlite3_changes64(db); }
std::int64_t Connection::lastInsertId() const { return sqlite3_last_insert_rowid(db); }

void Connection::transaction(const std::function<void()>& fn) {
  if (txDepth > 0) {
    // Nested: join the outer transaction. No savepoint: one costs ~20 us (SQLite copies each
    // page the savepoint touches), which doubled the time of batched inserts inside a
    // transaction. Instead, a failure here dooms the outer transaction, so a caller that
    // catches it cannot commit half of this call's work.
    ++txDepth;
    try {
      fn();
    } catch (const Error& e) {
      --txDepth;
      doom(e.code(), e.what());
      throw;
    } catch (const std::exception& e) {
      --txDepth;
      doom(ErrorCode::Internal, e.what());
      throw;
    } catch (...) {
      --txDepth;
      doom(ErrorCode::Internal, "unknown exception");
      throw;
    }
    --txDepth;
    return;
  }
  // IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so a
  // transaction never fails half-way because another process started writing.
  exec("BEGIN IMMEDIATE", "starting a transaction");
  txDepth = 1;
  doomed.reset();
  writeSinceNs.store(std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now().time_since_epoch()).count());
  try {
    fn();
    if (doomed)
      throw Error(doomed->first, "transaction rolled back: a nested step failed (" + doomed->second + ")", path);
    exec("COMMIT", "committing a transaction");
    txDepth = 0;
    writeSinceNs.store(0);
  } catch (...) {
    txDepth = 0;
    writeSinceNs.store(0);
    doomed.reset();
    // Some errors (I/O, disk full) already rolled back; ROLLBACK would then fail.
    if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Connection::doom(ErrorCode code, const std::string& why) {
  if (!doomed) doomed.emplace(code, why);  // the first failure is the one to report
}

}  // namespace nas::store
