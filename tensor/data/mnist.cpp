#include "tensor/data/mnist.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <numeric>

#include "base/check.h"

namespace tinypynq::data {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kImagesMagic = 0x00000803;  // idx: unsigned byte, 3 dimensions
constexpr uint32_t kLabelsMagic = 0x00000801;  // idx: unsigned byte, 1 dimension
constexpr const char* kSetupHint =
    "run `bash scripts/setup.sh` (installs dataset-fashion-mnist) or set TINYPYNQ_DATA to a "
    "directory holding the idx files";

// gzFile reads gzip and plain files alike, so one code path serves both.
class IdxReader {
 public:
  explicit IdxReader(const std::string& path) : path_(path) {
    std::error_code ec;
    TP_CHECK(fs::is_regular_file(path, ec), "idx file not found: '", path, "'; ", kSetupHint);
    file_ = gzopen(path.c_str(), "rb");
    TP_CHECK(file_ != nullptr, "cannot open idx file '", path, "': ", std::strerror(errno));
    gzbuffer(file_, 1 << 17);
  }
  ~IdxReader() { gzclose(file_); }
  IdxReader(const IdxReader&) = delete;
  IdxReader& operator=(const IdxReader&) = delete;

  // Appends up to n bytes to out; returns how many arrived (fewer only at end of data).
  // Grows `out` geometrically from 64 KiB, so memory follows the data that is really there: a
  // corrupt header claiming gigabytes costs nothing (found by fuzz_idx: 16 MiB zero-filled and
  // 64 MiB reserved per such file made each one take ~0.1 s).
  std::size_t read(std::vector<uint8_t>& out, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const std::size_t step = std::clamp<std::size_t>(out.size(), std::size_t{64} << 10, std::size_t{16} << 20);
      const std::size_t chunk = std::min<std::size_t>(n - got, step);
      const std::size_t old = out.size();
      out.resize(old + chunk);
      const int r = gzread(file_, out.data() + old, static_cast<unsigned>(chunk));
      if (r < 0) {
        int errnum = 0;
        const char* msg = gzerror(file_, &errnum);
        TP_CHECK(false, "corrupt gzip data in '", path_, "': ", msg);
      }
      out.resize(old + static_cast<std::size_t>(r));
      got += static_cast<std::size_t>(r);
      if (r == 0) break;
    }
    return got;
  }

  uint32_t read_be32(const char* what, std::size_t header_bytes) {
    std::vector<uint8_t> b;
    const std::size_t got = read(b, 4);
    TP_CHECK(got == 4, "idx file '", path_, "' is truncated: the ", header_bytes,
             "-byte header ends while reading the ", what);
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  }

  void check_magic(uint32_t expected, const char* kind, std::size_t header_bytes) {
    const uint32_t magic = read_be32("magic number", header_bytes);
    TP_CHECK(magic == expected, "'", path_, "' is not an ", kind, " file: magic number 0x", hex(magic),
             ", expected 0x", hex(expected));
  }

  // Reads exactly n payload bytes and insists nothing follows them.
  std::vector<uint8_t> read_payload(std::size_t n, const char* what) {
    std::vector<uint8_t> out;
    const std::size_t got = read(out, n);
    TP_CHECK(got == n, "idx file '", path_, "' is truncated: header promises ", n, " bytes of ", what,
             ", file has ", got);
    std::vector<uint8_t> extra;
    TP_CHECK(read(extra, 1) == 0, "idx file '", path_, "' has unexpected bytes after the ", n,
             " bytes of ", what, " its header declares");
    return out;
  }

 private:
  static std::string hex(uint32_t v) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
  }
  std::string path_;
  gzFile file_ = nullptr;
};

std::string resolve(const std::string& dir, const std::string& base) {
  const fs::path plain = fs::path(dir) / base;
  const fs::path gz = fs::path(dir) / (base + ".gz");
  std::error_code ec;
  if (fs::is_regular_file(plain, ec)) return plain.string();
  TP_CHECK(fs::is_regular_file(gz, ec), "Fashion-MNIST file not found: '", gz.string(), "' (nor '",
           plain.string(), "'); ", kSetupHint);
  return gz.string();
}

void check_pair(const IdxImages& im, const std::string& im_path, const IdxLabels& lb,
                const std::string& lb_path) {
  TP_CHECK(im.count == lb.labels.size(), "Fashion-MNIST: '", im_path, "' has ", im.count, " images but '",
           lb_path, "' has ", lb.labels.size(), " labels; expected the same count");
  for (std::size_t i = 0; i < lb.labels.size(); ++i)
    TP_CHECK(lb.labels[i] <= 9, "Fashion-MNIST: '", lb_path, "': label ", int{lb.labels[i]}, " at index ", i,
             " is out of range, expected 0..9");
}

}  // namespace

