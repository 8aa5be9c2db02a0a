#include "data/IdxFile.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "common/Error.h"

namespace nas {
namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzPtr = std::unique_ptr<gzFile_s, GzCloser>;

// Reads up to n bytes; returns how many arrived. A damaged gzip stream (zlib error other
// than a clean end of file) throws, so callers only deal with "short".
std::size_t readSome(gzFile f, std::uint8_t* dst, std::size_t n, const std::string& path, bool* streamError) {
  std::size_t got = 0;
  while (got < n) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
    int r = gzread(f, dst + got, chunk);
    if (r < 0) {  // zlib reports a truncated stream as an error after handing out what it had
      *streamError = true;
      break;
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

std::string describe(const std::vector<std::int64_t>& dims, const std::string& itemName) {
  std::string s = std::to_string(dims[0]) + " " + itemName;
  if (dims.size() > 1) {
    s += " of ";
    for (size_t i = 1; i < dims.size(); ++i) s += (i > 1 ? "x" : "") + std::to_string(dims[i]);
  }
  return s;
}

}  // namespace

IdxArray readIdxFile(const std::string& path, int expectedDims, const std::string& itemName) {
  if (!std::filesystem::exists(path)) throw Error(ErrorCode::NotFound, "file does not exist", path);
  GzPtr f(gzopen(path.c_str(), "rb"));
  if (!f) throw Error(ErrorCode::IoError, "cannot open for reading", path);
  gzbuffer(f.get(), 1 << 17);

  bool streamError = false;
  std::uint8_t head[4];
  if (readSome(f.get(), head, 4, path, &streamError) != 4)
    throw Error(ErrorCode::CorruptData, "not an IDX file: fewer than 4 bytes", path);
  const std::uint32_t magic = (std::uint32_t{head[0]} << 24) | (std::uint32_t{head[1]} << 16) |
                              (std::uint32_t{head[2]} << 8) | head[3];
  const std::uint32_t expected = 0x00000800u | static_cast<std::uint32_t>(expectedDims);
  if (magic != expected)
    throw Error(ErrorCode::CorruptData,
                "wrong magic number " + hex32(magic) + ", expected " + hex32(expected) + " (IDX unsigned bytes, " +
                    std::to_string(expectedDims) + " dimensions, for " + itemName + ")",
                path);

  IdxArray out;
  std::int64_t total = 1;
  for (int d = 0; d < expectedDims; ++d) {
    std::uint8_t b[4];
    if (readSome(f.get(), b, 4, path, &streamError) != 4)
      throw Error(ErrorCode::CorruptData, "truncated: header ends inside the size of dimension " + std::to_string(d),
                  path);
    const std::int64_t n = (std::int64_t{b[0]} << 24) | (std::int64_t{b[1]} << 16) | (std::int64_t{b[2]} << 8) | b[3];
    out.dims.push_back(n);
    // A garbage header must not make us allocate terabytes; checked before multiplying, since
    // two sizes near 2^32 overflow the product (found by fuzzing).
    constexpr std::int64_t kMaxBytes = std::int64_t{1} << 34;
    if (n != 0 && total > kMaxBytes / n)
      throw Error(ErrorCode::CorruptData, "implausible sizes in header", path);
    total *= n;
  }

  // Grown as bytes arrive, doubling from 1 MB: a 20-byte file whose header claims 16 GB must
  // fail as truncated, not allocate (and zero) the 16 GB first (found by fuzzing).
  const auto want = static_cast<std::size_t>(total);
  std::size_t got = 0;
  while (got < want) {
    const std::size_t n = std::min(std::max(std::size_t{1} << 20, got), want - got);
    out.data.resize(got + n);
    const std::size_t r = readSome(f.get(), out.data.data() + got, n, path, &streamError);
    got += r;
    if (r < n) break;
  }
  const std::string unit = expectedDims > 1 ? "pixels" : itemName;
  if (got < want)
    throw Error(ErrorCode::CorruptData,
                "truncated: header says " + describe(out.dims, itemName) + ", file holds " + std::to_string(got) +
                    " bytes of " + unit + (streamError ? " (gzip stream ends early)" : ""),
                path);
  std::uint8_t extra;
  if (readSome(f.get(), &extra, 1, path, &streamError) != 0)
    throw Error(ErrorCode::CorruptData,
                "header says " + describe(out.dims, itemName) + " but the file holds more bytes than that", path);
  if (streamError) throw Error(ErrorCode::CorruptData, "gzip stream is damaged after the data", path);
  return out;
}

}  // namespace nas
