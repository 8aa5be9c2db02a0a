#include "data/FashionMnist.h"

#include <torch/torch.h>

#include <filesystem>

#include "common/Error.h"
#include "data/IdxFile.h"

namespace nas {
namespace {

// The .gz name, or the plain one when only that exists (people gunzip them).
std::string findFile(const std::string& dir, const std::string& stem) {
  const std::string gz = (std::filesystem::path(dir) / (stem + ".gz")).string();
  const std::string plain = (std::filesystem::path(dir) / stem).string();
  if (std::filesystem::exists(gz)) return gz;
  if (std::filesystem::exists(plain)) return plain;
  throw Error(ErrorCode::NotFound, "Fashion-MNIST file missing (neither " + stem + ".gz nor " + stem + ")", gz);
}

}  // namespace

ImageDataset loadFashionMnist(const std::string& dirIn, bool train) {
  const std::string dir = dirIn.empty() ? kDebianFashionMnistDir : dirIn;
  const std::string prefix = train ? "train" : "t10k";
  const std::string imagePath = findFile(dir, prefix + "-images-idx3-ubyte");
  const std::string labelPath = findFile(dir, prefix + "-labels-idx1-ubyte");

  IdxArray img = readIdxFile(imagePath, 3, "images");
  IdxArray lab = readIdxFile(labelPath, 1, "labels");
  if (lab.dims[0] != img.dims[0])
    throw Error(ErrorCode::CorruptData,
                "label count " + std::to_string(lab.dims[0]) + " does not match image count " +
                    std::to_string(img.dims[0]) + " of " + imagePath,
                labelPath);
  for (size_t i = 0; i < lab.data.size(); ++i)
    if (lab.data[i] > 9)
      throw Error(ErrorCode::CorruptData,
                  "label " + std::to_string(lab.data[i]) + " at index " + std::to_string(i) + " is outside 0..9",
                  labelPath);

  ImageDataset ds;
  ds.name = "fashion-mnist";
  ds.classes = 10;
  const std::int64_t n = img.dims[0], h = img.dims[1], w = img.dims[2];
  ds.images = torch::from_blob(img.data.data(), {n, 1, h, w}, torch::kUInt8).clone();
  ds.labels = torch::from_blob(lab.data.data(), {n}, torch::kUInt8).to(torch::kLong);
  return ds;
}

}  // namespace nas
