// Readers (real Fashion-MNIST, damaged copies, CIFAR-10 records), split, augmentation, batcher.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

#include "common/Error.h"
#include "data/Augment.h"
#include "data/Batcher.h"
#include "data/Cifar10.h"
#include "data/DatasetLoader.h"
#include "data/FashionMnist.h"
#include "data/Split.h"
#include "data/SyntheticDataset.h"
#include "MlTestUtil.h"

using namespace nas;
using nas::test::TempDir;

namespace {

// Runs fn, expects an Error with `code` whose text contains every one of `parts`.
template <typename Fn>
void expectError(Fn&& fn, ErrorCode code, const std::vector<std::string>& parts) {
  try {
    fn();
    FAIL() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what() << "\nlacks: " << p;
  }
}

std::string fmnist(const std::string& name) { return std::string(kDebianFashionMnistDir) + "/" + name; }

}  // namespace

TEST(FashionMnist, ReadsTheRealFiles) {
  if (!std::filesystem::exists(fmnist("t10k-images-idx3-ubyte.gz"))) GTEST_SKIP() << "dataset-fashion-mnist absent";
  ImageDataset train = loadFashionMnist("", true);
  ImageDataset test = loadFashionMnist("", false);
  EXPECT_EQ(train.size(), 60000);
  EXPECT_EQ(test.size(), 10000);
  EXPECT_EQ(train.images.sizes(), (std::vector<std::int64_t>{60000, 1, 28, 28}));
  EXPECT_EQ(train.images.scalar_type(), torch::kUInt8);
  EXPECT_EQ(test.labels.min().item<std::int64_t>(), 0);
  EXPECT_EQ(test.labels.max().item<std::int64_t>(), 9);
  // Fashion-MNIST is balanced: 1000 test images per class.
  EXPECT_EQ(torch::bincount(test.labels).eq(1000).all().item<bool>(), true);
  // The pixel mean matches the normalisation constant we ship.
  EXPECT_NEAR(train.images.to(torch::kFloat).mean().item<double>() / 255.0, 0.2860, 1e-3);
}

TEST(FashionMnist, TruncatedGzipNamesTheFile) {
  if (!std::filesystem::exists(fmnist("t10k-images-idx3-ubyte.gz"))) GTEST_SKIP();
  TempDir dir;
  auto bytes = nas::test::readBytes(fmnist("t10k-images-idx3-ubyte.gz"));
  bytes.resize(5000);
  nas::test::writeBytes(dir.file("t10k-images-idx3-ubyte.gz"), bytes);
  std::filesystem::copy_file(fmnist("t10k-labels-idx1-ubyte.gz"), dir.file("t10k-labels-idx1-ubyte.gz"));
  expectError([&] { loadFashionMnist(dir.path().string(), false); }, ErrorCode::CorruptData,
              {"truncated: header says 10000 images of 28x28, file holds", "bytes of pixels",
               dir.file("t10k-images-idx3-ubyte.gz")});
}

TEST(FashionMnist, TruncatedPlainFileSaysHowMuchIsThere) {
  TempDir dir;
  auto img = nas::test::idxHeader({60000, 28, 28});
  img.resize(img.size() + 1234, 7);
  nas::test::writeBytes(dir.file("train-images-idx3-ubyte"), img);
  auto lab = nas::test::idxHeader({60000});
  lab.resize(lab.size() + 60000, 1);
  nas::test::writeBytes(dir.file("train-labels-idx1-ubyte"), lab);
  expectError([&] { loadFashionMnist(dir.path().string(), true); }, ErrorCode::CorruptData,
              {"truncated: header says 60000 images of 28x28, file holds 1234 bytes of pixels",
               dir.file("train-images-idx3-ubyte")});
}

TEST(FashionMnist, LabelCountMismatch) {
  TempDir dir;
  auto img = nas::test::idxHeader({3, 28, 28});
  img.resize(img.size() + 3 * 784, 0);
  nas::test::writeBytes(dir.file("t10k-images-idx3-ubyte"), img);
  auto lab = nas::test::idxHeader({2});
  lab.insert(lab.end(), {1, 2});
  nas::test::writeBytes(dir.file("t10k-labels-idx1-ubyte"), lab);
  expectError([&] { loadFashionMnist(dir.path().string(), false); }, ErrorCode::CorruptData,
              {"label count 2 does not match image count 3", dir.file("t10k-labels-idx1-ubyte")});
}

