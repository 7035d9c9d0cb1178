// tensor_ext.h: values against closed forms / direct loops, gradients by finite differences.
#include <cmath>

#include "tensor/tensor_ext.h"
#include "tests/tensor/grad_check.h"

namespace tinypynq::test {
namespace {

using In = std::vector<Tensor>;

std::vector<float> vals(const Tensor& t) { return t.cast(DType::f32).tolist(); }

TEST(TensorExt, SpecialFunctionsMatchLibm) {
  std::vector<float> x;
  for (int i = -40; i <= 40; ++i) x.push_back(i * 0.1f);
  Tensor t = Tensor::from_data(x, {static_cast<int64_t>(x.size())});
  auto e = vals(ops::erf(t)), a = vals(ops::atan(t * 3.f)), f = vals(ops::floor(t * 1.5f)), c = vals(ops::ceil(t * 1.5f));
  auto sh = vals(ops::sinh(t)), ash = vals(ops::asinh(t));
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(e[i], std::erf(x[i]), 2e-7) << x[i];
    EXPECT_NEAR(a[i], std::atan(3 * x[i]), 2e-6) << x[i];
    EXPECT_EQ(f[i], std::floor(x[i] * 1.5f)) << x[i];
    EXPECT_EQ(c[i], std::ceil(x[i] * 1.5f)) << x[i];
    EXPECT_NEAR(sh[i], std::sinh(x[i]), 1e-5 * std::max(1.f, std::fabs(sh[i])));
    EXPECT_NEAR(ash[i], std::asinh(x[i]), 1e-6);
  }
  std::vector<float> s{-1, -0.5f, 0, 0.3f, 1};
  auto as = vals(ops::asin(Tensor::from_data(s, {5}))), ac = vals(ops::acos(Tensor::from_data(s, {5})));
  for (size_t i = 0; i < s.size(); ++i) {
    EXPECT_NEAR(as[i], std::asin(s[i]), 2e-6);
    EXPECT_NEAR(ac[i], std::acos(s[i]), 2e-6);
  }
  auto r = vals(ops::round_even(Tensor::from_data({0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f, 1e9f, INFINITY}, {8})));
  EXPECT_EQ(r, (std::vector<float>{0, 2, 2, -0.f, -2, 2, 1e9f, INFINITY}));
  auto fl = vals(ops::floor(Tensor::from_data({-INFINITY, 3e9f, -2.5f}, {3})));
  EXPECT_EQ(fl, (std::vector<float>{-INFINITY, 3e9f, -3}));
}

TEST(TensorExt, GatherCumsumSplit) {
  Tensor x = Tensor::arange(12).reshape({3, 4});
  EXPECT_EQ(vals(ops::gather(x, 0, Tensor::from_data({2, 0, -1}, {3}))),
            (std::vector<float>{8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}));
  EXPECT_EQ(ops::gather(x, 1, Tensor::from_data({1, 3, 0, 0}, {2, 2})).shape(), (Shape{3, 2, 2}));
  EXPECT_EQ(vals(ops::gather(x, 1, Tensor::from_data({3}, {1}))), (std::vector<float>{3, 7, 11}));
  EXPECT_THROW(ops::gather(x, 0, Tensor::from_data({3}, {1})), Error);
  EXPECT_EQ(vals(ops::gather_elements(x, 1, Tensor::from_data({3, 0, 1, 1, 0, 2}, {3, 2}))),
            (std::vector<float>{3, 0, 5, 5, 8, 10}));
  Tensor v = Tensor::from_data({1.f, 2.f, 3.f, 4.f}, {4});
  EXPECT_EQ(vals(ops::cumsum(v, 0)), (std::vector<float>{1, 3, 6, 10}));
  EXPECT_EQ(vals(ops::cumsum(v, 0, true)), (std::vector<float>{0, 1, 3, 6}));
  EXPECT_EQ(vals(ops::cumsum(v, 0, false, true)), (std::vector<float>{10, 9, 7, 4}));
  EXPECT_EQ(vals(ops::cumsum(v, 0, true, true)), (std::vector<float>{9, 7, 4, 0}));
  auto parts = ops::split(x, 1, {1, 3});
  EXPECT_EQ(parts[1].shape(), (Shape{3, 3}));
  EXPECT_THROW(ops::split(x, 1, {1, 2}), Error);
}

// conv against a direct loop: groups, dilation, asymmetric pads, 1-D and 2-D.
std::vector<float> conv_ref(const std::vector<float>& x, const std::vector<float>& w, Shape xs, Shape ws, int64_t g,
                            std::vector<int64_t> st, std::vector<int64_t> dl, std::vector<int64_t> pd, Shape& out) {
  const int64_t N = xs[0], C = xs[1], H = xs[2], W = xs[3], Co = ws[0], Cg = ws[1], KH = ws[2], KW = ws[3];
  const int64_t OH = (H + pd[0] + pd[2] - dl[0] * (KH - 1) - 1) / st[0] + 1, OW = (W + pd[1] + pd[3] - dl[1] * (KW - 1) - 1) / st[1] + 1;
  out = {N, Co, OH, OW};
  std::vector<float> y(N * Co * OH * OW, 0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < Co; ++o)
      for (int64_t i = 0; i < OH; ++i)
        for (int64_t j = 0; j < OW; ++j) {
          double acc = 0;
          const int64_t grp = o / (Co / g);
          for (int64_t c = 0; c < Cg; ++c)
            for (int64_t a = 0; a < KH; ++a)
              for (int64_t b = 0; b < KW; ++b) {
                int64_t yy = i * st[0] - pd[0] + a * dl[0], xx = j * st[1] - pd[1] + b * dl[1];
                if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
                acc += x[((n * C + grp * Cg + c) * H + yy) * W + xx] * w[((o * Cg + c) * KH + a) * KW + b];
              }
          y[((n * Co + o) * OH + i) * OW + j] = static_cast<float>(acc);
        }
  (void)C;
  return y;
}

TEST(TensorExt, ConvMatchesDirectLoop) {
  GInput x = rnd({2, 4, 7, 6}), w = rnd({6, 2, 3, 2}, -1, 1, 5);
  ops::ConvParams p;
  p.groups = 2, p.strides = {2, 1}, p.dilations = {1, 2}, p.pads = {1, 0, 2, 1};
  Tensor y = ops::conv(Tensor::from_data(x.v, x.shape), Tensor::from_data(w.v, w.shape), Tensor(), p);
  Shape os;
  auto ref = conv_ref(x.v, w.v, x.shape, w.shape, 2, p.strides, p.dilations, p.pads, os);
  ASSERT_EQ(y.shape(), os);
  auto got = y.tolist();
  for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(got[i], ref[i], 1e-4) << i;
  EXPECT_THROW(ops::conv(Tensor::from_data(x.v, x.shape), Tensor::zeros({6, 3, 3, 2}), Tensor(), p), Error);
}

TEST(TensorExt, ConvTransposeIsTheGradientOfConv) {
  // conv_transpose(y, w) == d<conv(x, w), y>/dx, for strides, pads and groups.
  GInput x = rnd({1, 4, 5, 6}), w = rnd({4, 1, 3, 3}, -1, 1, 7);
  ops::ConvParams p;
  p.groups = 2, p.strides = {2, 2}, p.pads = {1, 0, 1, 1};
  w.shape = {4, 2, 3, 3};
  w = rnd(w.shape, -1, 1, 7);
  Tensor xt = Tensor::from_data(x.v, x.shape).requires_grad_();
  Tensor wt = Tensor::from_data(w.v, w.shape);
  Tensor y = ops::conv(xt, wt, Tensor(), p);
  Tensor gy = Tensor::randn(y.shape());
  (y * gy).sum().backward();
  p.output_padding = {x.shape[2] - ((y.shape()[2] - 1) * 2 + 3 - 2), x.shape[3] - ((y.shape()[3] - 1) * 2 + 3 - 1)};
  Tensor xt2 = ops::conv_transpose(gy, wt, Tensor(), p);
  ASSERT_EQ(xt2.shape(), xt.shape());
  auto a = xt.grad().tolist(), b = xt2.tolist();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-4) << i;
}

