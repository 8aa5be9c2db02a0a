#include "data/Cifar10.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "common/Error.h"

namespace nas {
namespace fs = std::filesystem;
namespace {

fs::path resolveDir(const std::string& dir) {
  if (dir.empty())
    throw Error(ErrorCode::InvalidArgument,
                "CIFAR-10 needs a data folder holding data_batch_1..5.bin and test_batch.bin", "data_dir");
  fs::path p(dir);
  if (!fs::exists(p / "test_batch.bin") && fs::exists(p / "cifar-10-batches-bin" / "test_batch.bin"))
    return p / "cifar-10-batches-bin";
  return p;
}

// Appends the records of one batch file to pixels/labels.
void readBatch(const fs::path& path, std::vector<std::uint8_t>& pixels, std::vector<std::int64_t>& labels) {
  if (!fs::exists(path))
    throw Error(ErrorCode::NotFound,
                "CIFAR-10 batch file missing (expected data_batch_1..5.bin and test_batch.bin)", path.string());
  const auto bytes = static_cast<std::int64_t>(fs::file_size(path));
  if (bytes == 0 || bytes % kCifarRecordBytes != 0)
    throw Error(ErrorCode::CorruptData,
                "truncated: file holds " + std::to_string(bytes) + " bytes, not a whole number of " +
                    std::to_string(kCifarRecordBytes) + "-byte records (" + std::to_string(bytes / kCifarRecordBytes) +
                    " records and " + std::to_string(bytes % kCifarRecordBytes) + " bytes over)",
                path.string());
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> buf(static_cast<size_t>(bytes));
  if (!in.read(reinterpret_cast<char*>(buf.data()), bytes))
    throw Error(ErrorCode::IoError, "read failed", path.string());
  const std::int64_t records = bytes / kCifarRecordBytes;
  pixels.reserve(pixels.size() + static_cast<size_t>(records) * 3072);
  for (std::int64_t r = 0; r < records; ++r) {
    const std::uint8_t* rec = buf.data() + r * kCifarRecordBytes;
    if (rec[0] > 9)
      throw Error(ErrorCode::CorruptData,
                  "label " + std::to_string(rec[0]) + " of record " + std::to_string(r) + " is outside 0..9",
                  path.string());
    labels.push_back(rec[0]);
    pixels.insert(pixels.end(), rec + 1, rec + kCifarRecordBytes);
  }
}

}  // namespace

ImageDataset loadCifar10(const std::string& dirIn, bool train) {
  const fs::path dir = resolveDir(dirIn);
  std::vector<std::uint8_t> pixels;
  std::vector<std::int64_t> labels;
  if (train) {
    for (int i = 1; i <= 5; ++i) readBatch(dir / ("data_batch_" + std::to_string(i) + ".bin"), pixels, labels);
  } else {
    readBatch(dir / "test_batch.bin", pixels, labels);
  }
  ImageDataset ds;
  ds.name = "cifar10";
  ds.classes = 10;
  const auto n = static_cast<std::int64_t>(labels.size());
  ds.images = torch::from_blob(pixels.data(), {n, 3, 32, 32}, torch::kUInt8).clone();
  ds.labels = torch::tensor(labels, torch::kLong);
  return ds;
}

}  // namespace nas
