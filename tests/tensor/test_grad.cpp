// Gradient checks (analytic backward() vs central finite differences) for element-wise ops,
// reductions and movement ops, and the autograd mechanics (accumulation, zero_grad, NoGrad,
// detach, errors).
#include "tests/tensor/grad_check.h"

namespace tinypynq::test {
namespace {

using In = std::vector<Tensor>;
constexpr int64_t D = Range::kDefault;

TEST(GradUnary, Elementwise) {
  const Shape s{3, 4};
  gradcheck("neg", [](const In& x) { return -x[0]; }, {rnd(s)});
  gradcheck("exp", [](const In& x) { return x[0].exp(); }, {rnd(s)});
  gradcheck("exp2", [](const In& x) { return x[0].exp2(); }, {rnd(s)});
  gradcheck("log", [](const In& x) { return x[0].log(); }, {rnd(s, 0.5f, 3)});
  gradcheck("log2", [](const In& x) { return x[0].log2(); }, {rnd(s, 0.5f, 3)});
  gradcheck("sin", [](const In& x) { return x[0].sin(); }, {rnd(s, -3, 3)});
  gradcheck("cos", [](const In& x) { return x[0].cos(); }, {rnd(s, -3, 3)});
  gradcheck("tan", [](const In& x) { return x[0].tan(); }, {rnd(s, -1, 1)});
  gradcheck("sqrt", [](const In& x) { return x[0].sqrt(); }, {rnd(s, 0.5f, 4)});
  gradcheck("rsqrt", [](const In& x) { return x[0].rsqrt(); }, {rnd(s, 0.5f, 4)});
  gradcheck("reciprocal", [](const In& x) { return x[0].reciprocal(); }, {rnd(s, 0, 2, 1, 0.5f)});
  gradcheck("relu", [](const In& x) { return x[0].relu(); }, {rnd(s, 0, 2, 1, 0.1f)});
  gradcheck("leaky_relu", [](const In& x) { return x[0].leaky_relu(0.2f); }, {rnd(s, 0, 2, 1, 0.1f)});
  gradcheck("abs", [](const In& x) { return x[0].abs(); }, {rnd(s, 0, 2, 1, 0.1f)});
  gradcheck("sigmoid", [](const In& x) { return x[0].sigmoid(); }, {rnd(s, -4, 4)});
  gradcheck("tanh", [](const In& x) { return x[0].tanh(); }, {rnd(s)});
  gradcheck("gelu", [](const In& x) { return x[0].gelu(); }, {rnd(s, -3, 3)});
  gradcheck("silu", [](const In& x) { return x[0].silu(); }, {rnd(s, -3, 3)});
  gradcheck("softplus", [](const In& x) { return x[0].softplus(); }, {rnd(s, 0, 3, 1, 0.1f)});
  gradcheck("clip", [](const In& x) { return x[0].clip(-1, 1); }, {rnd(s, -2, 2, 3)});
  gradcheck("pow2", [](const In& x) { return x[0].pow(2); }, {rnd(s)});
  gradcheck("pow3", [](const In& x) { return x[0].pow(3); }, {rnd(s, 0, 2, 1, 0.3f)});
  gradcheck("pow1.5", [](const In& x) { return x[0].pow(1.5f); }, {rnd(s, 0.3f, 3)});
  gradcheck("square", [](const In& x) { return x[0].square(); }, {rnd(s)});
  gradcheck("contiguous", [](const In& x) { return x[0].T().contiguous() * 2.f; }, {rnd(s)});
  gradcheck("scalar_ops", [](const In& x) { return 2.f - x[0] * 3.f + 1.f / (x[0] * x[0] + 1.f); }, {rnd(s)});
  gradcheck("0d", [](const In& x) { return x[0].exp() * x[0]; }, {rnd({})});
}

TEST(GradBinary, WithBroadcasting) {
  gradcheck("add", [](const In& x) { return x[0] + x[1]; }, {rnd({3, 1}), rnd({1, 4}, -2, 2, 5)});
  gradcheck("sub", [](const In& x) { return x[0] - x[1]; }, {rnd({2, 3, 4}), rnd({4}, -2, 2, 5)});
  gradcheck("mul", [](const In& x) { return x[0] * x[1]; }, {rnd({3, 1}), rnd({1, 4}, -2, 2, 5)});
  gradcheck("mul_same", [](const In& x) { return x[0] * x[1]; }, {rnd({3, 4}), rnd({3, 4}, -2, 2, 5)});
  gradcheck("div", [](const In& x) { return x[0] / x[1]; }, {rnd({3, 4}), rnd({4}, 0, 2, 5, 0.5f)});
  gradcheck("div_0d", [](const In& x) { return x[0] / x[1]; }, {rnd({3}), rnd({}, 0.5f, 2, 5)});
  gradcheck("maximum", [](const In& x) { return x[0].maximum(x[1]); }, {distinct({3, 4}, 0.25f, 1), distinct({3, 4}, 0.25f, 9)});
  gradcheck("minimum", [](const In& x) { return x[0].minimum(x[1]); }, {distinct({3, 4}, 0.25f, 1), distinct({4}, 0.3f, 9)});
  // fmod(a, b) away from its jumps: a in (4.2, 5.8), b = 2 -> a - 4
  gradcheck("mod_dividend", [](const In& x) { return x[0].mod(x[1]); },
            {rnd({5}, 4.2f, 5.8f), constant({{5}, {2, 2, 2, 2, 2}})});
  gradcheck("self_mul", [](const In& x) { return x[0] * x[0] + x[0]; }, {rnd({4})});
  Tensor c = tb({1, 0, 0, 1, 1, 0}, {2, 3});
  gradcheck("where", [&](const In& x) { return Tensor::where(c, x[0], x[1]); }, {rnd({2, 3}), rnd({3}, -2, 2, 4)});
  gradcheck("where_cmp", [](const In& x) { return Tensor::where(x[0] > 0.f, x[0] * x[0], -x[0]); }, {rnd({6}, 0, 2, 1, 0.2f)});
}

TEST(GradBinary, MaximumTiesSplitEvenly) {
  Tensor a = tf({1, 2, 3}).requires_grad_(), b = tf({1, 5, 0}).requires_grad_();
  a.maximum(b).sum().backward();
  expect_values(a.grad(), {0.5f, 0, 1});
  expect_values(b.grad(), {0.5f, 1, 0});
}

TEST(GradReduce, SumMaxMeanVar) {
  gradcheck("sum_all", [](const In& x) { return x[0].sum(); }, {rnd({3, 4})});
  gradcheck("sum_axis", [](const In& x) { return x[0].sum({1}); }, {rnd({3, 4})});
  gradcheck("sum_neg_keepdim", [](const In& x) { return x[0].sum({-1, 0}, true); }, {rnd({2, 3, 4})});
  gradcheck("max_axis", [](const In& x) { return x[0].max({1}); }, {distinct({3, 5})});
  gradcheck("max_all", [](const In& x) { return x[0].max(); }, {distinct({3, 5})});
  gradcheck("min_keepdim", [](const In& x) { return x[0].min({0}, true); }, {distinct({3, 5})});
  gradcheck("mean", [](const In& x) { return x[0].mean({-1}); }, {rnd({3, 5})});
  gradcheck("var", [](const In& x) { return x[0].var({1}); }, {rnd({3, 5})});
  gradcheck("var_all_corr0", [](const In& x) { return x[0].var({}, false, 0); }, {rnd({3, 5})});
  gradcheck("std", [](const In& x) { return x[0].std({0}); }, {rnd({4, 3})});
  gradcheck("logsumexp", [](const In& x) { return x[0].logsumexp(1); }, {rnd({3, 5})});
  gradcheck("softmax", [](const In& x) { return x[0].softmax(); }, {rnd({3, 5})});
  gradcheck("softmax_axis0", [](const In& x) { return x[0].softmax(0); }, {rnd({3, 5})});
  gradcheck("log_softmax", [](const In& x) { return x[0].log_softmax(); }, {rnd({3, 5})});
}

TEST(GradReduce, MaxTiesShareTheGradient) {
  Tensor x = tf({1, 3, 3, 2, 5, 5, 5, 0}, {2, 4}).requires_grad_();
  x.max({1}).sum().backward();
  expect_values(x.grad(), {0, 0.5f, 0.5f, 0, 1.f / 3, 1.f / 3, 1.f / 3, 0}, 1e-7);
  Tensor y = tf({2, 2}).requires_grad_();
  y.min().backward();
  expect_values(y.grad(), {0.5f, 0.5f});
}

TEST(GradMovement, EveryViewOp) {
  gradcheck("reshape", [](const In& x) { return x[0].reshape({4, 3}) * x[1]; }, {rnd({2, 6}), rnd({4, 3}, -2, 2, 3)});
  gradcheck("permute", [](const In& x) { return x[0].permute({2, 0, 1}) * x[1]; }, {rnd({2, 3, 4}), rnd({4, 2, 3}, -2, 2, 3)});
  gradcheck("transpose", [](const In& x) { return x[0].T().exp(); }, {rnd({2, 3})});
  gradcheck("expand", [](const In& x) { return x[0].expand({3, 4}) * x[1]; }, {rnd({3, 1}), rnd({3, 4}, -2, 2, 3)});
  gradcheck("expand_new_dims", [](const In& x) { return x[0].expand({2, 3, 4}).exp(); }, {rnd({4})});
  gradcheck("pad", [](const In& x) { return x[0].pad({{1, 2}, {0, 1}}).exp(); }, {rnd({2, 3})});
  gradcheck("pad_value", [](const In& x) { return x[0].pad({{1, 1}}, 3.f) * x[1]; }, {rnd({3}), rnd({5}, -2, 2, 3)});
  gradcheck("pad_negative", [](const In& x) { return x[0].pad({{-1, 1}}).square(); }, {rnd({4})});
  gradcheck("shrink", [](const In& x) { return x[0].shrink({{1, 3}, {0, 2}}).exp(); }, {rnd({4, 3})});
  gradcheck("flip", [](const In& x) { return x[0].flip({0, 1}) * x[1]; }, {rnd({2, 3}), rnd({2, 3}, -2, 2, 3)});
  gradcheck("slice_step", [](const In& x) { return x[0].slice({Range{1, D, 2}, Range{D, D, -2}}).exp(); }, {rnd({5, 4})});
  gradcheck("slice_neg_step3", [](const In& x) { return x[0].slice({Range{-1, 0, -3}}) * 2.f; }, {rnd({8})});
  gradcheck("index", [](const In& x) { return x[0][1] * x[0][-1]; }, {rnd({3, 4})});
  gradcheck("cat", [](const In& x) { return Tensor::cat({x[0], x[1].exp(), x[0]}, 1); }, {rnd({2, 2}), rnd({2, 3}, -2, 2, 3)});
  gradcheck("stack", [](const In& x) { return Tensor::stack({x[0], x[1] * x[0]}, -1); }, {rnd({2, 3}), rnd({2, 3}, -2, 2, 3)});
  gradcheck("repeat", [](const In& x) { return x[0].repeat({2, 3}) * x[1]; }, {rnd({2, 2}), rnd({4, 6}, -2, 2, 3)});
  gradcheck("squeeze_unsqueeze_flatten", [](const In& x) { return x[0].squeeze().unsqueeze(0).flatten().exp(); }, {rnd({1, 3, 1, 2})});
  gradcheck("pool_view", [](const In& x) { return x[0].pool({3}, {1}, {1}) * x[1]; }, {rnd({5}), rnd({3, 3}, -2, 2, 3)});
}

// ---- autograd mechanics

TEST(Autograd, AccumulatesAcrossBackwardCallsAndZeroGrad) {
  Tensor x = tf({1, 2, 3}).requires_grad_();
  (x * 2.f).sum().backward();
  expect_values(x.grad(), {2, 2, 2});
  (x * x).sum().backward();  // a fresh graph: adds 2x
  expect_values(x.grad(), {4, 6, 8});
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
  (x * 3.f).sum().backward();
  expect_values(x.grad(), {3, 3, 3});
}

TEST(Autograd, OnlyLeavesKeepGradsAndUnusedLeavesGetNone) {
  Tensor x = tf({1, 2}).requires_grad_(), unused = tf({5}).requires_grad_();
  Tensor y = x * x;
  EXPECT_TRUE(y.requires_grad());
  (y * 3.f).sum().backward();
  expect_values(x.grad(), {6, 12});
  EXPECT_FALSE(y.grad().defined());
  EXPECT_FALSE(unused.grad().defined());
}

TEST(Autograd, NoGradScope) {
  Tensor x = tf({1, 2}).requires_grad_();
  EXPECT_TRUE(grad_enabled());
  {
    NoGrad ng;
    EXPECT_FALSE(grad_enabled());
    Tensor y = x * 2.f + x.exp();
    EXPECT_FALSE(y.requires_grad());
    {
      NoGrad inner;
      EXPECT_FALSE(grad_enabled());
    }
    EXPECT_FALSE(grad_enabled());  // restored to the outer state, not to true
    expect_values(y, {2 + std::exp(1.f), 4 + std::exp(2.f)}, 0, 1e-6);
  }
  EXPECT_TRUE(grad_enabled());
  EXPECT_TRUE((x * 2.f).requires_grad());
}

TEST(Autograd, DetachStopsGradient) {
  Tensor x = tf({1, 2, 3}).requires_grad_();
  Tensor d = x.detach();
  EXPECT_FALSE(d.requires_grad());
  (x * d).sum().backward();  // d/dx (x * const) = const
  expect_values(x.grad(), {1, 2, 3});
  expect_values(d, {1, 2, 3});
}

TEST(Autograd, IntegerAndComparisonPathsCarryNoGradient) {
  Tensor x = tf({-1, 2, -3}).requires_grad_();
  Tensor y = Tensor::where(x > 0.f, x, x.zeros_like()) + x.cast(DType::i32).cast(DType::f32);
  // As in PyTorch: integer and bool results are not differentiable, so the cast round trip
  // contributes no gradient (and must not truncate the incoming gradient to an integer).
  EXPECT_FALSE(x.cast(DType::i32).requires_grad());
  EXPECT_FALSE(x.gt(x.zeros_like()).requires_grad());
  y.sum().backward();
  expect_values(x.grad(), {0, 1, 0});
}

TEST(Autograd, FractionalGradientSurvivesCasts) {
  Tensor x = tf({1, 2}).requires_grad_();
  (x.cast(DType::f32) * 0.25f).sum().backward();  // f32 -> f32 is a no-op cast
  expect_values(x.grad(), {0.25f, 0.25f});
}

TEST(Autograd, Errors) {
  Tensor x = tf({1, 2}).requires_grad_();
  EXPECT_THAT(error_of([&] { (x * 2.f).backward(); }), HasSubstr("1-element"));
  EXPECT_THAT(error_of([&] { tf({1}).backward(); }), HasSubstr("does not require grad"));
  EXPECT_THAT(error_of([&] { ti({1, 2}).requires_grad_(); }), HasSubstr("only float32"));
  EXPECT_THAT(error_of([&] { tb({1}, {1}).requires_grad_(); }), HasSubstr("float32"));
  EXPECT_THAT(error_of([&] { x.set_grad(tf({1, 2, 3})); }), HasSubstr("does not match"));
  EXPECT_THAT(error_of([] { Tensor().backward(); }), HasSubstr("undefined"));
  Tensor s = (x * x).sum();
  s.backward();
  expect_values(x.grad(), {2, 4});
}

}  // namespace
}  // namespace tinypynq::test