IdxImages load_idx_images(const std::string& path) {
  IdxReader r(path);
  r.check_magic(kImagesMagic, "idx3-ubyte image", 16);
  IdxImages out;
  out.count = r.read_be32("image count", 16);
  out.rows = r.read_be32("row count", 16);
  out.cols = r.read_be32("column count", 16);
  const uint64_t bytes = uint64_t{out.count} * out.rows * out.cols;
  TP_CHECK(bytes <= (uint64_t{1} << 32), "idx file '", path, "' declares ", out.count, " images of ", out.rows,
           "x", out.cols, " (", bytes, " bytes), more than the 4 GiB this loader accepts");
  out.pixels = r.read_payload(static_cast<std::size_t>(bytes), "pixels");
  return out;
}

IdxLabels load_idx_labels(const std::string& path) {
  IdxReader r(path);
  r.check_magic(kLabelsMagic, "idx1-ubyte label", 8);
  const uint32_t count = r.read_be32("label count", 8);
  return IdxLabels{r.read_payload(count, "labels")};
}

std::string default_fashion_mnist_dir() {
  const char* env = std::getenv("TINYPYNQ_DATA");
  if (env != nullptr && *env != '\0') return env;
  return "/usr/share/datasets/fashion-mnist";
}

FashionMnist load_fashion_mnist(const std::string& dir) {
  const std::string tr_im = resolve(dir, "train-images-idx3-ubyte");
  const std::string tr_lb = resolve(dir, "train-labels-idx1-ubyte");
  const std::string te_im = resolve(dir, "t10k-images-idx3-ubyte");
  const std::string te_lb = resolve(dir, "t10k-labels-idx1-ubyte");
  FashionMnist ds{load_idx_images(tr_im), load_idx_images(te_im), load_idx_labels(tr_lb),
                  load_idx_labels(te_lb)};
  check_pair(ds.train_images, tr_im, ds.train_labels, tr_lb);
  check_pair(ds.test_images, te_im, ds.test_labels, te_lb);
  TP_CHECK(ds.test_images.rows == ds.train_images.rows && ds.test_images.cols == ds.train_images.cols,
           "Fashion-MNIST: '", te_im, "' has ", ds.test_images.rows, "x", ds.test_images.cols,
           " images but '", tr_im, "' has ", ds.train_images.rows, "x", ds.train_images.cols,
           "; expected the same size");
  return ds;
}

// ---------------------------------------------------------------- BatchIterator

BatchIterator::BatchIterator(std::size_t n, std::size_t batch_size, uint64_t seed, bool shuffle,
                             bool drop_last)
    : n_(n), batch_size_(batch_size), shuffle_(shuffle), drop_last_(drop_last), rng_(seed) {
  TP_CHECK(batch_size > 0, "BatchIterator: batch size must be positive");
  start_epoch();
}

std::size_t BatchIterator::batches_per_epoch() const {
  return drop_last_ ? n_ / batch_size_ : (n_ + batch_size_ - 1) / batch_size_;
}

void BatchIterator::start_epoch() {
  order_.resize(n_);
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  pos_ = 0;
  if (!shuffle_) return;
  for (std::size_t i = n_; i > 1; --i) {
    // Unbiased draw in [0, i): reject the 2^64 mod i lowest values, then reduce.
    const uint64_t bound = i;
    const uint64_t threshold = (0 - bound) % bound;
    uint64_t r;
    do r = rng_();
    while (r < threshold);
    std::swap(order_[i - 1], order_[r % bound]);
  }
}

bool BatchIterator::next(std::vector<std::size_t>& batch) {
  if (exhausted_) {
    exhausted_ = false;
    ++epoch_;
    start_epoch();
  }
  const std::size_t remaining = n_ - pos_;
  if (remaining == 0 || (drop_last_ && remaining < batch_size_)) {
    exhausted_ = true;
    return false;
  }
  const std::size_t take = std::min(batch_size_, remaining);
  batch.assign(order_.begin() + static_cast<std::ptrdiff_t>(pos_),
               order_.begin() + static_cast<std::ptrdiff_t>(pos_ + take));
  pos_ += take;
  return true;
}

}  // namespace tinypynq::data
