// Hand-derived values for element-wise ops and dtype semantics on the default device.
// Semantics asserted here (the cpu device is the reference for every target):
//   * float MOD is C fmod: the result takes the dividend's sign; x % 0 and inf % y are NaN.
//   * int32 DIV truncates toward zero, MOD takes the dividend's sign; x / 0 and x % 0 are 0;
//     INT_MIN / -1 wraps to INT_MIN; + - * wrap (two's complement).
//   * CAST float -> int32 truncates toward zero and saturates at INT_MIN/INT_MAX; NaN -> 0.
//   * CAST -> bool is (x != 0), so NaN -> true; bool/uint8 sum to int32.
//   * le/ge are not(gt)/not(lt) (as in tinygrad), so they are true when an operand is NaN.
#include <cmath>
#include <limits>

#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

constexpr int32_t kIMax = std::numeric_limits<int32_t>::max(), kIMin = std::numeric_limits<int32_t>::min();

TEST(Elementwise, ArithmeticAndBroadcasting) {
  Tensor a = tf({1, 2, 3}), b = tf({10, 20, 30});
  expect_values(a + b, {11, 22, 33});
  expect_values(b - a, {9, 18, 27});
  expect_values(a * b, {10, 40, 90});
  expect_values(b / a, {10, 10, 10});
  expect_tensor(tf({1, 2}, {2, 1}) + b, {2, 3}, {11, 21, 31, 12, 22, 32});
  expect_tensor(tf({1, 2, 3, 4, 5, 6}, {2, 3}) * tf({1, 0, -1}), {2, 3}, {1, 0, -3, 4, 0, -6});
  expect_tensor(tf({5}, {}) * tf({1, 2, 3, 4}, {2, 1, 2}), {2, 1, 2}, {5, 10, 15, 20});
  expect_values(2.f - a, {1, 0, -1});
  expect_values(a / 2.f, {0.5f, 1, 1.5f});
  expect_values(6.f / a, {6, 3, 2});
  expect_values(-a, {-1, -2, -3});
  expect_tensor(tf({}, {0, 3}) + b, {0, 3}, {});
}

TEST(Elementwise, Transcendentals) {
  expect_values(tf({0, 1, -1}).exp(), {1.f, std::exp(1.f), std::exp(-1.f)}, 0, 2e-7);
  expect_values(tf({1, 2.718281828f, 0, -1}).log(), {0, 1, -kInf, kNaN}, 0, 2e-7);
  expect_values(tf({0, 1, 3, -1, 10}).exp2(), {1, 2, 8, 0.5f, 1024}, 0, 1e-6);
  expect_values(tf({1, 2, 8, 0.5f, 1024}).log2(), {0, 1, 3, -1, 10}, 1e-6, 1e-6);
  expect_values(tf({0, 1, 4, 9, 2, -1}).sqrt(), {0, 1, 2, 3, std::sqrt(2.f), kNaN});
  expect_values(tf({4, 0.25f}).rsqrt(), {0.5f, 2});
  expect_values(tf({2, 4, 0, -0.f, kInf}).reciprocal(), {0.5f, 0.25f, kInf, -kInf, 0});
  expect_values(tf({0, static_cast<float>(M_PI / 2), static_cast<float>(-M_PI / 6)}).sin(), {0, 1, -0.5f}, 1e-7, 1e-6);
  expect_values(tf({0, static_cast<float>(M_PI / 3), static_cast<float>(M_PI)}).cos(), {1, 0.5f, -1}, 1e-6, 1e-6);
  expect_values(tf({0, static_cast<float>(M_PI / 4)}).tan(), {0, 1}, 1e-6, 1e-6);
  // Integer inputs are promoted to float, as PyTorch does.
  Tensor e = ti({0, 2}).exp();
  EXPECT_EQ(e.dtype(), DType::f32);
  expect_values(e, {1, std::exp(2.f)}, 0, 2e-7);
}

TEST(Elementwise, Activations) {
  Tensor x = tf({-2, -0.5f, 0, 0.5f, 2});
  expect_values(x.relu(), {0, 0, 0, 0.5f, 2});
  expect_values(x.leaky_relu(0.1f), {-0.2f, -0.05f, 0, 0.5f, 2}, 0, 1e-6);
  expect_values(x.abs(), {2, 0.5f, 0, 0.5f, 2});
  expect_values(x.sign(), {-1, -1, 0, 1, 1});
  expect_values(x.clip(-1, 1), {-1, -0.5f, 0, 0.5f, 1});
  expect_values(tf({0}).sigmoid(), {0.5f});
  expect_values(tf({-100, 100}).sigmoid(), {0, 1}, 1e-30, 0);
  expect_values(tf({0, 1}).tanh(), {0, std::tanh(1.f)}, 1e-7, 1e-6);
  expect_values(tf({0, 1}).silu(), {0, 1 / (1 + std::exp(-1.f))}, 0, 1e-6);
  expect_values(tf({0, 3}).gelu(), {0, 2.99636261f}, 0, 1e-5);  // tanh approximation
  expect_values(tf({0, 100, -100}).softplus(), {std::log(2.f), 100, 0}, 1e-7, 1e-6);
  expect_values(tf({-2, 4, 0}).pow(2), {4, 16, 0});
  expect_values(tf({-2, 2}).pow(3), {-8, 8}, 0, 1e-6);
  expect_values(tf({4, 0}).pow(0.5f), {2, 0});
  expect_values(tf({4, -1}).pow(1.5f), {8, kNaN}, 0, 1e-6);
  expect_values(tf({2, -4}).pow(-1), {0.5f, -0.25f});
  expect_values(tf({7, kNaN}).pow(0), {1, 1});
}

