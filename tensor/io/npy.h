// NumPy .npy files (format versions 1.0-3.0, C order, little-endian or byte-sized), independent
// of Tensor.
//
//   using namespace tinypynq::io;
//   NpyArray a{"<f4", {2, 3}, bytes_of_six_floats};
//   save_npy("x.npy", a);                 // atomic: temp file + rename
//   NpyArray b = load_npy("x.npy");       // b.descr == "<f4", b.shape == {2, 3}
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tinypynq::io {

// descr is numpy's dtype string: "<f4", "<f8", "<i8", "<i4", "<i2", "|i1", "|u1", "<u2", "<u4",
// "<u8", "|b1" (the only ones accepted; '=' and '<' are normalised to '<', '|' for 1 byte).
struct NpyArray {
  std::string descr = "<f4";
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;  // row-major, prod(shape) * itemsize bytes
};

size_t npy_itemsize(const std::string& descr);  // throws tinypynq::Error for unsupported ones

// Strict reader: bad magic, unsupported versions/dtypes, Fortran order, big-endian data, sizes
// that disagree with the file length or overflow: a tinypynq::Error naming the file.
NpyArray load_npy(const std::string& path);
NpyArray parse_npy(const void* bytes, size_t n, const std::string& what = "npy data");
void save_npy(const std::string& path, const NpyArray& a);

}  // namespace tinypynq::io
