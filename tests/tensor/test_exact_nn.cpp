// Hand-derived values for matmul, convolution, pooling, softmax family, normalisation,
// one-hot, dropout and the losses.
#include <cmath>

#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

const float kLn2 = std::log(2.f), kLn4 = std::log(4.f);

Tensor iota(int64_t n) { return Tensor::arange(static_cast<double>(n)); }

TEST(Matmul, HandValues) {
  Tensor a = tf({1, 2, 3, 4}, {2, 2}), b = tf({5, 6, 7, 8}, {2, 2});
  expect_tensor(a.matmul(b), {2, 2}, {19, 22, 43, 50});
  expect_tensor(a.T().matmul(b), {2, 2}, {26, 30, 38, 44});
  expect_tensor(a.matmul(b.T()), {2, 2}, {17, 23, 39, 53});
  expect_tensor(tf({1, 2, 3}).dot(tf({4, 5, 6})), {}, {32});
  expect_tensor(tf({1, 2}).matmul(a), {2}, {7, 10});                 // vector @ matrix
  expect_tensor(a.matmul(tf({1, 1})), {2}, {3, 7});                  // matrix @ vector
  expect_tensor(tf({1, 2, 3, 4, 5, 6}, {2, 3}).matmul(tf({1, 0, 0, 1, 1, 1}, {3, 2})), {2, 2}, {4, 5, 10, 11});
  // batched: batch 0 is a@b, batch 1 is the identity times b
  Tensor ab = Tensor::stack({a, Tensor::eye(2)});
  expect_tensor(ab.matmul(b), {2, 2, 2}, {19, 22, 43, 50, 5, 6, 7, 8});
  expect_tensor(ab.matmul(Tensor::stack({b, b})), {2, 2, 2}, {19, 22, 43, 50, 5, 6, 7, 8});
  expect_tensor(Tensor::zeros({3, 0}).matmul(Tensor::zeros({0, 2})), {3, 2}, {0, 0, 0, 0, 0, 0});
  expect_tensor(Tensor::zeros({0, 4}).matmul(Tensor::zeros({4, 2})), {0, 2}, {});
  Tensor w = tf({1, 0, -1, 2, 2, 2}, {2, 3});  // linear: x @ w.T + b
  expect_tensor(tf({1, 2, 3}, {1, 3}).linear(w, tf({0.5f, -1})), {1, 2}, {-1.5f, 11});
  expect_tensor(tf({1, 2, 3}, {1, 3}).linear(w), {1, 2}, {-2, 12});
}

TEST(Conv2d, KnownKernel) {
  // x[i][j] = 4i + j + 1; kernel [[1, 0], [0, -1]] gives x[i][j] - x[i+1][j+1] = -5 everywhere.
  Tensor x = (iota(16) + 1.f).reshape({1, 1, 4, 4});
  Tensor k = tf({1, 0, 0, -1}, {1, 1, 2, 2});
  expect_tensor(x.conv2d(k), {1, 1, 3, 3}, std::vector<float>(9, -5));
}

TEST(Conv2d, StridePaddingBias) {
  // 3x3 image 1..9, 2x2 ones kernel, padding 1, stride 2: the windows see {1}, {2,3}, {4,7},
  // {5,6,8,9}.
  Tensor x = (iota(9) + 1.f).reshape({1, 1, 3, 3});
  Tensor k = Tensor::ones({1, 1, 2, 2});
  expect_tensor(x.conv2d(k, Tensor(), 2, 1), {1, 1, 2, 2}, {1, 5, 11, 28});
  expect_tensor(x.conv2d(k, tf({0.5f}), 2, 1), {1, 1, 2, 2}, {1.5f, 5.5f, 11.5f, 28.5f});
  // padding 1, stride 1: 4x4 output of 2x2 window sums
  expect_tensor(x.conv2d(k, Tensor(), 1, 1), {1, 1, 4, 4}, {1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9});
}

