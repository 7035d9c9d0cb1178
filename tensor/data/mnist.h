// Fashion-MNIST / idx file loading and seeded mini-batching, independent of Tensor.
//
//   auto ds = tinypynq::data::load_fashion_mnist();   // $TINYPYNQ_DATA or the Debian package
//   tinypynq::data::BatchIterator it(ds.train_labels.labels.size(), 64, /*seed=*/42);
//   std::vector<std::size_t> idx;
//   while (it.next(idx)) { /* gather ds.train_images.pixels rows idx[i] */ }
#pragma once
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tinypynq::data {

// An idx3-ubyte file: `count` images of rows x cols bytes, row-major, image after image.
struct IdxImages {
  uint32_t count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels;
};

// An idx1-ubyte file: one byte per example.
struct IdxLabels {
  std::vector<uint8_t> labels;
};

// Both read plain or gzip-compressed files (zlib reads plain files transparently) and throw
// tinypynq::Error naming the file for a missing file, bad magic, truncation or trailing bytes.
IdxImages load_idx_images(const std::string& path);
IdxLabels load_idx_labels(const std::string& path);

struct FashionMnist {
  IdxImages train_images, test_images;
  IdxLabels train_labels, test_labels;
};

// $TINYPYNQ_DATA when set and non-empty, else /usr/share/datasets/fashion-mnist
// (Debian package dataset-fashion-mnist).
std::string default_fashion_mnist_dir();

// Loads {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from `dir` (plain file preferred
// when both exist) and checks image/label counts agree and every label is in 0..9.
FashionMnist load_fashion_mnist(const std::string& dir = default_fashion_mnist_dir());

// Yields the example indices of each mini-batch of one epoch. The order is a Fisher-Yates
// shuffle driven directly by mt19937_64 (not std::shuffle, whose output differs between
// standard libraries), so a seed gives the same batches on every platform.
// next() returns false once an epoch is exhausted; the call after that starts the next epoch
// with a fresh shuffle.
class BatchIterator {
 public:
  BatchIterator(std::size_t n, std::size_t batch_size, uint64_t seed, bool shuffle = true,
                bool drop_last = false);
  bool next(std::vector<std::size_t>& batch);
  std::size_t batches_per_epoch() const;
  std::size_t epoch() const { return epoch_; }  // 0 during the first epoch

 private:
  void start_epoch();
  std::size_t n_, batch_size_;
  bool shuffle_, drop_last_;
  std::mt19937_64 rng_;
  std::vector<std::size_t> order_;
  std::size_t pos_ = 0, epoch_ = 0;
  bool exhausted_ = false;
};

}  // namespace tinypynq::data
