// safetensors files (https://huggingface.co/docs/safetensors), independent of Tensor.
//
//   using namespace tinypynq::io;
//   StTensor w{StDtype::F32, {2, 3}, bytes_of_six_floats};
//   save_safetensors("model.safetensors", {{"fc1.weight", w}}, {{"epoch", "3"}});
//   auto tensors = load_safetensors("model.safetensors");  // tensors.at("fc1.weight").shape == {2, 3}
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tinypynq::io {

// F32, I32, U8, BOOL are what tinypynq writes; the others are read so that files written by
// PyTorch (float16/bfloat16/float64 weights, int64 counters such as num_batches_tracked) load.
enum class StDtype { F32, I32, U8, BOOL, F64, F16, BF16, I64, I16, I8 };

const char* st_dtype_name(StDtype dt);   // "F32", "I32", "U8", "BOOL", "F64", ... (the on-disk spelling)
std::size_t st_dtype_size(StDtype dt);   // bytes per element

// One tensor: raw little-endian element bytes, row-major; data.size() must equal
// product(shape) * st_dtype_size(dtype). BOOL bytes are 0 or 1. shape {} is a scalar.
struct StTensor {
  StDtype dtype = StDtype::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

// Writes the standard layout: u64 LE header length, JSON header padded with spaces to a
// multiple of 8, then the tensors' bytes in key order. Atomic: writes `path.tmp.PID`, fsyncs
// and renames, so `path` is either the old file or the complete new one. Throws
// tinypynq::Error for invalid tensors or I/O failure (no temp file is left behind).
void save_safetensors(const std::string& path, const std::map<std::string, StTensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Strict reader: rejects malformed JSON, unknown dtypes or fields, bad shapes, offsets that are
// out of range, overlap, or leave holes, and headers that are oversized (> 100 MB) or longer
// than the file. Every error is a tinypynq::Error naming the file and the problem.
std::map<std::string, StTensor> load_safetensors(const std::string& path);

// Like load_safetensors, also returning the "__metadata__" entries (empty when absent).
std::map<std::string, StTensor> load_safetensors(const std::string& path,
                                                 std::map<std::string, std::string>& metadata);

}  // namespace tinypynq::io
