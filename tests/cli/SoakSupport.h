#pragma once
// Helpers of the kill-anywhere and concurrency tests (issue 19): a worker process started and
// SIGKILLed at a chosen moment, and a read-only look at what a workspace holds for a job
// (through sqlite3 itself, so the check does not trust the store code under test).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "CliRunner.h"
#include "common/Json.h"

extern char** environ;

namespace nas::test {

// nasstudio-cli with `args`, stdout and stderr to `logFile` (appended) or /dev/null.
inline pid_t spawnCli(const std::vector<std::string>& args, const std::string& logFile = "/dev/null") {
  std::vector<std::string> all = {cliPath()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, cliPath(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Waits up to `ms` for `pid` to exit. true: it exited by itself (reaped, exit code in *code);
// false: it was still running and has now been killed with SIGKILL (and reaped), unless
// kill = false: then it is left running.
inline bool waitOrKill(pid_t pid, std::chrono::milliseconds ms, int* code = nullptr, bool kill = true) {
  const auto deadline = std::chrono::steady_clock::now() + ms;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      if (code) *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!kill) return false;
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return false;
}

// A read-only sqlite3 connection to a workspace, for checks.
class SoakDb {
 public:
  explicit SoakDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      error_ = db_ ? sqlite3_errmsg(db_) : "cannot open";
    }
    if (db_) sqlite3_busy_timeout(db_, 10000);
  }
  ~SoakDb() { sqlite3_close(db_); }
  SoakDb(const SoakDb&) = delete;
  SoakDb& operator=(const SoakDb&) = delete;

  const std::string& error() const { return error_; }

  // Rows of `sql` with `?1` bound to `id`, each column as text (REAL with 17 digits, so equal
  // text means equal doubles); column 0 is expected to be the row id when `withId`.
  std::vector<std::vector<std::string>> rows(const std::string& sql, std::int64_t id = 0) {
    std::vector<std::vector<std::string>> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      error_ = sqlite3_errmsg(db_);
      return out;
    }
    if (sqlite3_bind_parameter_count(st) > 0) sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_FLOAT) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(st, c));
          row.emplace_back(buf);
        } else if (sqlite3_column_type(st, c) == SQLITE_NULL) {
          row.emplace_back("NULL");
        } else {
          const auto* t = sqlite3_column_text(st, c);
          row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
        }
      }
      out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return out;
  }

  std::string scalar(const std::string& sql, std::int64_t id = 0) {
    auto r = rows(sql, id);
    return r.empty() || r[0].empty() ? std::string() : r[0][0];
  }

 private:
  sqlite3* db_ = nullptr;
  std::string error_;
};

// What a job left in its workspace, row by row in insertion order: row id -> text. Keys that
// measure time (seconds, per-second rates, "resumed") are dropped from JSON payloads, since
// they differ between an interrupted and an uninterrupted run by design.
struct JobRows {
  std::vector<std::pair<std::int64_t, std::string>> metrics, samples, evaluations;
  std::string result;  // result_json without the timing keys
  std::string status;
};

inline bool isTimingKey(const std::string& k) {
  return k == "resumed" || k.find("seconds") != std::string::npos || k.find("per_s") != std::string::npos ||
         k.find("_ms") != std::string::npos || k == "at";
}

inline Json dropTiming(Json j) {
  if (j.is_object()) {
    Json out = Json::object();
    for (auto it = j.begin(); it != j.end(); ++it)
      if (!isTimingKey(it.key())) out[it.key()] = dropTiming(it.value());
    return out;
  }
  if (j.is_array()) {
    for (auto& e : j) e = dropTiming(e);
  }
  return j;
}

inline std::string withoutTiming(const std::string& json) {
  const Json j = Json::parse(json, nullptr, false);
  return j.is_discarded() ? json : dropTiming(j).dump();
}

inline JobRows readJobRows(SoakDb& db, std::int64_t job) {
  JobRows r;
  auto collect = [&](const std::string& sql, std::vector<std::pair<std::int64_t, std::string>>& into, int jsonCol) {
    for (auto& row : db.rows(sql, job)) {
      std::string text;
      for (size_t c = 1; c < row.size(); ++c)
        text += (c > 1 ? "|" : "") + (static_cast<int>(c) == jsonCol ? withoutTiming(row[c]) : row[c]);
      into.emplace_back(std::stoll(row[0]), text);
    }
  };
  collect("SELECT id, series, step, value FROM metrics WHERE job_id = ?1 ORDER BY id", r.metrics, -1);
  collect("SELECT s.id, s.round, a.space, a.canonical, s.payload_json FROM samples s LEFT JOIN architectures a "
          "ON a.id = s.arch_id WHERE s.job_id = ?1 ORDER BY s.id",
          r.samples, 4);
  collect("SELECT e.id, a.space, a.canonical, e.source, e.dataset, e.metric, e.value FROM evaluations e "
          "JOIN architectures a ON a.id = e.arch_id WHERE e.job_id = ?1 ORDER BY e.id",
          r.evaluations, -1);
  r.result = withoutTiming(db.scalar("SELECT result_json FROM jobs WHERE id = ?1", job));
  r.status = db.scalar("SELECT status FROM jobs WHERE id = ?1", job);
  return r;
}

// Texts only, in order (ids differ between workspaces).
inline std::vector<std::string> texts(const std::vector<std::pair<std::int64_t, std::string>>& rows) {
  std::vector<std::string> out;
  for (auto& [id, t] : rows) out.push_back(t);
  return out;
}

// "" when every row of `before` is still in `after` with the same id and text (nothing that
// was committed got lost or rewritten); else the first row that is not.
inline std::string missingFrom(const std::vector<std::pair<std::int64_t, std::string>>& before,
                               const std::vector<std::pair<std::int64_t, std::string>>& after) {
  std::map<std::int64_t, std::string> a(after.begin(), after.end());
  for (auto& [id, t] : before) {
    auto it = a.find(id);
    if (it == a.end() || it->second != t) return "row " + std::to_string(id) + " '" + t + "'";
  }
  return "";
}

// "" when no text occurs twice; else the first duplicate.
inline std::string firstDuplicate(const std::vector<std::pair<std::int64_t, std::string>>& rows) {
  std::set<std::string> seen;
  for (auto& [id, t] : rows)
    if (!seen.insert(t).second) return t;
  return "";
}

}  // namespace nas::test
