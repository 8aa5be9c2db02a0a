#pragma once
// One entry point for the data sets a job can name: "fashion-mnist", "cifar10", "synthetic".
#include <string>
#include <vector>

#include "data/ImageDataset.h"

namespace nas {

std::vector<std::string> imageDatasetNames();  // the three names above

// The train or test split of `name`. `dir` is the data folder ("" = the Debian Fashion-MNIST
// folder; CIFAR-10 requires one). "synthetic" ignores dir: 1024 train / 256 test images of
// 1x16x16 in 4 classes, the test images drawn with another seed. Unknown names throw
// InvalidArgument listing the known ones.
ImageDataset loadImageDataset(const std::string& name, const std::string& dir, bool train);

}  // namespace nas
