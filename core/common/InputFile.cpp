#include "common/InputFile.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/Error.h"

namespace nas {

namespace fs = std::filesystem;

namespace {
std::string megabytes(std::uintmax_t bytes) {
  std::ostringstream s;
  s << (bytes >> 20) << " MB";
  return s.str();
}
}  // namespace

void checkInputFile(const std::string& path, std::uintmax_t maxBytes, const std::string& what) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw Error(ErrorCode::NotFound, "no such file (expected " + what + ")", path);
  if (fs::is_directory(st)) throw Error(ErrorCode::InvalidArgument, "is a folder, not " + what, path);
  if (!fs::is_regular_file(st))
    throw Error(ErrorCode::InvalidArgument, "is not a regular file (a device or a pipe), not " + what, path);
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) throw Error(ErrorCode::IoError, "cannot read the file size: " + ec.message(), path);
  if (size > maxBytes)
    throw Error(ErrorCode::InvalidArgument,
                "too large for " + what + ": " + megabytes(size) + ", the limit is " + megabytes(maxBytes), path);
}

std::string readInputFile(const std::string& path, std::uintmax_t maxBytes, const std::string& what) {
  checkInputFile(path, maxBytes, what);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::IoError, "cannot open the file", path);
  std::string bytes;
  char buf[1 << 16];
  // Bounded even if the file grows while it is read.
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.append(buf, static_cast<size_t>(in.gcount()));
    if (bytes.size() > maxBytes)
      throw Error(ErrorCode::InvalidArgument, "too large for " + what + ": the limit is " + megabytes(maxBytes), path);
  }
  return bytes;
}

}  // namespace nas