TEST(Elementwise, FloatModIsFmod) {
  expect_values(tf({5.5f, -5.5f, 5.5f, -5.5f, 1, kInf, 3, -0.f}).mod(tf({2, 2, -2, -2, 0, 1, kInf, 3})),
                {1.5f, -1.5f, 1.5f, -1.5f, kNaN, kNaN, 3, -0.f});
  EXPECT_TRUE(std::signbit(tf({-0.f}).mod(tf({3})).item()));
}

TEST(Elementwise, IntDivModTruncateAndByZeroIsZero) {
  Tensor a = ti({7, -7, 7, -7, 7, kIMin, kIMin, 0});
  Tensor b = ti({3, 3, -3, -3, 0, -1, 1, 5});
  Tensor q = a / b, r = a.mod(b);
  EXPECT_EQ(q.dtype(), DType::i32);
  EXPECT_EQ(q.to_vector<int32_t>(), (std::vector<int32_t>{2, -2, -2, 2, 0, kIMin, kIMin, 0}));
  EXPECT_EQ(r.to_vector<int32_t>(), (std::vector<int32_t>{1, -1, 1, -1, 0, 0, 0, 0}));
}

TEST(Elementwise, IntArithmeticWraps) {
  Tensor a = ti({kIMax, kIMin, 65536, 3});
  Tensor b = ti({1, 1, 65536, -4});
  EXPECT_EQ((a + b).to_vector<int32_t>(), (std::vector<int32_t>{kIMin, kIMin + 1, 131072, -1}));
  EXPECT_EQ((a - b).to_vector<int32_t>(), (std::vector<int32_t>{kIMax - 1, kIMax, 0, 7}));
  EXPECT_EQ((a * b).to_vector<int32_t>(), (std::vector<int32_t>{kIMax, kIMin, 0, -12}));
  EXPECT_EQ((-ti({kIMin, 5})).to_vector<int32_t>(), (std::vector<int32_t>{kIMin, -5}));
  EXPECT_EQ(ti({3, -9}).maximum(ti({-4, -2})).to_vector<int32_t>(), (std::vector<int32_t>{3, -2}));
  EXPECT_EQ(ti({3, -9}).minimum(ti({-4, -2})).to_vector<int32_t>(), (std::vector<int32_t>{-4, -9}));
  EXPECT_EQ((ti({1, 2}) + 3.f).to_vector<int32_t>(), (std::vector<int32_t>{4, 5}));  // scalar takes the tensor's dtype
}

TEST(Elementwise, CastFloatToIntTruncatesAndSaturates) {
  Tensor x = tf({1.9f, -1.9f, 0.5f, -0.5f, 3e9f, -3e9f, kNaN, kInf, -kInf, 2147483520.f});
  Tensor i = x.cast(DType::i32);
  EXPECT_EQ(i.dtype(), DType::i32);
  EXPECT_EQ(i.to_vector<int32_t>(), (std::vector<int32_t>{1, -1, 0, 0, kIMax, kIMin, 0, kIMax, kIMin, 2147483520}));
  EXPECT_EQ(ti({16777217, -3}).cast(DType::f32).to_vector<float>(), (std::vector<float>{16777216.f, -3.f}));
  EXPECT_EQ(tf({0, 255.9f, 17.5f}).cast(DType::u8).to_vector<uint8_t>(), (std::vector<uint8_t>{0, 255, 17}));
  EXPECT_EQ(ti({256, 257, -1}).cast(DType::u8).to_vector<uint8_t>(), (std::vector<uint8_t>{0, 1, 255}));  // mod 256
}

TEST(Elementwise, Uint8IsForDataCastBeforeArithmetic) {
  // Kernels compute uint8 as int32, so uint8 arithmetic would wrap only when stored; the
  // frontend asks for a cast instead. Comparisons, max and casts work on uint8.
  const uint8_t ra[2] = {200, 100}, rb[2] = {100, 7};
  Tensor a = Tensor::from_bytes(ra, DType::u8, {2}), b = Tensor::from_bytes(rb, DType::u8, {2});
  EXPECT_THAT(error_of([&] { a + b; }), HasSubstr("not defined on uint8"));
  EXPECT_THAT(error_of([&] { a * b; }), HasSubstr("not defined on uint8"));
  EXPECT_THAT(error_of([&] { -a; }), HasSubstr("not defined on uint8"));
  expect_values(a.lt(b), {0, 0});
  expect_values(a.eq(a), {1, 1});
  expect_values(a.maximum(b), {200, 100});
  expect_values(a.max(), {200});
  expect_values(a.cast(DType::i32) + b.cast(DType::i32), {300, 107});
  expect_values(a.cast(DType::f32) / 255.f, {200 / 255.f, 100 / 255.f});
}

