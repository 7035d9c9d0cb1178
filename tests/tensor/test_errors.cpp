// Bad input gives a tinypynq::Error whose message names the problem (checked by key words).
#include "tensor/device.h"
#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

Tensor m23() { return tf({1, 2, 3, 4, 5, 6}, {2, 3}); }

TEST(Errors, ShapeMismatch) {
  std::string e = error_of([] { m23() + tf({1, 2}); });
  EXPECT_THAT(e, HasSubstr("cannot be broadcast"));
  EXPECT_THAT(e, HasSubstr("(2, 3)"));
  EXPECT_THAT(e, HasSubstr("(2,)"));
  EXPECT_THAT(error_of([] { Tensor::where(tb({1, 0}, {2}), m23(), tf({1, 2, 3})); }), HasSubstr("cannot be broadcast"));
  e = error_of([] { m23().matmul(m23()); });
  EXPECT_THAT(e, HasSubstr("not aligned"));
  EXPECT_THAT(e, HasSubstr("3 != 2"));
  EXPECT_THAT(error_of([] { tf({1, 2}).matmul(tf({1, 2, 3})); }), HasSubstr("not aligned"));
  EXPECT_THAT(error_of([] { Tensor::scalar(1).matmul(tf({1})); }), HasSubstr("at least 1 dimension"));
  e = error_of([] { m23().reshape({4}); });
  EXPECT_THAT(e, HasSubstr("cannot reshape"));
  EXPECT_THAT(e, HasSubstr("(4,)"));
  EXPECT_THAT(error_of([] { m23().reshape({-1, -1}); }), HasSubstr("only one dimension can be -1"));
  EXPECT_THAT(error_of([] { m23().reshape({-1, 4}); }), HasSubstr("cannot reshape"));
  EXPECT_THAT(error_of([] { m23().reshape({-2, 3}); }), HasSubstr("invalid dimension"));
  EXPECT_THAT(error_of([] { m23().expand({2, 6}); }), HasSubstr("cannot expand"));
  EXPECT_THAT(error_of([] { m23().expand({3}); }), HasSubstr("fewer dimensions"));
  EXPECT_THAT(error_of([] { Tensor::cat({m23(), tf({1, 2}, {1, 2})}); }), HasSubstr("differ outside axis"));
  EXPECT_THAT(error_of([] { Tensor::cat({m23(), tf({1, 2, 3})}); }), HasSubstr("different ranks"));
  EXPECT_THAT(error_of([] { Tensor::cat({}); }), HasSubstr("at least one"));
  EXPECT_THAT(error_of([] { Tensor::stack({m23(), tf({1, 2, 3})}); }), HasSubstr("shapes differ"));
  EXPECT_THAT(error_of([] { m23().mse_loss(tf({1, 2, 3})); }), HasSubstr("target shape"));
  EXPECT_THAT(error_of([] { m23().binary_crossentropy(tf({1, 2, 3})); }), HasSubstr("target shape"));
}