TEST(Conv2d, DilationAndChannels) {
  // x[r][c] = 5r + c (5x5); 2x2 ones kernel with dilation 2 sums x[i][j], x[i][j+2], x[i+2][j],
  // x[i+2][j+2] = 20i + 4j + 24.
  Tensor x = iota(25).reshape({1, 1, 5, 5});
  std::vector<float> want;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) want.push_back(20.f * i + 4.f * j + 24);
  expect_tensor(x.conv2d(Tensor::ones({1, 1, 2, 2}), Tensor(), 1, 0, 2), {1, 1, 3, 3}, want);
  // Two input channels (second = 10 * first), two output channels: weights pick channel 0,
  // and 1*ch0 - 0.1*ch1 (which is 0).
  Tensor x2 = Tensor::cat({x, x * 10.f}, 1);
  Tensor w = tf({1, 0, 1, -0.1f}, {2, 2, 1, 1});
  Tensor y = x2.conv2d(w);
  EXPECT_EQ(y.shape(), (Shape{1, 2, 5, 5}));
  expect_values(y[0][0].reshape({-1}), iota(25).tolist());
  expect_values(y[0][1].reshape({-1}), std::vector<float>(25, 0.f), 1e-5);
  // batch of 2: the second image is the first negated
  Tensor xb = Tensor::cat({x, -x});
  expect_tensor(xb.conv2d(Tensor::ones({1, 1, 5, 5})), {2, 1, 1, 1}, {300, -300});
}

TEST(Pool, MaxAndAvg) {
  Tensor x = (iota(16) + 1.f).reshape({1, 1, 4, 4});
  expect_tensor(x.max_pool2d(2), {1, 1, 2, 2}, {6, 8, 14, 16});
  expect_tensor(x.avg_pool2d(2), {1, 1, 2, 2}, {3.5f, 5.5f, 11.5f, 13.5f});
  expect_tensor(x.max_pool2d(3, 1), {1, 1, 2, 2}, {11, 12, 15, 16});
  expect_tensor(x.avg_pool2d(3, 1), {1, 1, 2, 2}, {6, 7, 10, 11});
  // overlapping windows with padding: -inf padding for max; avg counts padded zeros (/9)
  Tensor y = (iota(9) + 1.f).reshape({1, 1, 3, 3});
  expect_tensor(y.max_pool2d(3, 1, 1), {1, 1, 3, 3}, {5, 6, 6, 8, 9, 9, 8, 9, 9});
  expect_tensor(tf({-1, -2, -3, -4}, {1, 1, 2, 2}).max_pool2d(2, 1, 1), {1, 1, 3, 3},
                {-1, -1, -2, -1, -1, -2, -3, -3, -4});
  expect_tensor(Tensor::ones({1, 1, 3, 3}).avg_pool2d(3, 1, 1), {1, 1, 3, 3},
                {4.f / 9, 6.f / 9, 4.f / 9, 6.f / 9, 1, 6.f / 9, 4.f / 9, 6.f / 9, 4.f / 9}, 0, 1e-6);
  // odd size with the default stride: the last row/column is dropped; 3-d input works
  expect_tensor((iota(25) + 1.f).reshape({1, 5, 5}).max_pool2d(2), {1, 2, 2}, {7, 9, 17, 19});
  // the generic window helper: (..., o, k)
  expect_tensor(iota(5).pool({3}, {1}, {1}), {3, 3}, {0, 1, 2, 1, 2, 3, 2, 3, 4});
  expect_tensor(iota(6).pool({2}, {2}, {1}), {3, 2}, {0, 1, 2, 3, 4, 5});
}

TEST(SoftmaxFamily, KnownValues) {
  expect_tensor(tf({1, 1}).softmax(), {2}, {0.5f, 0.5f});
  expect_tensor(tf({0, std::log(3.f)}).softmax(), {2}, {0.25f, 0.75f}, 0, 1e-6);
  expect_tensor(tf({0, 0, 0, 0, 0, std::log(3.f)}, {2, 3}).softmax(0), {2, 3}, {0.5f, 0.5f, 0.25f, 0.5f, 0.5f, 0.75f}, 0,
                1e-6);
  expect_values(tf({1000, 0}).softmax(), {1, 0});  // stable: no overflow to NaN
  expect_values(tf({-kInf, 0}).softmax(), {0, 1});
  expect_values(tf({0, 0}).log_softmax(), {-kLn2, -kLn2}, 0, 1e-6);
  expect_values(tf({1000, 0}).log_softmax(), {0, -1000});
  expect_tensor(tf({0, 0, 5, 5}, {2, 2}).logsumexp(1), {2}, {kLn2, 5 + kLn2}, 0, 1e-6);
  expect_tensor(tf({1000, 1000}).logsumexp(0, true), {1}, {1000 + kLn2}, 0, 1e-6);
  expect_values(tf({1, 2, 3}).softmax().sum(), {1}, 0, 1e-6);
}

