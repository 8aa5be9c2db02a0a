#pragma once
// The workspace files this process holds open through SQLite.
//
// Why: POSIX advisory locks belong to the process, and closing ANY descriptor on a file drops
// all of them (sqlite.org/howtocorrupt.html, 2.2). The raw header check (FileCheck) opens and
// closes the file with an ifstream; doing that while another connection of this process has
// the file open would silently release that connection's locks, and a second process could
// then delete the WAL under it. So the raw checks run only for a file no connection of this
// process holds, which also means they ran when the first connection opened it.

#include <mutex>
#include <string>
#include <sys/types.h>

namespace nas::store {

// Serialises "check the file, open SQLite, register" across threads of this process.
std::mutex& openFilesMutex();
// True when a live OpenFileGuard refers to the same file (device and inode). Call with
// openFilesMutex() held.
bool heldOpenByThisProcess(const std::string& path);

// Registers `path` as held for its lifetime. Create it with openFilesMutex() held, after
// SQLite opened the file; it unregisters itself (taking the mutex) when destroyed.
class OpenFileGuard {
 public:
  explicit OpenFileGuard(const std::string& path);
  ~OpenFileGuard();
  OpenFileGuard(const OpenFileGuard&) = delete;
  OpenFileGuard& operator=(const OpenFileGuard&) = delete;

 private:
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  bool valid_ = false;
};

}  // namespace nas::store
