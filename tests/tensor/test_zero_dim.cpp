// Every axis-taking op on a 0-d tensor, on every registered target: PyTorch semantics (axis 0
// and -1 name the value itself; reductions return it, softmax 1, log_softmax 0, argmax 0).
// These used to index shape()[0] of an empty shape and crash the process (issue 11).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tensor/device.h"
#include "tests/tensor/op_cases.h"
#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

class ZeroDim : public ::testing::TestWithParam<std::string> {
 protected:
  Tensor s(float v = 2.5f) const { return Tensor::scalar(v, GetParam()); }
};

float val(const Tensor& t) {
  EXPECT_TRUE(t.shape().empty()) << "expected a 0-d result, got " << shape_str(t.shape());
  return t.item();
}

TEST_P(ZeroDim, ReductionsOverAxis0AndMinus1ReturnTheValue) {
  for (int64_t ax : {0, -1}) {
    for (bool keep : {false, true}) {
      EXPECT_EQ(val(s().sum({ax}, keep)), 2.5f) << ax;
      EXPECT_EQ(val(s().max({ax}, keep)), 2.5f);
      EXPECT_EQ(val(s().min({ax}, keep)), 2.5f);
      EXPECT_EQ(val(s().mean({ax}, keep)), 2.5f);
      EXPECT_TRUE(std::isnan(val(s().var({ax}, keep))));  // one value, correction 1: 0/0 (PyTorch: nan)
      EXPECT_EQ(val(s().var({ax}, keep, 0)), 0.f);
      EXPECT_TRUE(std::isnan(val(s().std({ax}, keep))));
      EXPECT_EQ(s().argmax(ax, keep).to_vector<int32_t>(), std::vector<int32_t>{0});
      EXPECT_TRUE(s().argmin(ax, keep).shape().empty());
      EXPECT_EQ(s().argmin(ax, keep).dtype(), DType::i32);
    }
    EXPECT_FLOAT_EQ(val(s().logsumexp(ax)), 2.5f);
    EXPECT_FLOAT_EQ(val(s().logsumexp(ax, true)), 2.5f);
  }
  // Integer and bool sums follow the non-0-d rules (bool sums to int32).
  Tensor b = Tensor::full({}, 1, DType::boolean, GetParam());
  EXPECT_EQ(b.sum({0}).dtype(), DType::i32);
  EXPECT_EQ(b.sum({0}).to_vector<int32_t>(), std::vector<int32_t>{1});
  EXPECT_EQ(b.max({-1}).dtype(), DType::boolean);
}

TEST_P(ZeroDim, SoftmaxIsOneAndLogSoftmaxZero) {
  for (int64_t ax : {0, -1}) {
    for (float v : {2.5f, -1e30f, 0.f}) {
      EXPECT_EQ(val(s(v).softmax(ax)), 1.f) << v;
      EXPECT_EQ(val(s(v).log_softmax(ax)), 0.f) << v;
    }
  }
}

TEST_P(ZeroDim, GradientsThroughAxisOps) {
  Tensor x = s().requires_grad_();
  (x.sum({0}) * 3.f + x.softmax(-1) + x.log_softmax(0) + x.max({-1}) + x.mean({0})).backward();
  // d/dx: 3 (sum) + 0 (softmax is constant 1) + 0 (log_softmax constant 0) + 1 (max) + 1 (mean)
  EXPECT_FLOAT_EQ(x.grad().item(), 5.f);
}

TEST_P(ZeroDim, MovementOpsAcceptAxis0AndMinus1) {
  for (int64_t ax : {0, -1}) {
    EXPECT_EQ(val(s().flip({ax})), 2.5f);
    EXPECT_EQ(val(s().transpose(ax, 0)), 2.5f);
    EXPECT_EQ(val(s().squeeze(ax)), 2.5f);
    Tensor u = s().unsqueeze(ax);  // 0-d has one insertion point: both give shape (1)
    EXPECT_EQ(u.shape(), (Shape{1}));
    EXPECT_EQ(u.tolist(), std::vector<float>{2.5f});
    EXPECT_EQ(s().flatten(ax, ax).shape(), (Shape{1}));
    Tensor st = Tensor::stack({s(1), s(2), s(3)}, ax);
    EXPECT_EQ(st.shape(), (Shape{3}));
    EXPECT_EQ(st.tolist(), (std::vector<float>{1, 2, 3}));
  }
  EXPECT_EQ(val(s().permute({})), 2.5f);
  EXPECT_EQ(val(s().T()), 2.5f);
  EXPECT_EQ(val(s().flip({})), 2.5f);
}

TEST_P(ZeroDim, OtherAxesAreClearErrors) {
  EXPECT_THAT(error_of([&] { s().sum({1}); }), HasSubstr("axis 1 is out of range for a 0-d tensor (expected -1..0)"));
  EXPECT_THAT(error_of([&] { s().softmax(-2); }), HasSubstr("axis -2 is out of range for a 0-d tensor"));
  EXPECT_THAT(error_of([&] { s().log_softmax(1); }), HasSubstr("out of range for a 0-d tensor"));
  EXPECT_THAT(error_of([&] { s().argmax(1); }), HasSubstr("out of range for a 0-d tensor"));
  EXPECT_THAT(error_of([&] { s().flip({2}); }), HasSubstr("out of range for a 0-d tensor"));
  EXPECT_THAT(error_of([&] { s().transpose(0, 1); }), HasSubstr("out of range for a 0-d tensor"));
  EXPECT_THAT(error_of([&] { s().squeeze(1); }), HasSubstr("out of range for a 0-d tensor"));
  EXPECT_THAT(error_of([&] { s().unsqueeze(2); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([&] { Tensor::stack({s(), s()}, 1); }), HasSubstr("out of range"));
  // PyTorch: x.size(0) on a 0-d tensor is an IndexError; cat of 0-d tensors is refused.
  EXPECT_THAT(error_of([&] { s().size(0); }), HasSubstr("0-d tensor, which has no dimensions"));
  EXPECT_THAT(error_of([&] { Tensor::cat({s(), s()}, 0); }), HasSubstr("0-d tensor cannot be concatenated"));
  EXPECT_THAT(error_of([&] { s().permute({0}); }), HasSubstr("permute"));
  // 0 and -1 are the same (only) axis: naming it twice is refused, as PyTorch does.
  EXPECT_THAT(error_of([&] { s().sum({0, -1}); }), HasSubstr("an axis appears twice"));
  EXPECT_THAT(error_of([&] { s().mean({0, 0}); }), HasSubstr("an axis appears twice"));
}

TEST(ZeroDimAxis, FlipRejectsADuplicatedAxis) {
  EXPECT_THAT(error_of([] { tf({1, 2}).flip({0, -1}); }), HasSubstr("flip: axis -1 appears twice"));
}

INSTANTIATE_TEST_SUITE_P(Targets, ZeroDim, ::testing::ValuesIn(test_targets()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace tinypynq::test
