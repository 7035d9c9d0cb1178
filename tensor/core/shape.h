// Shapes and small helpers shared by every layer.
//   Shape s{2, 3}; int64_t n = prod(s); std::string t = shape_str(s);  // "(2, 3)"
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/check.h"

namespace tinypynq {

using Shape = std::vector<int64_t>;

inline std::string shape_str(const Shape& s) {
  std::string r = "(";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  if (s.size() == 1) r += ",";
  return r + ")";
}

// The number of elements; a shape whose count does not fit in int64 is an error (not a
// wrapped, negative or small count that something would then allocate).
inline int64_t prod(const Shape& s) {
  int64_t n = 1;
  for (auto d : s)
    if (__builtin_mul_overflow(n, d, &n))
      throw Error(detail::cat("shape ", shape_str(s), " has more elements than an int64 can count"));
  return n;
}

// Row-major strides; size-1 dimensions get stride 0 so equal views compare equal.
inline Shape contiguous_strides(const Shape& s) {
  Shape st(s.size(), 0);
  int64_t acc = 1;
  for (size_t i = s.size(); i-- > 0;) {
    st[i] = s[i] == 1 ? 0 : acc;
    acc *= s[i];
  }
  return st;
}

// Normalises a possibly negative axis to 0..ndim-1, with a clear error when out of range.
// A 0-d tensor has no axis to index, so it is an error here; ops that accept axis 0 or -1 on a
// 0-d tensor as PyTorch does (reductions, softmax, argmax, flip, transpose, squeeze) check it
// with check_scalar_axis() and handle that case before calling this.
inline int norm_axis(int64_t axis, size_t ndim) {
  int64_t n = static_cast<int64_t>(ndim);
  TP_CHECK(n > 0, "axis ", axis, " given for a 0-d tensor, which has no dimensions");
  TP_CHECK(axis >= -n && axis < n, "axis ", axis, " is out of range for a tensor with ", n,
           " dimension(s) (expected ", -n, "..", n - 1, ")");
  return static_cast<int>(axis < 0 ? axis + n : axis);
}

// PyTorch lets a 0-d tensor be addressed as if it had one axis: 0 or -1.
inline void check_scalar_axis(int64_t axis) {
  TP_CHECK(axis == 0 || axis == -1, "axis ", axis, " is out of range for a 0-d tensor (expected -1..0)");
}

}  // namespace tinypynq
