#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "tensor/data/mnist.h"
#include "tests/io/test_util.h"

namespace tinypynq::data {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

using test::TempDir;

void put_be32(std::vector<uint8_t>& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

std::vector<uint8_t> idx_images(uint32_t count, uint32_t rows, uint32_t cols, uint32_t magic = 0x803) {
  std::vector<uint8_t> b;
  put_be32(b, magic);
  put_be32(b, count);
  put_be32(b, rows);
  put_be32(b, cols);
  for (uint32_t i = 0; i < count * rows * cols; ++i) b.push_back(static_cast<uint8_t>(i * 7));
  return b;
}

std::vector<uint8_t> idx_labels(const std::vector<uint8_t>& labels, uint32_t magic = 0x801) {
  std::vector<uint8_t> b;
  put_be32(b, magic);
  put_be32(b, static_cast<uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

void write_gz(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

// A complete synthetic Fashion-MNIST directory: 6 train and 3 test images of 2x3 pixels,
// train files gzipped, test files plain (the loader accepts either).
void write_dataset(const TempDir& dir, std::vector<uint8_t> test_labels = {0, 9, 4}) {
  write_gz(dir / "train-images-idx3-ubyte.gz", idx_images(6, 2, 3));
  write_gz(dir / "train-labels-idx1-ubyte.gz", idx_labels({0, 1, 2, 3, 4, 5}));
  test::write_bytes(dir / "t10k-images-idx3-ubyte", idx_images(3, 2, 3));
  test::write_bytes(dir / "t10k-labels-idx1-ubyte", idx_labels(test_labels));
}

TEST(Mnist, LoadsPlainAndGzipIdentically) {
  TempDir dir;
  const auto bytes = idx_images(4, 3, 2);
  test::write_bytes(dir / "im", bytes);
  write_gz(dir / "im.gz", bytes);
  for (const char* name : {"im", "im.gz"}) {
    const IdxImages im = load_idx_images(dir / name);
    EXPECT_EQ(im.count, 4u);
    EXPECT_EQ(im.rows, 3u);
    EXPECT_EQ(im.cols, 2u);
    EXPECT_EQ(im.pixels, std::vector<uint8_t>(bytes.begin() + 16, bytes.end()));
  }
  write_gz(dir / "lb.gz", idx_labels({3, 1, 4}));
  EXPECT_EQ(load_idx_labels(dir / "lb.gz").labels, (std::vector<uint8_t>{3, 1, 4}));
}

TEST(Mnist, LoadsDatasetDirectoryAndHonoursEnv) {
  TempDir dir;
  write_dataset(dir);
  const FashionMnist ds = load_fashion_mnist(dir.path().string());
  EXPECT_EQ(ds.train_images.count, 6u);
  EXPECT_EQ(ds.test_images.count, 3u);
  EXPECT_EQ(ds.train_labels.labels.size(), 6u);
  EXPECT_EQ(ds.test_labels.labels, (std::vector<uint8_t>{0, 9, 4}));

  ::setenv("TINYPYNQ_DATA", dir.path().c_str(), 1);
  EXPECT_EQ(default_fashion_mnist_dir(), dir.path().string());
  EXPECT_EQ(load_fashion_mnist().train_images.pixels, ds.train_images.pixels);
  ::unsetenv("TINYPYNQ_DATA");
  EXPECT_EQ(default_fashion_mnist_dir(), "/usr/share/datasets/fashion-mnist");
}

TEST(Mnist, MissingFilesPointAtSetup) {
  TempDir dir;
  EXPECT_THAT(error_of([&] { load_idx_images(dir / "nope"); }),
              AllOf(HasSubstr(dir / "nope"), HasSubstr("not found"), HasSubstr("bash scripts/setup.sh"),
                    HasSubstr("dataset-fashion-mnist")));
  EXPECT_THAT(error_of([&] { load_fashion_mnist(dir / "empty"); }),
              AllOf(HasSubstr("train-images-idx3-ubyte.gz"), HasSubstr("bash scripts/setup.sh"),
                    HasSubstr("TINYPYNQ_DATA")));
}

TEST(Mnist, RejectsBadFiles) {
  TempDir dir;
  auto expect_error = [&](const std::string& name, const std::vector<uint8_t>& bytes, bool images,
                          std::vector<const char*> words) {
    SCOPED_TRACE(name);
    test::write_bytes(dir / name, bytes);
    const std::string msg =
        error_of([&] { images ? (void)load_idx_images(dir / name) : (void)load_idx_labels(dir / name); });
    EXPECT_THAT(msg, HasSubstr(dir / name));
    for (const char* w : words) EXPECT_THAT(msg, HasSubstr(w));
  };
  expect_error("labels_as_images", idx_labels({1}), true,
               {"not an idx3-ubyte image file", "0x00000801", "expected 0x00000803"});
  expect_error("images_as_labels", idx_images(1, 1, 1), false, {"not an idx1-ubyte label file", "expected 0x00000801"});
  expect_error("empty", {}, true, {"truncated", "magic number"});
  auto short_header = idx_images(1, 2, 2);
  short_header.resize(10);
  expect_error("short_header", short_header, true, {"truncated", "16-byte header", "row count"});
  auto short_pixels = idx_images(2, 2, 2);
  short_pixels.pop_back();
  expect_error("short_pixels", short_pixels, true, {"truncated", "promises 8 bytes of pixels", "has 7"});
  auto extra = idx_labels({1, 2});
  extra.push_back(0);
  expect_error("extra", extra, false, {"unexpected bytes after the 2 bytes of labels"});
  std::vector<uint8_t> huge;  // header claims 2^32 images of 65535x65535: rejected, not allocated
  for (const uint32_t v : {0x803u, 0xFFFFFFFFu, 0xFFFFu, 0xFFFFu}) put_be32(huge, v);
  expect_error("huge", huge, true, {"more than the 4 GiB"});
}

TEST(Mnist, RejectsDamagedGzip) {
  TempDir dir;
  write_gz(dir / "ok.gz", idx_images(50, 10, 10));
  auto gz = test::read_bytes(dir / "ok.gz");
  auto cut = gz;
  cut.resize(gz.size() / 2);
  test::write_bytes(dir / "cut.gz", cut);
  EXPECT_THAT(error_of([&] { load_idx_images(dir / "cut.gz"); }), AllOf(HasSubstr(dir / "cut.gz"), HasSubstr("truncated")));
  auto bad_crc = gz;
  bad_crc[bad_crc.size() - 6] ^= 0xFF;  // inside the CRC32 trailer
  test::write_bytes(dir / "crc.gz", bad_crc);
  EXPECT_THAT(error_of([&] { load_idx_images(dir / "crc.gz"); }), AllOf(HasSubstr(dir / "crc.gz"), HasSubstr("corrupt gzip")));
}

TEST(Mnist, RejectsInconsistentDataset) {
  {
    TempDir dir;
    write_dataset(dir, {0, 12, 4});
    EXPECT_THAT(error_of([&] { load_fashion_mnist(dir.path().string()); }),
                AllOf(HasSubstr("t10k-labels-idx1-ubyte"), HasSubstr("label 12 at index 1"), HasSubstr("0..9")));
  }
  {
    TempDir dir;
    write_dataset(dir, {0, 1});
    EXPECT_THAT(error_of([&] { load_fashion_mnist(dir.path().string()); }),
                AllOf(HasSubstr("has 3 images"), HasSubstr("has 2 labels"), HasSubstr("same count")));
  }
  {
    TempDir dir;
    write_dataset(dir);
    test::write_bytes(dir / "t10k-images-idx3-ubyte", idx_images(3, 3, 2));
    EXPECT_THAT(error_of([&] { load_fashion_mnist(dir.path().string()); }),
                AllOf(HasSubstr("3x2"), HasSubstr("2x3"), HasSubstr("same size")));
  }
}

TEST(Mnist, RealDatasetIfInstalled) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist not installed (bash scripts/setup.sh installs it)";
  const FashionMnist ds = load_fashion_mnist(dir);
  EXPECT_EQ(ds.train_images.count, 60000u);
  EXPECT_EQ(ds.test_images.count, 10000u);
  EXPECT_EQ(ds.train_images.rows, 28u);
  EXPECT_EQ(ds.train_images.cols, 28u);
  EXPECT_EQ(ds.test_images.pixels.size(), 10000u * 28 * 28);
  std::vector<int> per_class(10, 0);
  for (const uint8_t l : ds.train_labels.labels) ++per_class[l];
  EXPECT_EQ(per_class, std::vector<int>(10, 6000));  // Fashion-MNIST is balanced
}

// ---------------------------------------------------------------- BatchIterator

std::vector<std::vector<size_t>> epoch_of(BatchIterator& it) {
  std::vector<std::vector<size_t>> out;
  std::vector<size_t> b;
  while (it.next(b)) out.push_back(b);
  return out;
}

TEST(BatchIterator, CoversEveryIndexOncePerEpoch) {
  BatchIterator it(10, 4, 42);
  EXPECT_EQ(it.batches_per_epoch(), 3u);
  for (int e = 0; e < 3; ++e) {
    const auto batches = epoch_of(it);
    ASSERT_EQ(batches.size(), 3u);
    EXPECT_EQ(batches.back().size(), 2u);
    std::multiset<size_t> seen;
    for (const auto& b : batches) seen.insert(b.begin(), b.end());
    std::multiset<size_t> all;
    for (size_t i = 0; i < 10; ++i) all.insert(i);
    EXPECT_EQ(seen, all);
    EXPECT_EQ(it.epoch(), static_cast<size_t>(e));
  }
}

TEST(BatchIterator, SeededAndReshuffledPerEpoch) {
  BatchIterator a(100, 10, 7), b(100, 10, 7), c(100, 10, 8);
  const auto a0 = epoch_of(a), b0 = epoch_of(b), c0 = epoch_of(c);
  EXPECT_EQ(a0, b0);
  EXPECT_NE(a0, c0);
  EXPECT_NE(epoch_of(a), a0);
  // Pinned so a change of shuffle algorithm (which would change every training run) is noticed.
  BatchIterator p(8, 8, 42);
  std::vector<size_t> first;
  ASSERT_TRUE(p.next(first));
  EXPECT_EQ(first, (std::vector<size_t>{7, 0, 5, 1, 2, 4, 3, 6}));
}

TEST(BatchIterator, DropLastAndNoShuffle) {
  BatchIterator it(10, 4, 1, /*shuffle=*/false, /*drop_last=*/true);
  EXPECT_EQ(it.batches_per_epoch(), 2u);
  EXPECT_EQ(epoch_of(it), (std::vector<std::vector<size_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}}));
  BatchIterator small(3, 4, 1, true, true);
  EXPECT_EQ(small.batches_per_epoch(), 0u);
  EXPECT_TRUE(epoch_of(small).empty());
  BatchIterator none(0, 4, 1);
  EXPECT_TRUE(epoch_of(none).empty());
  EXPECT_THAT(error_of([] { BatchIterator(10, 0, 1); }), HasSubstr("batch size"));
}

}  // namespace
}  // namespace tinypynq::data
