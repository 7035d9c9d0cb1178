// Scheduler and fusion: how many kernels a graph becomes (stats().kernels_run), that views
// cost nothing until read, and that matmul-shaped kernels (BLAS path and generic path) match a
// naive triple loop.
#include <random>

#include "tensor/kernel.h"
#include "tensor/lazy.h"
#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

Tensor rnd(const Shape& s, uint64_t seed) {
  std::mt19937_64 r(seed);
  std::vector<float> v(prod(s));
  for (auto& x : v) x = std::uniform_real_distribution<float>(-1, 1)(r);
  return Tensor::from_data(v, s);
}

TEST(Fusion, ElementwiseChainIsOneKernel) {
  Tensor a = rnd({4, 5}, 1), b = rnd({4, 5}, 2), c = rnd({4, 5}, 3);
  Tensor y = ((a + b) * c).exp();
  EXPECT_EQ(kernels_in([&] { y.realize(); }), 1);
  EXPECT_EQ(kernels_in([&] { y.realize(); }), 0);   // already realized
  EXPECT_EQ(kernels_in([&] { y.tolist(); }), 0);    // contiguous: read directly
  // broadcasting and scalars fuse too
  Tensor z = (a * 2.f + rnd({5}, 4)).relu() - 1.f;
  EXPECT_EQ(kernels_in([&] { z.realize(); }), 1);
}

TEST(Fusion, ElementwiseFusesIntoReduce) {
  Tensor a = rnd({6, 7}, 1), b = rnd({6, 7}, 2);
  EXPECT_EQ(kernels_in([&] { (a * b).sum({1}).realize(); }), 1);
  EXPECT_EQ(kernels_in([&] { (a * b + 1.f).exp().max().realize(); }), 1);
  EXPECT_EQ(kernels_in([&] { a.matmul(b.T()).realize(); }), 1);
}

TEST(Fusion, ElementwiseAfterReduceIsASecondKernel) {
  Tensor a = rnd({6, 7}, 1), b = rnd({6, 7}, 2);
  EXPECT_EQ(kernels_in([&] { ((a * b).sum({1}) + 1.f).exp().realize(); }), 2);
  EXPECT_EQ(kernels_in([&] { a.sum({1}).sum().realize(); }), 2);  // at most one reduce per kernel
  EXPECT_EQ(kernels_in([&] { a.matmul(b.T()).relu().realize(); }), 2);
}

TEST(Fusion, SharedIntermediateIsRealizedOnce) {
  Tensor a = rnd({8}, 1);
  Tensor e = a.exp();
  Tensor y = e * e + e.sin();  // one base read by two others -> its own kernel
  EXPECT_EQ(kernels_in([&] { y.realize(); }), 2);
  expect_values(y.tolist(), [&] {
    std::vector<float> r;
    for (float v : a.tolist()) r.push_back(std::exp(v) * std::exp(v) + std::sin(std::exp(v)));
    return r;
  }(), 1e-5, 1e-5);
}

TEST(Fusion, TwoTargetsInOneRealize) {
  Tensor a = rnd({4}, 1);
  Tensor x = a + 1.f, y = a * 2.f;
  EXPECT_EQ(kernels_in([&] { Tensor::realize_all({x, y}); }), 2);
  EXPECT_EQ(kernels_in([&] { Tensor::realize_all({x, y}); }), 0);
}

TEST(Views, MovementOpsRunNoKernelsUntilRead) {
  Tensor a = rnd({3, 4, 5}, 1);
  Tensor v;
  EXPECT_EQ(kernels_in([&] {
              v = a.permute({2, 0, 1}).reshape({5, 12}).expand({2, 5, 12}).shrink({{0, 1}, {1, 4}, {0, 12}});
              v = v.flip({1}).pad({{0, 0}, {1, 1}, {0, 0}}).slice({Range{}, Range{0, 4, 2}});
            }),
            0);
  EXPECT_FALSE(v.lazy()->is_realized() && v.lazy()->is_base());
  EXPECT_EQ(kernels_in([&] { (void)a.reshape({12, 5}).tolist(); }), 0);  // contiguous view of a realized buffer
  EXPECT_EQ(kernels_in([&] { (void)a.T().shape(); }), 0);
}