TEST(Errors, BadAxis) {
  std::string e = error_of([] { m23().sum({2}); });
  EXPECT_THAT(e, HasSubstr("out of range"));
  EXPECT_THAT(e, HasSubstr("axis 2"));
  EXPECT_THAT(error_of([] { m23().sum({-3}); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { m23().max({0, -2}); }), HasSubstr("appears twice"));
  EXPECT_THAT(error_of([] { m23().sum({1, 1}); }), HasSubstr("appears twice"));
  EXPECT_THAT(error_of([] { m23().permute({0, 0}); }), HasSubstr("appears twice"));
  EXPECT_THAT(error_of([] { m23().permute({0}); }), HasSubstr("permute"));
  EXPECT_THAT(error_of([] { m23().permute({0, 2}); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { m23().argmax(5); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { m23().softmax(2); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { m23().flip({3}); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { m23().transpose(0, 2); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { m23().unsqueeze(4); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { Tensor::cat({m23(), m23()}, 2); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { m23().flatten(1, 0); }), HasSubstr("after end axis"));
  EXPECT_THAT(error_of([] { m23().size(2); }), HasSubstr("out of range"));
}

TEST(Errors, BadIndexSliceShrinkPad) {
  EXPECT_THAT(error_of([] { m23()[2]; }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { m23()[-3]; }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { Tensor::scalar(1)[0]; }), HasSubstr("0-d"));
  EXPECT_THAT(error_of([] { m23().slice({Range{0, 1, 0}}); }), HasSubstr("step must be non-zero"));
  EXPECT_THAT(error_of([] { m23().slice({Range{}, Range{}, Range{}}); }), HasSubstr("3 ranges"));
  EXPECT_THAT(error_of([] { m23().shrink({{0, 3}, {0, 3}}); }), HasSubstr("do not fit"));
  EXPECT_THAT(error_of([] { m23().shrink({{0, 1}}); }), HasSubstr("shrink"));
  EXPECT_THAT(error_of([] { m23().pad({{0, 0}, {0, 0}, {1, 1}}); }), HasSubstr("3 pairs"));
  EXPECT_THAT(error_of([] { m23().pad({{-3, 0}}); }), HasSubstr("negative padding"));
  EXPECT_THAT(error_of([] { m23().repeat({2}); }), HasSubstr("repeat"));
}

TEST(Errors, WrongDtype) {
  std::string e = error_of([] { tf({1, 2}) + ti({1, 2}); });
  EXPECT_THAT(e, HasSubstr("dtype mismatch"));
  EXPECT_THAT(e, HasSubstr("float32"));
  EXPECT_THAT(e, HasSubstr("int32"));
  EXPECT_THAT(error_of([] { tf({1, 2}).matmul(ti({1, 2})); }), HasSubstr("dtype mismatch"));
  EXPECT_THAT(error_of([] { tf({1, 2}).lt(ti({1, 2})); }), HasSubstr("dtype mismatch"));
  EXPECT_THAT(error_of([] { Tensor::cat({tf({1}), ti({1})}); }), HasSubstr("dtype mismatch"));
  e = error_of([] { Tensor::where(tf({1, 0}), tf({1, 2}), tf({3, 4})); });
  EXPECT_THAT(e, HasSubstr("condition must be bool"));
  EXPECT_THAT(error_of([] { Tensor::where(tb({1}, {1}), tf({1}), ti({1})); }), HasSubstr("dtypes differ"));
  EXPECT_THAT(error_of([] { tb({1}, {1}) + tb({0}, {1}); }), HasSubstr("not defined on bool"));
  EXPECT_THAT(error_of([] { -tb({1}, {1}); }), HasSubstr("bool"));
  EXPECT_THAT(error_of([] { tf({1}).logical_not(); }), HasSubstr("needs a bool tensor"));
  EXPECT_THAT(error_of([] { tf({1}).one_hot(3); }), HasSubstr("integer labels"));
  EXPECT_THAT(error_of([] { tf({1}).to_vector<int32_t>(); }), HasSubstr("use cast() first"));
  EXPECT_THAT(error_of([] { Tensor::arange(0, 3, 1, DType::boolean); }), HasSubstr("dtype must be"));
  EXPECT_THAT(error_of([] { tf({1, 2, 3, 4}, {2, 2}).sparse_categorical_crossentropy(tf({0, 1})); }),
              HasSubstr("int32 or uint8"));
}

TEST(Errors, UnknownDeviceListsValidTargets) {
  std::string e = error_of([] { device("nope"); });
  EXPECT_THAT(e, HasSubstr("nope"));
  EXPECT_THAT(e, HasSubstr("valid targets"));
  EXPECT_THAT(e, HasSubstr("cpu"));
  EXPECT_THAT(error_of([] { Tensor::zeros({2}, DType::f32, "nope"); }), HasSubstr("valid targets"));
  EXPECT_THAT(error_of([] { set_default_device("nope"); }), HasSubstr("valid targets"));
  EXPECT_EQ(default_device(), "cpu");
}

TEST(Errors, CreationAndData) {
  std::string e = error_of([] { Tensor::from_data(std::vector<float>{1, 2, 3}, {2, 2}); });
  EXPECT_THAT(e, HasSubstr("3 values"));
  EXPECT_THAT(e, HasSubstr("(2, 2)"));
  EXPECT_THAT(error_of([] { Tensor::from_data(std::vector<int32_t>{1}, {2}); }), HasSubstr("do not fill"));
  EXPECT_THAT(error_of([] { Tensor::zeros({2, -1}); }), HasSubstr("negative dimension"));
  EXPECT_THAT(error_of([] { Tensor::arange(0, 5, 0); }), HasSubstr("step must be non-zero"));
  EXPECT_THAT(error_of([] { Tensor::eye(-1); }), HasSubstr(">= 0"));
  EXPECT_THAT(error_of([] { m23().item(); }), HasSubstr("1-element"));
  EXPECT_THAT(error_of([] { m23().assign(tf({1})); }), HasSubstr("does not match"));
  EXPECT_THAT(error_of([] { Tensor().shape(); }), HasSubstr("undefined"));
  EXPECT_THAT(error_of([] { Tensor() + tf({1}); }), HasSubstr("undefined"));
}

TEST(Errors, ReductionsAndNN) {
  EXPECT_THAT(error_of([] { Tensor::zeros({0, 3}).max({0}); }), HasSubstr("no identity"));
  EXPECT_THAT(error_of([] { Tensor::zeros({0}).argmax(0); }), HasSubstr("empty axis"));
  EXPECT_THAT(error_of([] { Tensor::zeros({1, 2, 5, 5}).conv2d(Tensor::zeros({1, 3, 3, 3})); }), HasSubstr("channels"));
  EXPECT_THAT(error_of([] { Tensor::zeros({2, 5, 5}).conv2d(Tensor::zeros({1, 2, 3, 3})); }), HasSubstr("(N, C, H, W)"));
  EXPECT_THAT(error_of([] { Tensor::zeros({1, 1, 5, 5}).conv2d(Tensor::zeros({1, 1, 3, 3}), Tensor(), 0); }),
              HasSubstr("stride"));
  EXPECT_THAT(error_of([] { Tensor::zeros({1, 1, 2, 2}).conv2d(Tensor::zeros({1, 1, 3, 3})); }), HasSubstr("larger than input"));
  EXPECT_THAT(error_of([] { Tensor::zeros({1, 1, 2, 2}).max_pool2d(3); }), HasSubstr("larger than input"));
  EXPECT_THAT(error_of([] { Tensor::zeros({4}).max_pool2d(2); }), HasSubstr("at least 2 dims"));
  EXPECT_THAT(error_of([] { Tensor::zeros({3}).linear(Tensor::zeros({3})); }), HasSubstr("2-D"));
  EXPECT_THAT(error_of([] { tf({1}).dropout(1.f); }), HasSubstr("[0, 1)"));
  EXPECT_THAT(error_of([] { tf({1}).clip(2, 1); }), HasSubstr("greater than high"));
  Tensor logits = Tensor::zeros({2, 3});
  EXPECT_THAT(error_of([&] { logits.sparse_categorical_crossentropy(ti({0, 3})); }), HasSubstr("out of range for 3 classes"));
  EXPECT_THAT(error_of([&] { logits.sparse_categorical_crossentropy(ti({0})); }), HasSubstr("labels must be"));
  EXPECT_THAT(error_of([] { Tensor::zeros({3}).sparse_categorical_crossentropy(ti({0, 0, 0})); }), HasSubstr("(batch, classes)"));
}

}  // namespace
}  // namespace tinypynq::test
