#pragma once
// RAII wrapper of one prepared sqlite3 statement, and Query: a scoped use of a (cached)
// statement that resets it when the scope ends. The reset matters under WAL: a statement
// left mid-step keeps its read snapshot open, so the connection would stop seeing other
// processes' writes and checkpoints could not finish. Private to the store.

#include <cstdint>
#include <memory>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace nas::store {

class Statement {
 public:
  // Prepares `sql` (one statement) on `db`; `path` names the workspace in errors.
  Statement(sqlite3* db, const std::string& sql, const std::string& path);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  void bindInt(int i, std::int64_t v);
  void bindReal(int i, double v);  // NaN is stored as NULL by SQLite; read back as NaN
  void bindText(int i, const std::string& v);
  void bindBlob(int i, const std::string& bytes);
  void bindNull(int i);

  // Advances: true when a row is available, false when done; throws Error otherwise,
  // saying it failed while `doing` (default: reading / writing the workspace).
  bool step(const char* doing = nullptr);
  // Steps a statement that returns no rows (INSERT/UPDATE/DELETE, BEGIN, PRAGMA x = y).
  void run(const char* doing = nullptr);
  void reset();  // ready to run again, bindings cleared

  bool isNull(int col) const;
  std::int64_t intAt(int col) const;
  double realAt(int col) const;  // NULL -> NaN
  std::string textAt(int col) const;
  std::string blobAt(int col) const;

  bool busy() const { return inUse_; }
  void setBusy(bool b) { inUse_ = b; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string path_;
  bool inUse_ = false;
};

// A statement borrowed from the cache (or owned, when the cached one is already in use
// higher up the call stack); resets and returns it on destruction.
class Query {
 public:
  Query(Statement* cached, std::unique_ptr<Statement> owned);
  ~Query();
  Query(Query&&) noexcept;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;

  Statement* operator->() const { return s_; }
  Statement& operator*() const { return *s_; }

 private:
  Statement* s_;
  std::unique_ptr<Statement> owned_;
};

}  // namespace nas::store
