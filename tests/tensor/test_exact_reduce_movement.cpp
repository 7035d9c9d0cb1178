// Hand-derived values for reductions, movement (view) ops, indexing and creation.
#include <cmath>
#include <limits>
#include <numeric>

#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

constexpr int64_t D = Range::kDefault;

Tensor m23() { return tf({1, 2, 3, 4, 5, 6}, {2, 3}); }
Tensor iota(int64_t n) { return Tensor::arange(static_cast<double>(n)); }

TEST(Reduce, SumAxes) {
  expect_tensor(m23().sum({1}), {2}, {6, 15});
  expect_tensor(m23().sum({0}), {3}, {5, 7, 9});
  expect_tensor(m23().sum(), {}, {21});
  expect_tensor(m23().sum({0, 1}), {}, {21});
  expect_tensor(m23().sum({-1}, true), {2, 1}, {6, 15});
  expect_tensor(m23().sum({-2}, true), {1, 3}, {5, 7, 9});
  expect_tensor(iota(24).reshape({2, 3, 4}).sum({0, 2}), {3}, {60, 92, 124});
  expect_tensor(tf({7}, {1}).sum({0}), {}, {7});
  expect_tensor(tf({7}, {}).sum(), {}, {7});
}

TEST(Reduce, EmptySumsToZeroAndMeanIsNaN) {
  expect_tensor(Tensor::zeros({0, 3}).sum({0}), {3}, {0, 0, 0});
  expect_tensor(Tensor::zeros({2, 0}).sum({1}), {2}, {0, 0});
  expect_tensor(Tensor::zeros({2, 0}).sum(), {}, {0});
  expect_tensor(Tensor::zeros({2, 0}).sum({0}), {0}, {});
  EXPECT_TRUE(std::isnan(Tensor::zeros({0}).mean().item()));
}

TEST(Reduce, IntegerAndBoolSums) {
  Tensor b = tb({1, 0, 1, 1, 0, 1}, {2, 3});
  Tensor s = b.sum();
  EXPECT_EQ(s.dtype(), DType::i32);
  EXPECT_EQ(s.to_vector<int32_t>(), std::vector<int32_t>{4});
  EXPECT_EQ(b.sum({0}).to_vector<int32_t>(), (std::vector<int32_t>{2, 0, 2}));
  Tensor i = ti({1, -2, 3, 4}, {2, 2}).sum({1});
  EXPECT_EQ(i.dtype(), DType::i32);
  EXPECT_EQ(i.to_vector<int32_t>(), (std::vector<int32_t>{-1, 7}));
  uint8_t raw[3] = {200, 100, 7};
  Tensor u = Tensor::from_bytes(raw, DType::u8, {3});
  EXPECT_EQ(u.sum().dtype(), DType::i32);
  EXPECT_EQ(u.sum().item(), 307.f);
  // int32 sums wrap like int32 arithmetic
  EXPECT_EQ(ti({2147483647, 1}).sum().to_vector<int32_t>(), std::vector<int32_t>{std::numeric_limits<int32_t>::min()});
}

TEST(Reduce, MaxMinMeanVarStd) {
  expect_tensor(m23().max({1}), {2}, {3, 6});
  expect_tensor(m23().max(), {}, {6});
  expect_tensor(m23().min({0}), {3}, {1, 2, 3});
  expect_tensor(m23().min({-1}, true), {2, 1}, {1, 4});
  expect_values(tf({-kInf, -kInf}).max(), {-kInf});
  expect_values(tf({1, kNaN, 3}).max(), {kNaN});
  EXPECT_EQ(ti({-5, -9}).max().to_vector<int32_t>(), std::vector<int32_t>{-5});
  expect_values(tb({0, 1, 0}, {3}).max(), {1});
  expect_values(tb({0, 1, 0}, {3}).min(), {0});
  EXPECT_EQ(tb({0, 1, 0}, {3}).max().dtype(), DType::boolean);  // like min, and like PyTorch
  EXPECT_EQ(tb({0, 1, 0}, {3}).min().dtype(), DType::boolean);
  expect_tensor(tb({0, 1, 0, 0}, {2, 2}).max({1}), {2}, {1, 0});
  expect_tensor(tb({1, 1, 0, 1}, {2, 2}).min({0}, true), {1, 2}, {0, 1});
  expect_tensor(m23().mean(), {}, {3.5f});
  expect_tensor(m23().mean({1}), {2}, {2, 5});
  expect_tensor(m23().mean({0}, true), {1, 3}, {2.5f, 3.5f, 4.5f});
  Tensor mi = ti({1, 2}).mean();
  EXPECT_EQ(mi.dtype(), DType::f32);
  expect_values(mi, {1.5f});
  expect_tensor(m23().var({1}), {2}, {1, 1});
  expect_tensor(m23().var({1}, false, 0), {2}, {2.f / 3, 2.f / 3}, 0, 1e-6);
  expect_tensor(m23().var({0}), {3}, {4.5f, 4.5f, 4.5f});
  expect_tensor(m23().std({1}), {2}, {1, 1});
  expect_values(m23().std(), {std::sqrt(3.5f)}, 0, 1e-6);  // var of 1..6 (n-1) = 3.5
}