TEST(TensorExt, PoolingCeilModeAndCounts) {
  Tensor x = Tensor::arange(25).reshape({1, 1, 5, 5});
  ops::PoolParams p;
  p.kernel = {2, 2}, p.strides = {2, 2}, p.ceil_mode = true;
  Tensor m = ops::max_pool(x, p);
  EXPECT_EQ(m.shape(), (Shape{1, 1, 3, 3}));
  EXPECT_EQ(vals(m), (std::vector<float>{6, 8, 9, 16, 18, 19, 21, 23, 24}));
  Tensor a = ops::avg_pool(x, p);  // the overhang is not counted
  EXPECT_EQ(vals(a)[2], 6.5f);
  EXPECT_EQ(vals(a)[8], 24.f);
  p.ceil_mode = false, p.pads = {1, 1, 1, 1}, p.count_include_pad = true;
  EXPECT_EQ(vals(ops::avg_pool(x, p))[0], 0.f / 4);
  p.count_include_pad = false;
  EXPECT_EQ(vals(ops::avg_pool(x, p))[1], (1.f + 2.f) / 2);
}

TEST(TensorExt, Gradients) {
  gradcheck("erf", [](const In& x) { return ops::erf(x[0]); }, {rnd({3, 4})});
  gradcheck("atan", [](const In& x) { return ops::atan(x[0]); }, {rnd({3, 4}, -3, 3)});
  gradcheck("asinh", [](const In& x) { return ops::asinh(x[0]); }, {rnd({5}, -2, 2, 1, 0.1f)});
  gradcheck("gather", [](const In& x) { return ops::gather(x[0], 1, Tensor::from_data({2, 0, 2}, {3})); }, {rnd({3, 4})});
  gradcheck("gather_elements",
            [](const In& x) { return ops::gather_elements(x[0], 0, Tensor::from_data({1, 0, 2, 2, 1, 0}, {2, 3})); },
            {rnd({3, 3})});
  gradcheck("cumsum", [](const In& x) { return ops::cumsum(x[0], 1, true, false); }, {rnd({2, 5})});
  ops::ConvParams p;
  p.groups = 2, p.strides = {1, 2}, p.dilations = {2, 1}, p.pads = {0, 1, 1, 0};
  gradcheck("conv_groups", [p](const In& x) { return ops::conv(x[0], x[1], x[2], p); },
            {rnd({1, 4, 6, 5}), rnd({4, 2, 2, 3}, -1, 1, 3), rnd({4}, -1, 1, 4)});
  ops::ConvParams q;
  q.strides = {2}, q.pads = {1, 0}, q.output_padding = {1};
  gradcheck("conv_transpose_1d", [q](const In& x) { return ops::conv_transpose(x[0], x[1], Tensor(), q); },
            {rnd({2, 3, 4}), rnd({3, 2, 3}, -1, 1, 3)});
  ops::PoolParams pp;
  pp.kernel = {3}, pp.strides = {2}, pp.pads = {1, 1}, pp.ceil_mode = true;
  gradcheck("avg_pool_1d", [pp](const In& x) { return ops::avg_pool(x[0], pp); }, {rnd({2, 2, 6})});
  gradcheck("max_pool_1d", [pp](const In& x) { return ops::max_pool(x[0], pp); }, {distinct({2, 2, 6})});
}

}  // namespace
}  // namespace tinypynq::test