TEST(Views, ReadingAPermutedViewCopiesOnce) {
  Tensor a = tf({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor t = a.permute({1, 0});
  std::vector<float> got;
  EXPECT_EQ(kernels_in([&] { got = t.tolist(); }), 1);
  EXPECT_EQ(got, (std::vector<float>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(kernels_in([&] { (void)a.tolist(); }), 0);
  EXPECT_EQ(kernels_in([&] { (void)t.contiguous().realize(); }), 1);
  EXPECT_EQ(kernels_in([&] { (void)Tensor::full({3}, 2).tolist(); }), 1);  // a constant needs a kernel to exist
}

TEST(Views, PaddedReadBecomesAKernelBoundary) {
  Tensor a = rnd({3, 3}, 1);
  Tensor y = a.exp().pad({{1, 1}, {1, 1}}).sum();
  EXPECT_EQ(kernels_in([&] { y.realize(); }), 2);
  double want = 0;
  for (float v : a.tolist()) want += std::exp(v);
  EXPECT_NEAR(y.item(), want, 1e-5);
}

TEST(Observability, DebugLinesAndKernelObservers) {
  Tensor a = rnd({4, 5}, 1), b = rnd({4, 5}, 2);
  std::vector<std::string> names;
  add_kernel_observer([&](const Kernel& k, double secs) {
    names.push_back(k.name());
    EXPECT_GE(secs, 0);
  });
  const int old = debug_level();
  set_debug_level(2);
  testing::internal::CaptureStderr();
  ((a + b).exp().sum({1}) * 2.f).realize();
  std::string err = testing::internal::GetCapturedStderr();
  set_debug_level(old);
  clear_kernel_observers();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_THAT(names[0], HasSubstr("r_SUM"));
  EXPECT_THAT(names[1], HasSubstr("MUL"));
  EXPECT_THAT(err, HasSubstr("schedule: 2 kernel(s)"));
  EXPECT_THAT(err, HasSubstr("kernel r_SUM"));
  EXPECT_THAT(err, HasSubstr("(4, 5)"));
  EXPECT_THAT(err, HasSubstr(" us"));
  testing::internal::CaptureStderr();
  (a * b).realize();
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");  // level restored: quiet
}

TEST(Buffers, PooledBuffersNeverAliasLiveTensors) {
  // Realize many same-sized results while temporaries come and go; every kept result must
  // still hold its own values at the end.
  std::vector<Tensor> kept;
  std::vector<std::vector<float>> want;
  Tensor base = rnd({64}, 7);
  for (int i = 0; i < 40; ++i) {
    Tensor t = (base * static_cast<float>(i) + 1.f).realize();
    { Tensor tmp = (t.exp() - t).realize(); Tensor tmp2 = tmp.flip({0}); (void)tmp2.sum().item(); }
    kept.push_back(t);
    want.push_back(t.tolist());
    if (i % 3 == 0) kept.back() = kept.back().reshape({8, 8}).permute({1, 0}).contiguous().realize().permute({1, 0}).reshape({64});
  }
  for (size_t i = 0; i < kept.size(); ++i) expect_values(kept[i].tolist(), want[i], 0, 0, "kept " + std::to_string(i));
}

// ---- matmul against a naive triple loop, BLAS-sized and tiny (generic path)

std::vector<double> naive(const std::vector<float>& a, const std::vector<float>& b, int64_t B, int64_t M, int64_t K,
                          int64_t N, bool ta, bool tb) {
  std::vector<double> c(B * M * N, 0.0);
  for (int64_t p = 0; p < B; ++p)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n)
        for (int64_t k = 0; k < K; ++k)
          c[(p * M + m) * N + n] += static_cast<double>(a[p * M * K + (ta ? k * M + m : m * K + k)]) *
                                    b[p * K * N + (tb ? n * K + k : k * N + n)];
  return c;
}

void check_matmul(int64_t B, int64_t M, int64_t K, int64_t N, bool ta, bool tb, uint64_t seed) {
  SCOPED_TRACE(testing::Message() << "B=" << B << " M=" << M << " K=" << K << " N=" << N << " ta=" << ta << " tb=" << tb);
  Shape as = ta ? Shape{K, M} : Shape{M, K}, bs = tb ? Shape{N, K} : Shape{K, N};
  if (B > 1) as.insert(as.begin(), B), bs.insert(bs.begin(), B);
  Tensor a = rnd(as, seed), b = rnd(bs, seed + 1);
  Tensor ao = ta ? a.transpose(-1, -2) : a, bo = tb ? b.transpose(-1, -2) : b;
  Tensor c = ao.matmul(bo);
  int64_t ks = kernels_in([&] { c.realize(); });
  EXPECT_EQ(ks, 1);
  Shape want_shape = B > 1 ? Shape{B, M, N} : Shape{M, N};
  ASSERT_EQ(c.shape(), want_shape);
  std::vector<double> want = naive(a.tolist(), b.tolist(), B, M, K, N, ta, tb);
  std::vector<float> got = c.tolist();
  int bad = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (std::fabs(got[i] - want[i]) > 1e-5 * K && bad++ < 5)
      ADD_FAILURE() << "element " << i << ": " << got[i] << " vs " << want[i];
}

TEST(MatmulPaths, BlasSizedMatchesNaiveLoop) {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) check_matmul(1, 64, 96, 80, ta, tb, 10 + 2 * ta + tb);
  check_matmul(3, 32, 40, 24, false, false, 20);
  check_matmul(2, 33, 65, 17, true, false, 21);  // odd sizes
}

TEST(MatmulPaths, TinyShapesUseTheGenericPath) {
  check_matmul(1, 2, 3, 4, false, false, 30);
  check_matmul(1, 1, 5, 1, true, true, 31);
  check_matmul(2, 3, 2, 3, false, true, 32);
  check_matmul(1, 3, 100, 2, false, false, 33);  // long K, tiny M and N
}

TEST(MatmulPaths, VectorsAndBroadcastBatchesAtBlasSizes) {
  Tensor v = rnd({4096}, 50), m = rnd({4096, 8}, 51), mt = rnd({8, 4096}, 52);
  std::vector<double> w1 = naive(v.tolist(), m.tolist(), 1, 1, 4096, 8, false, false);
  expect_values(v.matmul(m).tolist(), std::vector<float>(w1.begin(), w1.end()), 1e-3, 1e-4, "vec @ mat");
  std::vector<double> w2 = naive(mt.tolist(), v.tolist(), 1, 8, 4096, 1, false, false);
  expect_values(mt.matmul(v).tolist(), std::vector<float>(w2.begin(), w2.end()), 1e-3, 1e-4, "mat @ vec");
  // (64, 96) @ (3, 96, 80): the left operand is shared by every batch (stride-0 batch dim)
  Tensor a = rnd({64, 96}, 53), b = rnd({3, 96, 80}, 54);
  std::vector<float> av = a.tolist(), a3;
  for (int i = 0; i < 3; ++i) a3.insert(a3.end(), av.begin(), av.end());
  std::vector<double> w3 = naive(a3, b.tolist(), 3, 64, 96, 80, false, false);
  expect_values(a.matmul(b).tolist(), std::vector<float>(w3.begin(), w3.end()), 1e-3, 1e-4, "shared lhs");
  // (3, 64, 96) @ (96, 80): the right operand is shared
  Tensor c = rnd({3, 64, 96}, 55), d = rnd({96, 80}, 56);
  std::vector<float> dv = d.tolist(), d3;
  for (int i = 0; i < 3; ++i) d3.insert(d3.end(), dv.begin(), dv.end());
  std::vector<double> w4 = naive(c.tolist(), d3, 3, 64, 96, 80, false, false);
  expect_values(c.matmul(d).tolist(), std::vector<float>(w4.begin(), w4.end()), 1e-3, 1e-4, "shared rhs");
}

TEST(MatmulPaths, Conv2dAtBlasSizesMatchesDirectLoop) {
  const int64_t N = 2, C = 8, H = 10, W = 9, O = 16, K = 3;
  Tensor x = rnd({N, C, H, W}, 60), w = rnd({O, C, K, K}, 61);
  std::vector<float> xv = x.tolist(), wv = w.tolist();
  for (int64_t stride : {1, 2})
    for (int64_t pad : {0, 1}) {
      SCOPED_TRACE(testing::Message() << "stride " << stride << " padding " << pad);
      Tensor y = x.conv2d(w, Tensor(), stride, pad);
      const int64_t OH = (H + 2 * pad - K) / stride + 1, OW = (W + 2 * pad - K) / stride + 1;
      ASSERT_EQ(y.shape(), (Shape{N, O, OH, OW}));
      std::vector<float> got = y.tolist();
      for (int64_t n = 0; n < N; ++n)
        for (int64_t o = 0; o < O; ++o)
          for (int64_t oy = 0; oy < OH; ++oy)
            for (int64_t ox = 0; ox < OW; ++ox) {
              double s = 0;
              for (int64_t c = 0; c < C; ++c)
                for (int64_t ky = 0; ky < K; ++ky)
                  for (int64_t kx = 0; kx < K; ++kx) {
                    int64_t iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                    if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                      s += double(xv[((n * C + c) * H + iy) * W + ix]) * wv[((o * C + c) * K + ky) * K + kx];
                  }
              ASSERT_NEAR(got[((n * O + o) * OH + oy) * OW + ox], s, 1e-4) << n << " " << o << " " << oy << " " << ox;
            }
    }
}

TEST(MatmulPaths, PackedOperandsAndFusedEpilogueInputs) {
  // Operands that are computed (not plain loads) are packed before BLAS.
  Tensor a = rnd({64, 96}, 40), b = rnd({80, 96}, 41);
  Tensor c = (a * 2.f).matmul((b + 1.f).T());
  std::vector<float> av = a.tolist(), bv = b.tolist();
  for (auto& x : av) x *= 2;
  for (auto& x : bv) x += 1;
  std::vector<double> want = naive(av, bv, 1, 64, 96, 80, false, true);
  std::vector<float> got = c.tolist();
  for (size_t i = 0; i < got.size(); i += 37) EXPECT_NEAR(got[i], want[i], 1e-3) << i;
  // Matmul where the output layout is permuted.
  Tensor d = a.matmul(b.T()).T().contiguous();
  std::vector<double> w2 = naive(a.tolist(), b.tolist(), 1, 64, 96, 80, false, true);
  std::vector<float> g2 = d.tolist();
  for (int64_t n = 0; n < 80; n += 7)
    for (int64_t m = 0; m < 64; m += 5) EXPECT_NEAR(g2[n * 64 + m], w2[m * 80 + n], 1e-3);
}

}  // namespace
}  // namespace tinypynq::test
