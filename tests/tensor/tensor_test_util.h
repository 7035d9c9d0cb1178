// Shared helpers for the tensor tests: building small tensors from literals, reading them back,
// element-wise comparison with a readable failure message, and capturing tinypynq::Error text.
//
//   Tensor a = tf({1, 2, 3, 4, 5, 6}, {2, 3});
//   expect_values(a.sum({1}), {6, 15});                         // exact
//   expect_values(a.exp(), {...}, /*atol=*/1e-6, /*rtol=*/1e-6);   // with tolerance
//   EXPECT_THAT(error_of([&] { a.reshape({4}); }), HasSubstr("cannot reshape"));
#pragma once
#include "tests/support/error_of.h"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "base/check.h"
#include "tensor/schedule.h"
#include "tensor/tensor.h"

namespace tinypynq::test {

using ::testing::HasSubstr;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

inline Tensor tf(const std::vector<float>& v, const Shape& s) { return Tensor::from_data(v, s); }
inline Tensor tf(const std::vector<float>& v) { return Tensor::from_data(v, {static_cast<int64_t>(v.size())}); }
inline Tensor ti(const std::vector<int32_t>& v, const Shape& s) { return Tensor::from_data(v, s); }
inline Tensor ti(const std::vector<int32_t>& v) { return Tensor::from_data(v, {static_cast<int64_t>(v.size())}); }
inline Tensor tb(const std::vector<int32_t>& v, const Shape& s) { return ti(v, s).cast(DType::boolean); }

// Float equality where NaN == NaN; tolerance atol + rtol * |expected|.
inline bool close(float a, float e, double atol, double rtol) {
  if (std::isnan(e) || std::isnan(a)) return std::isnan(e) && std::isnan(a);
  if (std::isinf(e) || std::isinf(a)) return a == e;
  return std::fabs(static_cast<double>(a) - e) <= atol + rtol * std::fabs(static_cast<double>(e));
}

inline std::string vec_str(const std::vector<float>& v) {
  std::ostringstream os;
  os.precision(9);
  os << "[";
  for (size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
  os << "]";
  return os.str();
}

inline void expect_values(const std::vector<float>& got, const std::vector<float>& want, double atol = 0,
                          double rtol = 0, const std::string& what = "") {
  ASSERT_EQ(got.size(), want.size()) << what << " got " << vec_str(got) << " want " << vec_str(want);
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(close(got[i], want[i], atol, rtol))
        << what << " element " << i << ": got " << got[i] << " want " << want[i] << "\n  got  " << vec_str(got)
        << "\n  want " << vec_str(want);
}

// Checks shape and values (tolist(), so works for every dtype).
inline void expect_values(const Tensor& t, const std::vector<float>& want, double atol = 0, double rtol = 0) {
  expect_values(t.tolist(), want, atol, rtol, t.str());
}
inline void expect_tensor(const Tensor& t, const Shape& shape, const std::vector<float>& want, double atol = 0,
                          double rtol = 0) {
  EXPECT_EQ(shape_str(t.shape()), shape_str(shape)) << t.str();
  expect_values(t.tolist(), want, atol, rtol, t.str());
}


// Kernels run by f (forces nothing itself; f must realize or read what it wants counted).
template <typename F>
int64_t kernels_in(F&& f) {
  const int64_t before = stats().kernels_run;
  f();
  return stats().kernels_run - before;
}

}  // namespace tinypynq::test