TEST(Normalisation, LayernormOneHotDropout) {
  // mean 2.5, biased var 1.25
  std::vector<float> want;
  for (float v : {1.f, 2.f, 3.f, 4.f}) want.push_back((v - 2.5f) / std::sqrt(1.25f + 1e-5f));
  expect_values(tf({1, 2, 3, 4}, {1, 4}).layernorm(), want, 0, 1e-5);
  expect_values(tf({1, 2, 3, 4}, {2, 2}).layernorm({0, 1}), want, 0, 1e-5);
  expect_tensor(tf({1, 3}, {2, 1}).layernorm({0}), {2, 1}, {-1, 1}, 0, 1e-4);
  Tensor oh = ti({2, 0}).one_hot(3);
  EXPECT_EQ(oh.dtype(), DType::f32);
  expect_tensor(oh, {2, 3}, {0, 0, 1, 1, 0, 0});
  expect_tensor(ti({1, 3}, {2, 1}).one_hot(4), {2, 1, 4}, {0, 1, 0, 0, 0, 0, 0, 1});
  Tensor x = Tensor::ones({4000});
  expect_values(x.dropout(0.5f, false), x.tolist());
  Tensor::manual_seed(7);
  std::vector<float> d = x.dropout(0.25f).tolist();
  int zeros = 0;
  for (float v : d) {
    ASSERT_TRUE(v == 0 || std::fabs(v - 1 / 0.75f) < 1e-6) << v;  // kept values are scaled by 1/(1-p)
    zeros += v == 0;
  }
  EXPECT_NEAR(zeros / 4000.0, 0.25, 0.03);
}

TEST(Losses, KnownValues) {
  Tensor logits = Tensor::zeros({2, 4});
  expect_tensor(logits.sparse_categorical_crossentropy(ti({1, 3})), {}, {kLn4}, 0, 1e-6);
  expect_values(logits.sparse_categorical_crossentropy(ti({1, 3}), 0.2f), {kLn4}, 0, 1e-6);
  // a confident correct logit: -log softmax = log(1 + 3e^-10)
  Tensor l2 = tf({10, 0, 0, 0}, {1, 4});
  expect_values(l2.sparse_categorical_crossentropy(ti({0})), {std::log1p(3 * std::exp(-10.f))}, 1e-7, 1e-3);
  expect_values(l2.sparse_categorical_crossentropy(ti({1})), {10 + std::log1p(3 * std::exp(-10.f))}, 0, 1e-6);
  uint8_t lab[2] = {1, 3};
  expect_values(logits.sparse_categorical_crossentropy(Tensor::from_bytes(lab, DType::u8, {2})), {kLn4}, 0, 1e-6);
  expect_tensor(tf({1, 2}).mse_loss(tf({3, 2})), {}, {2});
  expect_values(tf({0.5f, 0.5f}).binary_crossentropy(tf({1, 0})), {kLn2}, 0, 1e-6);
  expect_values(tf({0.9f, 0.2f}).binary_crossentropy(tf({1, 0})), {-(std::log(0.9f) + std::log(0.8f)) / 2}, 0, 1e-5);
  expect_values(tf({0, 0}).binary_crossentropy_logits(tf({1, 0})), {kLn2}, 0, 1e-6);
  // large logits stay finite: log(1 + e^-100) ~ 0
  expect_values(tf({100, -100}).binary_crossentropy_logits(tf({1, 0})), {0}, 1e-6);
  expect_values(tf({100}).binary_crossentropy_logits(tf({0})), {100}, 0, 1e-6);
}

}  // namespace
}  // namespace tinypynq::test