TEST(FashionMnist, WrongMagicAndBadLabels) {
  TempDir dir;
  auto img = nas::test::idxHeader({2, 28, 28}, /*ndimsInMagic=*/1);  // a labels magic on an image file
  img.resize(img.size() + 2 * 784, 0);
  nas::test::writeBytes(dir.file("t10k-images-idx3-ubyte"), img);
  auto lab = nas::test::idxHeader({2});
  lab.insert(lab.end(), {1, 12});
  nas::test::writeBytes(dir.file("t10k-labels-idx1-ubyte"), lab);
  expectError([&] { loadFashionMnist(dir.path().string(), false); }, ErrorCode::CorruptData,
              {"wrong magic number 0x00000801, expected 0x00000803", dir.file("t10k-images-idx3-ubyte")});
  nas::test::writeBytes(dir.file("t10k-images-idx3-ubyte"), [] {
    auto ok = nas::test::idxHeader({2, 28, 28});
    ok.resize(ok.size() + 2 * 784, 0);
    return ok;
  }());
  expectError([&] { loadFashionMnist(dir.path().string(), false); }, ErrorCode::CorruptData,
              {"label 12 at index 1 is outside 0..9"});
}

TEST(FashionMnist, MissingFile) {
  TempDir dir;
  expectError([&] { loadFashionMnist(dir.path().string(), true); }, ErrorCode::NotFound,
              {"Fashion-MNIST file missing", dir.file("train-images-idx3-ubyte.gz")});
}

namespace {

// A CIFAR-10 record whose pixels encode (record, channel) so the layout can be checked.
std::vector<std::uint8_t> cifarRecords(int count, int firstLabel) {
  std::vector<std::uint8_t> out;
  for (int r = 0; r < count; ++r) {
    out.push_back(static_cast<std::uint8_t>((firstLabel + r) % 10));
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < 1024; ++i) out.push_back(static_cast<std::uint8_t>(r * 30 + c * 10 + (i == 0 ? 1 : 0)));
  }
  return out;
}

void writeCifarFolder(const TempDir& dir) {
  for (int b = 1; b <= 5; ++b)
    nas::test::writeBytes(dir.file("data_batch_" + std::to_string(b) + ".bin"), cifarRecords(3, b));
  nas::test::writeBytes(dir.file("test_batch.bin"), cifarRecords(2, 7));
}

}  // namespace

TEST(Cifar10, ReadsRecordsFromAFolder) {
  TempDir dir;
  writeCifarFolder(dir);
  ImageDataset train = loadCifar10(dir.path().string(), true);
  ImageDataset test = loadCifar10(dir.path().string(), false);
  ASSERT_EQ(train.size(), 15);
  ASSERT_EQ(test.size(), 2);
  EXPECT_EQ(train.images.sizes(), (std::vector<std::int64_t>{15, 3, 32, 32}));
  EXPECT_EQ(train.labels[0].item<std::int64_t>(), 1);   // batch 1, record 0
  EXPECT_EQ(train.labels[3].item<std::int64_t>(), 2);   // batch 2, record 0
  EXPECT_EQ(test.labels[1].item<std::int64_t>(), 8);
  // Record 1, channel 2 (blue plane): first pixel 30+20+1, the rest 50.
  EXPECT_EQ(train.images[1][2][0][0].item<int>(), 51);
  EXPECT_EQ(train.images[1][2][31][31].item<int>(), 50);
  EXPECT_EQ(train.images[1][0][5][5].item<int>(), 30);
  // Through the generic loader too.
  EXPECT_EQ(loadImageDataset("cifar10", dir.path().string(), false).size(), 2);
}

TEST(Cifar10, TruncatedMissingAndNoFolder) {
  TempDir dir;
  writeCifarFolder(dir);
  auto bad = cifarRecords(2, 0);
  bad.resize(bad.size() + 5, 0);
  nas::test::writeBytes(dir.file("data_batch_4.bin"), bad);
  expectError([&] { loadCifar10(dir.path().string(), true); }, ErrorCode::CorruptData,
              {"truncated", "2 records and 5 bytes over", dir.file("data_batch_4.bin")});
  std::filesystem::remove(dir.file("data_batch_4.bin"));
  expectError([&] { loadCifar10(dir.path().string(), true); }, ErrorCode::NotFound,
              {"missing", dir.file("data_batch_4.bin")});
  expectError([&] { loadCifar10("", true); }, ErrorCode::InvalidArgument, {"data_batch_1..5.bin"});
}

