#include "store/Statement.h"

#include <sqlite3.h>

#include <cmath>
#include <limits>

#include "common/Error.h"
#include "store/SqliteError.h"

namespace nas::store {

Statement::Statement(sqlite3* db, const std::string& sql, const std::string& path) : db_(db), path_(path) {
  // PERSISTENT: these live in the connection's cache for its whole life.
  int rc = sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size() + 1), SQLITE_PREPARE_PERSISTENT, &stmt_,
                              nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    throwSqlite(db, rc, path, "preparing a query", sql.c_str());
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

namespace {
void check(sqlite3* db, int rc, const std::string& path) {
  if (rc != SQLITE_OK) throwSqlite(db, rc, path, "binding a query parameter");
}
}  // namespace

void Statement::bindInt(int i, std::int64_t v) { check(db_, sqlite3_bind_int64(stmt_, i, v), path_); }
void Statement::bindReal(int i, double v) { check(db_, sqlite3_bind_double(stmt_, i, v), path_); }
void Statement::bindText(int i, const std::string& v) {
  check(db_, sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8), path_);
}
void Statement::bindBlob(int i, const std::string& bytes) {
  // A zero-length blob would bind NULL through a null pointer; zeroblob(0) keeps it a BLOB.
  if (bytes.empty()) {
    check(db_, sqlite3_bind_zeroblob(stmt_, i, 0), path_);
    return;
  }
  // STATIC: the caller's string outlives the step (Query resets before it returns), so
  // large checkpoints are not copied once more.
  check(db_, sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_STATIC), path_);
}
void Statement::bindNull(int i) { check(db_, sqlite3_bind_null(stmt_, i), path_); }

bool Statement::step(const char* doing) {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  if (!doing) doing = sqlite3_stmt_readonly(stmt_) ? "reading the workspace" : "writing to the workspace";
  const int sysErrno = sqlite3_system_errno(db_);  // before the reset's rollback I/O
  sqlite3_reset(stmt_);
  throwSqlite(db_, rc, path_, doing, sqlite3_sql(stmt_), sysErrno);
}

void Statement::run(const char* doing) {
  while (step(doing)) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::int64_t Statement::intAt(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::realAt(int col) const {
  if (isNull(col)) return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(stmt_, col);
}
std::string Statement::textAt(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}
std::string Statement::blobAt(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

Query::Query(Statement* cached, std::unique_ptr<Statement> owned)
    : s_(owned ? owned.get() : cached), owned_(std::move(owned)) {
  if (!owned_) s_->setBusy(true);
}

Query::Query(Query&& o) noexcept : s_(o.s_), owned_(std::move(o.owned_)) { o.s_ = nullptr; }

Query::~Query() {
  if (!s_) return;
  s_->reset();
  if (!owned_) s_->setBusy(false);
}

}  // namespace nas::store