TEST(Reduce, ArgmaxArgminFirstIndexOnTies) {
  Tensor x = tf({1, 3, 3, 2, 2, 1}, {2, 3});
  Tensor am = x.argmax(1);
  EXPECT_EQ(am.dtype(), DType::i32);
  EXPECT_EQ(am.to_vector<int32_t>(), (std::vector<int32_t>{1, 0}));
  EXPECT_EQ(x.argmax(0).to_vector<int32_t>(), (std::vector<int32_t>{1, 0, 0}));
  EXPECT_EQ(x.argmax(-1, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(x.argmin(1).to_vector<int32_t>(), (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(tf({5, 5, 5}).argmin(0).to_vector<int32_t>(), std::vector<int32_t>{0});
  EXPECT_EQ(tf({-kInf, -3, -kInf}).argmax(0).to_vector<int32_t>(), std::vector<int32_t>{1});
  EXPECT_EQ(ti({4, 9, 9}).argmax(0).to_vector<int32_t>(), std::vector<int32_t>{1});
  EXPECT_EQ(tf({2}, {1}).argmax(0).to_vector<int32_t>(), std::vector<int32_t>{0});
}

TEST(Reduce, ArgmaxArgminOfNaNIsTheFirstNaN) {
  // As in PyTorch, NaN counts as the extreme; the index must stay in range.
  EXPECT_EQ(tf({1, kNaN, 3, kNaN}).argmax(0).to_vector<int32_t>(), std::vector<int32_t>{1});
  EXPECT_EQ(tf({1, kNaN, -3}).argmin(0).to_vector<int32_t>(), std::vector<int32_t>{1});
  EXPECT_EQ(tf({kNaN, 1, 2, 3}, {2, 2}).argmax(1).to_vector<int32_t>(), (std::vector<int32_t>{0, 1}));
}

TEST(Movement, ReshapePermuteExpand) {
  expect_tensor(m23().reshape({3, 2}), {3, 2}, {1, 2, 3, 4, 5, 6});
  expect_tensor(m23().reshape({-1}), {6}, {1, 2, 3, 4, 5, 6});
  expect_tensor(m23().reshape({3, -1}), {3, 2}, {1, 2, 3, 4, 5, 6});
  expect_tensor(m23().permute({1, 0}), {3, 2}, {1, 4, 2, 5, 3, 6});
  expect_tensor(m23().permute({-1, -2}), {3, 2}, {1, 4, 2, 5, 3, 6});
  expect_tensor(m23().T(), {3, 2}, {1, 4, 2, 5, 3, 6});
  expect_tensor(m23().T().reshape({6}), {6}, {1, 4, 2, 5, 3, 6});  // reshape of a permuted view
  expect_tensor(iota(24).reshape({2, 3, 4}).permute({2, 0, 1}).reshape({4, 6}).sum({1}), {4}, {60, 66, 72, 78});
  expect_tensor(tf({1, 2}, {2, 1}).expand({2, 3}), {2, 3}, {1, 1, 1, 2, 2, 2});
  expect_tensor(tf({1, 2}).expand({3, -1}), {3, 2}, {1, 2, 1, 2, 1, 2});
  expect_tensor(tf({5}, {}).expand({2, 2}), {2, 2}, {5, 5, 5, 5});
  expect_tensor(tf({1, 2, 3}).transpose(0, 0), {3}, {1, 2, 3});
  expect_tensor(iota(6).reshape({1, 2, 3}).transpose(0, 2), {3, 2, 1}, {0, 3, 1, 4, 2, 5});
}

TEST(Movement, SqueezeUnsqueezeFlattenRepeat) {
  Tensor x = tf({1, 2, 3}, {1, 3, 1});
  EXPECT_EQ(x.squeeze().shape(), (Shape{3}));
  EXPECT_EQ(x.squeeze(0).shape(), (Shape{3, 1}));
  EXPECT_EQ(x.squeeze(-1).shape(), (Shape{1, 3}));
  EXPECT_EQ(x.squeeze(1).shape(), (Shape{1, 3, 1}));  // not size 1: unchanged
  EXPECT_EQ(tf({1, 2, 3}).unsqueeze(0).shape(), (Shape{1, 3}));
  EXPECT_EQ(tf({1, 2, 3}).unsqueeze(-1).shape(), (Shape{3, 1}));
  EXPECT_EQ(Tensor::zeros({2, 3, 4, 5}).flatten(1).shape(), (Shape{2, 60}));
  EXPECT_EQ(Tensor::zeros({2, 3, 4, 5}).flatten(1, 2).shape(), (Shape{2, 12, 5}));
  EXPECT_EQ(Tensor::zeros({2, 3}).flatten().shape(), (Shape{6}));
  expect_tensor(tf({1, 2}).repeat({2}), {4}, {1, 2, 1, 2});
  expect_tensor(tf({1, 2}).repeat({2, 2}), {2, 4}, {1, 2, 1, 2, 1, 2, 1, 2});
}

TEST(Movement, PadShrinkFlip) {
  expect_tensor(tf({1, 2}, {1, 2}).pad({{1, 0}, {0, 1}}), {2, 3}, {0, 0, 0, 1, 2, 0});
  expect_tensor(tf({1, 2}, {1, 2}).pad({{0, 1}, {1, 0}}, 9), {2, 3}, {9, 1, 2, 9, 9, 9});
  expect_tensor(tf({1, 2}, {1, 2}).pad({{1, 1}}, -kInf), {3, 2}, {-kInf, -kInf, 1, 2, -kInf, -kInf});
  expect_tensor(iota(4).pad({{-1, 2}}), {5}, {1, 2, 3, 0, 0});  // negative padding crops
  expect_tensor(iota(4).pad({{0, 0}}).exp(), {4}, {1, std::exp(1.f), std::exp(2.f), std::exp(3.f)}, 0, 1e-6);
  expect_tensor(tf({1, 2}).pad({{2, 1}}).exp(), {5}, {1, 1, std::exp(1.f), std::exp(2.f), 1}, 0, 1e-6);
  expect_tensor(m23().shrink({{0, 2}, {1, 3}}), {2, 2}, {2, 3, 5, 6});
  expect_tensor(m23().shrink({{1, 2}, {0, 0}}), {1, 0}, {});
  expect_tensor(m23().flip({0}), {2, 3}, {4, 5, 6, 1, 2, 3});
  expect_tensor(m23().flip({-1}), {2, 3}, {3, 2, 1, 6, 5, 4});
  expect_tensor(m23().flip({0, 1}), {2, 3}, {6, 5, 4, 3, 2, 1});
  expect_tensor(m23().flip({1}).T().pad({{0, 1}}, 0.5f), {4, 2}, {3, 6, 2, 5, 1, 4, 0.5f, 0.5f});
}

TEST(Movement, SlicesWithStepsAndNegativeIndices) {
  Tensor x = iota(7);  // 0..6
  expect_tensor(x.slice({Range{2, 5}}), {3}, {2, 3, 4});
  expect_tensor(x.slice({Range{1, D, 2}}), {3}, {1, 3, 5});
  expect_tensor(x.slice({Range{D, D, 3}}), {3}, {0, 3, 6});
  expect_tensor(x.slice({Range{D, D, -1}}), {7}, {6, 5, 4, 3, 2, 1, 0});
  expect_tensor(x.slice({Range{-1, D, -2}}), {4}, {6, 4, 2, 0});
  expect_tensor(x.slice({Range{5, 1, -2}}), {2}, {5, 3});
  expect_tensor(x.slice({Range{-3, -1}}), {2}, {4, 5});
  expect_tensor(x.slice({Range{-100, 100}}), {7}, {0, 1, 2, 3, 4, 5, 6});  // clamped like Python
  expect_tensor(x.slice({Range{4, 2}}), {0}, {});
  expect_tensor(x.slice({Range{2, 4, -1}}), {0}, {});
  Tensor m = iota(12).reshape({3, 4});
  expect_tensor(m.slice({Range{D, D, -1}, Range{1, D, 2}}), {3, 2}, {9, 11, 5, 7, 1, 3});
  expect_tensor(m.slice({Range{1, 2}}), {1, 4}, {4, 5, 6, 7});
  expect_tensor(m[1], {4}, {4, 5, 6, 7});
  expect_tensor(m[-1], {4}, {8, 9, 10, 11});
  expect_tensor(m[0][2], {}, {2});
}

TEST(Movement, CatAndStack) {
  expect_tensor(Tensor::cat({m23(), tf({7, 8, 9}, {1, 3})}), {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  expect_tensor(Tensor::cat({m23(), tf({0, 0}, {2, 1})}, -1), {2, 4}, {1, 2, 3, 0, 4, 5, 6, 0});
  expect_tensor(Tensor::cat({Tensor::zeros({0, 3}), m23()}), {2, 3}, {1, 2, 3, 4, 5, 6});
  expect_tensor(Tensor::cat({m23()}), {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(Tensor::cat({ti({1}), ti({2, 3})}).to_vector<int32_t>(), (std::vector<int32_t>{1, 2, 3}));
  Tensor cb = Tensor::cat({tb({1, 0}, {2}), tb({1}, {1})});
  EXPECT_EQ(cb.dtype(), DType::boolean);
  expect_values(cb, {1, 0, 1});
  expect_tensor(Tensor::stack({tf({1, 2}), tf({3, 4})}), {2, 2}, {1, 2, 3, 4});
  expect_tensor(Tensor::stack({tf({1, 2}), tf({3, 4})}, 1), {2, 2}, {1, 3, 2, 4});
  expect_tensor(Tensor::stack({tf({1, 2}), tf({3, 4}), tf({5, 6})}, -1), {2, 3}, {1, 3, 5, 2, 4, 6});
  expect_tensor(Tensor::stack({tf({1}, {}), tf({2}, {})}), {2}, {1, 2});
}

TEST(Creation, FactoriesAndData) {
  expect_tensor(Tensor::zeros({2, 2}), {2, 2}, {0, 0, 0, 0});
  expect_tensor(Tensor::ones({3}), {3}, {1, 1, 1});
  expect_tensor(Tensor::full({2}, 2.5), {2}, {2.5f, 2.5f});
  // bool constants are 0/1 whatever the value (like a cast): 2 and 0.5 are true
  EXPECT_EQ(Tensor::full({2}, 2, DType::boolean).to_vector<uint8_t>(), (std::vector<uint8_t>{1, 1}));
  EXPECT_EQ(Tensor::full({2}, 0.5, DType::boolean).to_vector<uint8_t>(), (std::vector<uint8_t>{1, 1}));
  EXPECT_EQ(Tensor::full({3}, 2, DType::boolean).sum().item(), 3.f);
  EXPECT_EQ(Tensor::zeros({2}, DType::boolean).to_vector<uint8_t>(), (std::vector<uint8_t>{0, 0}));
  Tensor fi = Tensor::full({2}, 7, DType::i32);
  EXPECT_EQ(fi.to_vector<int32_t>(), (std::vector<int32_t>{7, 7}));
  expect_tensor(Tensor::arange(5), {5}, {0, 1, 2, 3, 4});
  expect_tensor(Tensor::arange(1, 2, 0.25), {4}, {1, 1.25f, 1.5f, 1.75f});
  expect_tensor(Tensor::arange(5, 0, -2), {3}, {5, 3, 1});
  expect_tensor(Tensor::arange(3, 3), {0}, {});
  EXPECT_EQ(Tensor::arange(0, 3, 1, DType::i32).to_vector<int32_t>(), (std::vector<int32_t>{0, 1, 2}));
  expect_tensor(Tensor::eye(3), {3, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1});
  expect_tensor(Tensor::zeros({0}), {0}, {});
  expect_values(m23().zeros_like(), {0, 0, 0, 0, 0, 0});
  expect_values(m23().full_like(3), {3, 3, 3, 3, 3, 3});
  EXPECT_EQ(m23().str(), "Tensor(shape=(2, 3), dtype=float32, device=" + default_device() + ")");
  EXPECT_EQ(m23().size(-1), 3);
  EXPECT_FLOAT_EQ(Tensor::scalar(2.5f).item(), 2.5f);
  Tensor a = m23();
  a.assign(a * 2.f);
  expect_values(a, {2, 4, 6, 8, 10, 12});
}

TEST(Creation, RandomIsSeededAndInRange) {
  Tensor::manual_seed(42);
  std::vector<float> r1 = Tensor::rand({1000}).tolist();
  Tensor::manual_seed(42);
  std::vector<float> r2 = Tensor::rand({1000}).tolist();
  EXPECT_EQ(r1, r2);
  for (float v : r1) ASSERT_TRUE(v >= 0 && v < 1) << v;
  double mean = std::accumulate(r1.begin(), r1.end(), 0.0) / r1.size();
  EXPECT_NEAR(mean, 0.5, 0.05);
  std::vector<float> n = Tensor::randn({20000}).tolist();
  double m = 0, sq = 0;
  for (float v : n) m += v, sq += double(v) * v;
  m /= n.size();
  EXPECT_NEAR(m, 0, 0.03);
  EXPECT_NEAR(std::sqrt(sq / n.size() - m * m), 1, 0.03);
  for (float v : Tensor::uniform({500}, -2, 3).tolist()) ASSERT_TRUE(v >= -2 && v < 3) << v;
  EXPECT_EQ(Tensor::randn({3}).numel(), 3);  // odd sizes fill every element
}

}  // namespace
}  // namespace tinypynq::test
