// libFuzzer target: the idx(.gz) readers of Fashion-MNIST (tensor/data/mnist.h). The first
// byte chooses images or labels; the rest is the file (zlib reads gzip and plain alike).
#include <cstdint>
#include <string>

#include "base/check.h"
#include "tensor/data/mnist.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tinypynq;
  if (size < 1) return 0;
  const bool images = data[0] & 1;
  const std::string path = fuzz::input_file(data + 1, size - 1, images ? "-images.gz" : "-labels.gz");
  try {
    if (images) {
      const data::IdxImages im = data::load_idx_images(path);
      if (uint64_t{im.count} * im.rows * im.cols != im.pixels.size()) __builtin_trap();
    } else {
      data::load_idx_labels(path);
    }
  } catch (const Error&) {
  }
  return 0;
}