TEST(Split, DeterministicDisjointAndComplete) {
  ImageDataset ds;
  ds.name = "ids";
  ds.classes = 1000;
  ds.images = torch::zeros({1000, 1, 2, 2}, torch::kUInt8);
  ds.labels = torch::arange(1000, torch::kLong);  // label = row id, to trace rows
  auto a = splitTrainVal(ds, 0.1, 7), b = splitTrainVal(ds, 0.1, 7), c = splitTrainVal(ds, 0.1, 8);
  EXPECT_EQ(a.val.size(), 100);
  EXPECT_EQ(a.train.size(), 900);
  EXPECT_TRUE(torch::equal(a.val.labels, b.val.labels));
  EXPECT_FALSE(torch::equal(a.val.labels, c.val.labels));
  std::set<std::int64_t> seen;
  for (auto* part : {&a.train, &a.val})
    for (std::int64_t i = 0; i < part->size(); ++i) seen.insert(part->labels[i].item<std::int64_t>());
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(splitTrainVal(ds, 0.0, 1).val.size(), 0);
  EXPECT_THROW(splitTrainVal(ds, 1.0, 1), Error);
}

TEST(Augment, KeepsShapeAndIsReproducible) {
  SyntheticOptions so;
  so.size = 8;
  so.channels = 3;
  so.height = so.width = 32;
  ImageDataset ds = makeSyntheticDataset(so);
  Rng r1(5), r2(5);
  auto a = augmentBatch(ds.images, {4, true}, r1);
  auto b = augmentBatch(ds.images, {4, true}, r2);
  EXPECT_EQ(a.sizes(), ds.images.sizes());
  EXPECT_EQ(a.scalar_type(), torch::kUInt8);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::equal(a, ds.images));
  // Flip only: every image is either unchanged or mirrored.
  Rng r3(1);
  auto f = augmentBatch(ds.images, {0, true}, r3);
  for (int i = 0; i < 8; ++i)
    EXPECT_TRUE(torch::equal(f[i], ds.images[i]) || torch::equal(f[i], ds.images[i].flip({2})));
  // Normalised floats have the requested shape and type.
  auto x = normalizeBatch(a, datasetNormalization("cifar10", 3));
  EXPECT_EQ(x.scalar_type(), torch::kFloat);
  EXPECT_EQ(x.sizes(), a.sizes());
  // A 1x28x28 batch with the Fashion-MNIST padding.
  auto g = augmentBatch(torch::randint(0, 255, {4, 1, 28, 28}).to(torch::kUInt8), {defaultCropPadding(28), true}, r3);
  EXPECT_EQ(g.sizes(), (std::vector<std::int64_t>{4, 1, 28, 28}));
}

TEST(Augment, CropShiftsContent) {
  // A single bright pixel moves by the crop offset and never further than the padding.
  auto img = torch::zeros({1, 1, 9, 9}, torch::kUInt8);
  img[0][0][4][4] = 255;
  for (std::uint64_t s = 0; s < 20; ++s) {
    Rng rng(s);
    auto out = augmentBatch(img, {2, false}, rng);
    auto pos = out.flatten().argmax().item<std::int64_t>();
    EXPECT_EQ(out.sum().item<std::int64_t>(), 255);
    EXPECT_LE(std::abs(pos / 9 - 4), 2);
    EXPECT_LE(std::abs(pos % 9 - 4), 2);
  }
}

TEST(Batcher, EpochsArePermutationsAndResumeMidEpoch) {
  Batcher a(103, 10, 42);
  EXPECT_EQ(a.batchesPerEpoch(), 11);
  std::vector<Batch> straight;
  for (int i = 0; i < 25; ++i) straight.push_back(a.next());
  std::set<std::int64_t> epoch0;
  for (int i = 0; i < 11; ++i) epoch0.insert(straight[i].indices.begin(), straight[i].indices.end());
  EXPECT_EQ(epoch0.size(), 103u);
  EXPECT_NE(straight[0].indices, straight[11].indices);  // a new order each epoch
  Batcher b(103, 10, 42);
  b.setPosition({1, 3});
  for (int i = 14; i < 25; ++i) {
    Batch x = b.next();
    EXPECT_EQ(x.indices, straight[i].indices);
    EXPECT_EQ(x.seed, straight[i].seed);
  }
  // A last batch of one sample is dropped: BatchNorm cannot train on it.
  EXPECT_EQ(Batcher(101, 10, 0).batchesPerEpoch(), 10);
  EXPECT_EQ(Batcher(101, 10, 0, /*shuffle=*/false).batchesPerEpoch(), 11);
}

TEST(Synthetic, DeterministicAndBalanced) {
  SyntheticOptions o;
  o.size = 40;
  auto a = makeSyntheticDataset(o), b = makeSyntheticDataset(o);
  EXPECT_TRUE(torch::equal(a.images, b.images));
  EXPECT_EQ(a.images.sizes(), (std::vector<std::int64_t>{40, 1, 16, 16}));
  EXPECT_TRUE(torch::bincount(a.labels).eq(10).all().item<bool>());
  o.seed = 3;
  EXPECT_FALSE(torch::equal(a.images, makeSyntheticDataset(o).images));
  EXPECT_THROW(loadImageDataset("mnist-3d", "", true), Error);
}
