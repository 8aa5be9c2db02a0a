#include "store/OpenFiles.h"

#include <sys/stat.h>

#include <map>
#include <utility>

namespace nas::store {

namespace {
using FileKey = std::pair<dev_t, ino_t>;

std::map<FileKey, int>& heldFiles() {
  static std::map<FileKey, int> files;
  return files;
}

bool keyOf(const std::string& path, FileKey& key) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  key = {st.st_dev, st.st_ino};
  return true;
}
}  // namespace

std::mutex& openFilesMutex() {
  static std::mutex mutex;
  return mutex;
}

bool heldOpenByThisProcess(const std::string& path) {
  FileKey key;
  if (!keyOf(path, key)) return false;
  auto it = heldFiles().find(key);
  return it != heldFiles().end() && it->second > 0;
}

OpenFileGuard::OpenFileGuard(const std::string& path) {
  FileKey key;
  if (!keyOf(path, key)) return;
  dev_ = key.first;
  ino_ = key.second;
  valid_ = true;
  ++heldFiles()[key];
}

OpenFileGuard::~OpenFileGuard() {
  if (!valid_) return;
  std::lock_guard<std::mutex> lock(openFilesMutex());
  auto it = heldFiles().find({dev_, ino_});
  if (it != heldFiles().end() && --it->second <= 0) heldFiles().erase(it);
}

}  // namespace nas::store