TEST(Elementwise, CastToAndFromBool) {
  Tensor b = tf({0, -0.f, kNaN, 2, -1e-30f}).cast(DType::boolean);
  EXPECT_EQ(b.dtype(), DType::boolean);
  EXPECT_EQ(b.to_vector<uint8_t>(), (std::vector<uint8_t>{0, 0, 1, 1, 1}));
  expect_values(b.cast(DType::f32), {0, 0, 1, 1, 1});
  expect_values(b.cast(DType::i32), {0, 0, 1, 1, 1});
  expect_values(b.logical_not(), {1, 1, 0, 0, 0});
  EXPECT_EQ(ti({0, 7, kIMin}).cast(DType::boolean).to_vector<uint8_t>(), (std::vector<uint8_t>{0, 1, 1}));
}

TEST(Elementwise, Comparisons) {
  Tensor a = tf({1, 2, 3, kNaN, -0.f}), b = tf({2, 2, 2, kNaN, 0});
  Tensor lt = a.lt(b);
  EXPECT_EQ(lt.dtype(), DType::boolean);
  expect_values(lt, {1, 0, 0, 0, 0});
  expect_values(a.gt(b), {0, 0, 1, 0, 0});
  expect_values(a.eq(b), {0, 1, 0, 0, 1});
  expect_values(a.ne(b), {1, 0, 1, 1, 0});
  expect_values(a.le(b), {1, 1, 0, 1, 1});  // NaN: not(gt) -> true (documented above)
  expect_values(a.ge(b), {0, 1, 1, 1, 1});
  expect_values(a < 2.f, {1, 0, 0, 0, 1});
  expect_values(a > 2.f, {0, 0, 1, 0, 0});
  expect_values(ti({1, 5}).lt(ti({3, 3})), {1, 0});
  expect_values(tb({1, 0, 1, 0}, {4}).eq(tb({1, 1, 0, 0}, {4})), {1, 0, 0, 1});
}

TEST(Elementwise, WhereMaximumMinimum) {
  Tensor c = tb({1, 0, 1}, {3});
  expect_values(Tensor::where(c, tf({1, 2, 3}), tf({-1, -2, -3})), {1, -2, 3});
  expect_values(c.where(tf({5}, {}), tf({9}, {})), {5, 9, 5});                                   // broadcast scalars
  expect_tensor(Tensor::where(tb({1, 0}, {2, 1}), tf({1, 2, 3}), tf({0}, {})), {2, 3}, {1, 2, 3, 0, 0, 0});
  EXPECT_EQ(Tensor::where(c, ti({1, 2, 3}), ti({4, 5, 6})).to_vector<int32_t>(), (std::vector<int32_t>{1, 5, 3}));
  expect_values(tf({1, 5, kNaN, -1}).maximum(tf({3, 2, 0, kNaN})), {3, 5, kNaN, kNaN});
  expect_values(tf({1, 5, kNaN}).minimum(tf({3, 2, 0})), {1, 2, kNaN});
  expect_values(tb({1, 0, 0}, {3}).maximum(tb({0, 0, 1}, {3})), {1, 0, 1});  // OR
  expect_values(tb({1, 1, 0}, {3}).minimum(tb({1, 0, 1}, {3})), {1, 0, 0});  // AND
}

TEST(Elementwise, SpecialValuesPropagate) {
  Tensor x = tf({kInf, -kInf, kNaN, 0, -0.f});
  expect_values(x + tf({-kInf, -kInf, 1, -0.f, -0.f}), {kNaN, -kInf, kNaN, 0, -0.f});
  EXPECT_TRUE(std::signbit((tf({-0.f}) + tf({-0.f})).item()));
  expect_values(x * 0.f, {kNaN, kNaN, kNaN, 0, 0});
  expect_values(tf({1, -1, 0}) / tf({0, 0, 0}), {kInf, -kInf, kNaN});
  expect_values(tf({3e38f}) * 10.f, {kInf});
  expect_values(tf({1e-45f}) / 2.f, {0});  // subnormal halves to 0 (round to even)
}

TEST(Elementwise, ZeroDimAndOneElement) {
  Tensor s = Tensor::scalar(3.f);
  EXPECT_EQ(s.ndim(), 0u);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_FLOAT_EQ((s * s).item(), 9.f);
  expect_tensor(tf({2}, {1}) + tf({1, 2, 3}, {3, 1}), {3, 1}, {3, 4, 5});
  expect_tensor(tf({2}, {1, 1, 1}).exp().log(), {1, 1, 1}, {2}, 0, 1e-6);
}

}  // namespace
}  // namespace tinypynq::test
