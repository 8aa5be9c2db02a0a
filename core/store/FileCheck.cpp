#include "store/FileCheck.h"

#include <sys/vfs.h>

#include <filesystem>

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "common/Error.h"

namespace nas::store {

namespace {

constexpr std::size_t kHeaderSize = 100;  // the SQLite database header
constexpr char kMagic[16] = "SQLite format 3";  // 15 chars + the terminating NUL = 16 bytes

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

[[noreturn]] void corrupt(const std::string& why, const std::string& path) {
  throw Error(ErrorCode::WorkspaceCorrupt, why + "; it was left unchanged", path);
}

}  // namespace

void checkSqliteFile(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw Error(ErrorCode::IoError, "cannot read the file size: " + ec.message(), path);
  if (size == 0) return;
  if (size < kHeaderSize) corrupt("file is not a database (only " + std::to_string(size) + " bytes)", path);

  std::array<unsigned char, kHeaderSize> h{};
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(h.data()), h.size()))
    throw Error(ErrorCode::IoError, "cannot read the file header", path);
  if (std::memcmp(h.data(), kMagic, sizeof kMagic) != 0) corrupt("file is not a database (no SQLite header)", path);

  std::uint32_t pageSize = (std::uint32_t(h[16]) << 8) | h[17];
  if (pageSize == 1) pageSize = 65536;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0)
    corrupt("file is not a database (invalid page size in the header)", path);

  // Truncation: the header's page count is trustworthy only when its "version valid for"
  // field matches the change counter. With a non-empty -wal file the newest pages may live
  // there (a checkpoint may have been interrupted), so leave that case to SQLite.
  const std::uint32_t changeCounter = be32(&h[24]);
  const std::uint32_t pageCount = be32(&h[28]);
  const std::uint32_t validFor = be32(&h[92]);
  if (!hasPendingWal(path) && pageCount > 0 && changeCounter == validFor) {
    const std::uintmax_t expected = std::uintmax_t(pageCount) * pageSize;
    if (size < expected)
      corrupt("file is truncated (" + std::to_string(size) + " of " + std::to_string(expected) + " bytes)", path);
  }
}

bool hasPendingWal(const std::string& path) {
  std::error_code ec;
  const auto walSize = std::filesystem::file_size(path + "-wal", ec);
  return !ec && walSize > 0;
}

const char* networkFileSystemName(long magic) {
  // Magic numbers from statfs(2) / <linux/magic.h>.
  switch (static_cast<unsigned long>(magic) & 0xFFFFFFFFul) {
    case 0x6969ul: return "nfs";
    case 0x517Bul: return "smb";
    case 0xFF534D42ul: return "cifs";
    case 0xFE534D42ul: return "smb2";
    case 0x564Cul: return "ncp";
    case 0x73757245ul: return "coda";
    case 0x5346414Ful: return "afs";
    case 0x6B414653ul: return "kafs";
    case 0x01021997ul: return "9p";
    case 0x00C36400ul: return "ceph";
    case 0x0BD00BD0ul: return "lustre";
    case 0x01161970ul: return "gfs2";
    case 0x7461636Ful: return "ocfs2";
    case 0x47504653ul: return "gpfs";
    case 0x013111A8ul: return "ibrix";
    default: return nullptr;
  }
}

void refuseNetworkFileSystem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path probe = fs::path(path);
  if (!fs::exists(probe, ec)) probe = probe.parent_path().empty() ? fs::path(".") : probe.parent_path();
  struct statfs st {};
  if (::statfs(probe.c_str(), &st) != 0) return;  // nothing to tell; the open reports real problems
  if (const char* name = networkFileSystemName(static_cast<long>(st.f_type)))
    throw Error(ErrorCode::Unsupported,
                std::string("is on a network file system (") + name +
                    "); a workspace must be on a local disk, because SQLite's WAL needs shared memory on one "
                    "host. Run jobs there into a workspace on that machine's local disk and bring them home "
                    "with `nasstudio-cli workspace merge FROM INTO`",
                path);
}

}  // namespace nas::store
