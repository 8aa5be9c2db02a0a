#pragma once
// CIFAR-10 "binary version" batches: data_batch_1..5.bin (train) and test_batch.bin, each a
// run of 3073-byte records (1 label byte, then 1024 R, 1024 G, 1024 B bytes, row-major 32x32).
#include <string>

#include "data/ImageDataset.h"

namespace nas {

inline constexpr int kCifarRecordBytes = 3073;

// Loads from `dir`, or from `dir`/cifar-10-batches-bin when the files are one level down
// (the tarball's layout). uint8 [N,3,32,32], labels 0..9. A missing batch file is NotFound;
// a size that is not a whole number of records or a label > 9 is CorruptData naming the file.
ImageDataset loadCifar10(const std::string& dir, bool train);

}  // namespace nas
