#include "export/format/AtomicFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/Error.h"

namespace fs = std::filesystem;

namespace nas {
namespace {

std::string folderOf(const std::string& path) {
  const fs::path p = fs::absolute(fs::path(path)).parent_path();
  return p.empty() ? std::string(".") : p.string();
}

void writeAll(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::IoError, std::string("cannot write: ") + std::strerror(errno), path);
    }
    done += static_cast<size_t>(n);
  }
}

// A temporary sibling of `target`, created exclusively; returns its path.
std::string writeTemporary(const std::string& target, const std::string& bytes) {
  std::string tmpl = (fs::path(folderOf(target)) / ("." + fs::path(target).filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  const int fd = ::mkstemp(buf.data());
  if (fd < 0)
    throw Error(ErrorCode::IoError, std::string("cannot create a file in this folder: ") + std::strerror(errno),
                folderOf(target));
  const std::string tmp(buf.data());
  try {
    writeAll(fd, bytes, target);
    if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0)
      throw Error(ErrorCode::IoError, std::string("cannot finish the file: ") + std::strerror(errno), target);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw Error(ErrorCode::IoError, std::string("cannot close: ") + std::strerror(errno), target);
  }
  return tmp;
}

}  // namespace

void checkFilesWritable(const std::vector<std::string>& paths, bool force) {
  for (const auto& path : paths) {
    const FileToWrite f{path, {}};
    if (f.path.empty()) throw Error(ErrorCode::InvalidArgument, "no output path given");
    std::error_code ec;
    const fs::file_status st = fs::status(f.path, ec);
    if (fs::exists(st)) {
      if (fs::is_directory(st)) throw Error(ErrorCode::InvalidArgument, "is a folder, not a file", f.path);
      if (!force) throw Error(ErrorCode::InvalidArgument, "file exists; pass --force to overwrite it", f.path);
    }
    const std::string folder = folderOf(f.path);
    if (!fs::is_directory(folder, ec)) throw Error(ErrorCode::IoError, "the folder does not exist", folder);
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
      throw Error(ErrorCode::IoError, "the folder is not writable", folder);
  }
}

std::int64_t writeFilesAtomically(const std::vector<FileToWrite>& files, bool force) {
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back(f.path);
  checkFilesWritable(paths, force);
  std::vector<std::string> temporaries, renamed;  // renamed: targets this call created
  std::vector<bool> existed;
  for (const auto& f : files) existed.push_back(fs::exists(f.path));
  auto rollback = [&] {
    for (const auto& t : temporaries) ::unlink(t.c_str());
    for (const auto& r : renamed) ::unlink(r.c_str());  // a --force target replaced already stays new
  };
  std::int64_t total = 0;
  try {
    for (const auto& f : files) {
      temporaries.push_back(writeTemporary(f.path, f.bytes));
      total += static_cast<std::int64_t>(f.bytes.size());
    }
    for (size_t i = 0; i < files.size(); ++i) {
      if (::rename(temporaries[i].c_str(), files[i].path.c_str()) != 0)
        throw Error(ErrorCode::IoError, std::string("cannot move the file into place: ") + std::strerror(errno),
                    files[i].path);
      if (!existed[i]) renamed.push_back(files[i].path);
      temporaries[i].clear();
    }
  } catch (...) {
    rollback();
    throw;
  }
  return total;
}

}  // namespace nas
