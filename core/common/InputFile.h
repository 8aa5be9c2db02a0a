#pragma once
// Reading a file that people give the app (an import, a table, a profile) with a size limit
// (issue 19): a regular file of at most `maxBytes`, else Error(InvalidArgument) that names the
// file and the limit. A device (/dev/zero), a FIFO or a folder is refused before anything is
// read, so a hostile path can neither hang the app nor exhaust its memory.

#include <cstdint>
#include <string>

namespace nas {

// Limits of the imports, in bytes.
inline constexpr std::uintmax_t kMaxImportJsonBytes = std::uintmax_t{64} << 20;   // genotype, profile JSON
inline constexpr std::uintmax_t kMaxTableBytes = std::uintmax_t{1} << 30;          // benchmark CSV

// The whole file; `what` says what it should be ("genotype JSON") in the error.
std::string readInputFile(const std::string& path, std::uintmax_t maxBytes, const std::string& what);
// Throws the same errors as readInputFile without reading (for files read as a stream).
void checkInputFile(const std::string& path, std::uintmax_t maxBytes, const std::string& what);

}  // namespace nas
