// Gradient checks for the nn-level ops: matmul (2-D, batched, vectors, transposed, BLAS-sized),
// linear, conv2d (stride, padding, dilation, bias), pooling, layernorm and every loss.
#include "tests/tensor/grad_check.h"

namespace tinypynq::test {
namespace {

using In = std::vector<Tensor>;

TEST(GradNN, Matmul) {
  gradcheck("2d", [](const In& x) { return x[0].matmul(x[1]); }, {rnd({3, 4}), rnd({4, 5}, -2, 2, 3)});
  gradcheck("tA_tB", [](const In& x) { return x[0].T().matmul(x[1].T()); }, {rnd({4, 3}), rnd({5, 4}, -2, 2, 3)});
  gradcheck("batched", [](const In& x) { return x[0].matmul(x[1]); }, {rnd({2, 3, 4}), rnd({2, 4, 2}, -2, 2, 3)});
  gradcheck("bcast_batch", [](const In& x) { return x[0].matmul(x[1]); }, {rnd({3, 4}), rnd({2, 4, 2}, -2, 2, 3)});
  gradcheck("vec_mat", [](const In& x) { return x[0].matmul(x[1]); }, {rnd({4}), rnd({4, 3}, -2, 2, 3)});
  gradcheck("mat_vec", [](const In& x) { return x[0].matmul(x[1]); }, {rnd({3, 4}), rnd({4}, -2, 2, 3)});
  gradcheck("dot", [](const In& x) { return x[0].dot(x[1]); }, {rnd({5}), rnd({5}, -2, 2, 3)});
  // Large enough for the BLAS path, forward and backward (the gradients are matmuls too).
  GradTol t;
  t.max_checks = 24;
  gradcheck("blas", [](const In& x) { return x[0].matmul(x[1]); }, {rnd({16, 32}, -1, 1), rnd({32, 24}, -1, 1, 3)}, t);
  gradcheck("blas_transposed", [](const In& x) { return x[0].T().matmul(x[1]).tanh(); },
            {rnd({32, 16}, -1, 1), rnd({32, 24}, -1, 1, 3)}, t);
  gradcheck("linear", [](const In& x) { return x[0].linear(x[1], x[2]); }, {rnd({3, 4}), rnd({2, 4}, -2, 2, 3), rnd({2}, -1, 1, 4)});
}

TEST(GradNN, Conv2d) {
  gradcheck("conv_basic", [](const In& x) { return x[0].conv2d(x[1]); }, {rnd({1, 1, 4, 4}), rnd({1, 1, 2, 2}, -1, 1, 3)});
  gradcheck("conv_stride2_pad1_bias", [](const In& x) { return x[0].conv2d(x[1], x[2], 2, 1); },
            {rnd({2, 2, 5, 5}), rnd({3, 2, 3, 3}, -1, 1, 3), rnd({3}, -1, 1, 4)});
  gradcheck("conv_dilation2", [](const In& x) { return x[0].conv2d(x[1], Tensor(), 1, 1, 2); },
            {rnd({1, 2, 5, 5}), rnd({2, 2, 2, 2}, -1, 1, 3)});
}

TEST(GradNN, Pooling) {
  gradcheck("max_pool2d", [](const In& x) { return x[0].max_pool2d(2); }, {distinct({1, 2, 4, 4})});
  gradcheck("max_pool2d_overlap_pad", [](const In& x) { return x[0].max_pool2d(3, 2, 1); }, {distinct({1, 1, 5, 5})});
  gradcheck("avg_pool2d", [](const In& x) { return x[0].avg_pool2d(2); }, {rnd({1, 2, 4, 5})});
  gradcheck("avg_pool2d_overlap_pad", [](const In& x) { return x[0].avg_pool2d(3, 1, 1); }, {rnd({1, 1, 4, 4})});
}

TEST(GradNN, MaxPoolTieSplitsGradient) {
  Tensor x = Tensor::ones({1, 1, 2, 2}).requires_grad_();
  x.max_pool2d(2).sum().backward();
  expect_values(x.grad(), {0.25f, 0.25f, 0.25f, 0.25f});
}

TEST(GradNN, Normalisation) {
  gradcheck("layernorm", [](const In& x) { return x[0].layernorm(); }, {rnd({3, 5})});
  gradcheck("layernorm_2axes", [](const In& x) { return x[0].layernorm({-2, -1}); }, {rnd({2, 2, 3})});
  gradcheck("dropout_eval", [](const In& x) { return x[0].dropout(0.3f, false); }, {rnd({4})});
}

TEST(GradNN, Losses) {
  Tensor labels = ti({0, 3, 1, 4});
  gradcheck("sparse_ce", [&](const In& x) { return x[0].sparse_categorical_crossentropy(labels); }, {rnd({4, 5})});
  gradcheck("sparse_ce_smooth", [&](const In& x) { return x[0].sparse_categorical_crossentropy(labels, 0.1f); },
            {rnd({4, 5})});
  gradcheck("binary_ce", [](const In& x) { return x[0].binary_crossentropy(x[1]); },
            {rnd({2, 3}, 0.1f, 0.9f), constant(rnd({2, 3}, 0, 1, 3))});
  gradcheck("binary_ce_target", [](const In& x) { return x[0].binary_crossentropy(x[1]); },
            {constant(rnd({2, 3}, 0.1f, 0.9f)), rnd({2, 3}, 0, 1, 3)});
  gradcheck("binary_ce_logits", [](const In& x) { return x[0].binary_crossentropy_logits(x[1]); },
            {rnd({2, 3}, 0, 3, 1, 0.1f), rnd({2, 3}, 0, 1, 3)});
  gradcheck("mse", [](const In& x) { return x[0].mse_loss(x[1]); }, {rnd({3, 4}), rnd({3, 4}, -2, 2, 3)});
}

TEST(GradNN, SmallMlpEndToEnd) {
  // Linear -> relu -> linear -> cross-entropy: the path a training step takes.
  Tensor labels = ti({1, 0, 2});
  gradcheck("mlp",
            [&](const In& x) {
              return x[0].matmul(x[1]).add(x[2]).relu().matmul(x[3]).sparse_categorical_crossentropy(labels);
            },
            {constant(rnd({3, 4})), rnd({4, 6}, -1, 1, 3), rnd({6}, 0, 0.5f, 4, 0.1f), rnd({6, 3}, -1, 1, 5)});
}

}  // namespace
}  // namespace tinypynq::test
