#pragma once
// Reader of the IDX format of (Fashion-)MNIST: a big-endian magic 0x000008NN (unsigned bytes,
// NN dimensions), NN big-endian sizes, then the bytes. Gzip or plain files both work (zlib's
// gzread reads uncompressed files transparently). No torch here: the caller wraps the bytes.

#include <cstdint>
#include <string>
#include <vector>

namespace nas {

struct IdxArray {
  std::vector<std::int64_t> dims;  // e.g. {60000, 28, 28}
  std::vector<std::uint8_t> data;  // product(dims) bytes
};

// Reads `path`, which must hold unsigned bytes with `expectedDims` dimensions. `itemName`
// ("images", "labels") words the errors: a missing file is NotFound; a wrong magic number,
// a short payload ("truncated: header says 60000 images of 28x28, file holds 1234 bytes of
// pixels"), trailing bytes or a broken gzip stream are CorruptData; all name the file.
IdxArray readIdxFile(const std::string& path, int expectedDims, const std::string& itemName);

}  // namespace nas
