#pragma once
// Fashion-MNIST from its four IDX files (gzip or plain), e.g. Debian's dataset-fashion-mnist.
#include <string>

#include "data/ImageDataset.h"

namespace nas {

// Where Debian's dataset-fashion-mnist package puts the files.
inline constexpr const char* kDebianFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// Loads the train (60000) or test (10000) split from `dir` ("" = the Debian folder):
// uint8 [N,1,28,28], labels 0..9. Missing, truncated or mismatched files throw Error naming
// the file (NotFound, CorruptData).
ImageDataset loadFashionMnist(const std::string& dir, bool train);

}  // namespace nas
