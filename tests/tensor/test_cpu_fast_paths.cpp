// The cpu device's fast paths against slow, obviously correct references: the strided and
// masked 4-byte gathers (whole planes of small inner dims, zero-filled mask edges) against
// ShapeTracker::index, and convolutions (im2col packing into sgemm, col2im through padded
// adds, pooling, bias sums) forward and backward against direct loops in double, on odd
// shapes: stride 2, padding, dilation, non-square images and kernels, batch 1, one channel.
#include <cmath>
#include <random>
#include <tuple>

#include "tensor/cpu/cpu_device.h"
#include "tensor/cpu/cpu_eval.h"
#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

// Words 0..n-1 so that a gathered word names the offset it came from.
std::vector<uint32_t> words(int64_t n) {
  std::vector<uint32_t> w(n);
  for (int64_t i = 0; i < n; ++i) w[i] = static_cast<uint32_t>(i + 1);
  return w;
}

void expect_gather(const ShapeTracker& st, const std::vector<uint32_t>& base, const char* what) {
  const int64_t n = st.numel();
  std::vector<uint32_t> got(n, 0xdeadbeef);
  const View* v = cpu::strided_bottom(st);
  if (v) {
    cpu::StridedWalk w(*v);
    // In uneven pieces, as the interpreter's blocks and threads split it.
    for (int64_t s = 0, len = 1; s < n; s += len, len = len * 3 + 1)
      w.gather32(base.data(), s, std::min(len, n - s), got.data() + s);
  } else {
    cpu::GeneralWalk w(st);
    if (!w.single()) return;
    for (int64_t s = 0, len = 1; s < n; s += len, len = len * 3 + 1)
      w.gather32(base.data(), s, std::min(len, n - s), got.data() + s);
  }
  for (int64_t i = 0; i < n; ++i) {
    auto [off, ok] = st.index(i);
    const uint32_t want = ok ? base[off] : 0u;
    ASSERT_EQ(got[i], want) << what << " at " << i << ": " << st.str();
  }
}

TEST(CpuFastPaths, StridedGatherWindows) {
  const auto base = words(4096);
  // Pool windows (2x2, 3x3, 4x4, dilated) over non-square images: small inner dims.
  for (int64_t k : {2, 3, 4})
    for (int64_t d : {1, 2}) {
      // (n, c, oy, ox, ky, kx) windows over a (3, 2, 9, 13) buffer: offset of (y + ky*d, x + kx).
      const int64_t oy = 9 - d * (k - 1), ox = 13 - (k - 1);
      View w;
      w.shape = {3, 2, oy, ox, k, k};
      w.strides = {2 * 9 * 13, 9 * 13, 13, 1, 13 * d, 1};
      w.offset = 0;
      // Compare the walk with a direct offset computation.
      cpu::StridedWalk walk(w);
      const int64_t n = prod(w.shape);
      std::vector<uint32_t> got(n);
      for (int64_t s = 0, len = 5; s < n; s += len, len += 7) walk.gather32(base.data(), s, std::min(len, n - s), got.data() + s);
      std::vector<int64_t> idx(6, 0);
      for (int64_t i = 0; i < n; ++i) {
        int64_t off = 0;
        for (size_t j = 0; j < 6; ++j) off += idx[j] * w.strides[j];
        ASSERT_EQ(got[i], base[off]) << "k " << k << " d " << d << " at " << i;
        for (size_t j = 6; j-- > 0;)
          if (++idx[j] < w.shape[j]) break;
          else idx[j] = 0;
      }
    }
  // Permuted, flipped and broadcast views of a contiguous buffer.
  ShapeTracker a = ShapeTracker::contiguous({4, 3, 5, 2});
  expect_gather(a.permute({0, 2, 1, 3}), base, "permute");
  expect_gather(a.permute({3, 1, 0, 2}), base, "permute inner 2");
  expect_gather(a.flip({false, true, false, true}), base, "flip");
  expect_gather(ShapeTracker::contiguous({4, 1, 3}).expand({4, 5, 3}), base, "expand");
  expect_gather(a.shrink({{1, 3}, {0, 3}, {1, 4}, {0, 2}}), base, "shrink");
}

TEST(CpuFastPaths, MaskedGather) {
  const auto base = words(4096);
  ShapeTracker a = ShapeTracker::contiguous({3, 4, 5});
  expect_gather(a.pad({{0, 0}, {1, 2}, {2, 1}}), base, "pad");
  expect_gather(a.pad({{1, 1}, {0, 0}, {3, 3}}), base, "pad outer");
  expect_gather(a.permute({0, 2, 1}).pad({{0, 1}, {1, 1}, {0, 2}}), base, "strided pad");
  expect_gather(a.shrink({{0, 3}, {1, 2}, {0, 5}}).reshape({3, 5}).pad({{0, 0}, {1, 0}}), base, "slice pad");
  expect_gather(a.flip({false, false, true}).pad({{0, 0}, {0, 0}, {2, 2}}), base, "flip pad");
  expect_gather(ShapeTracker::contiguous({2, 1, 3}).expand({2, 4, 3}).pad({{0, 0}, {1, 1}, {1, 1}}), base, "bcast pad");
}

struct ConvCase {
  int64_t n, cin, cout, h, w, kh, kw, stride, pad, dil;
};

std::vector<float> rnd_vec(int64_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(g);
  return v;
}

TEST(CpuFastPaths, Conv2dForwardBackwardAgainstLoops) {
  // Large enough that the products go to sgemm and the elementwise kernels to the fast walks.
  const ConvCase cases[] = {
      {3, 2, 5, 9, 13, 3, 3, 1, 1, 1},  // non-square image, padding
      {1, 1, 4, 12, 10, 3, 2, 2, 1, 1},  // batch 1, one channel, stride 2, non-square kernel
      {2, 3, 6, 11, 11, 2, 3, 1, 2, 2},  // dilation 2, padding 2
      {4, 5, 3, 8, 7, 1, 1, 1, 0, 1},    // 1x1 kernel
      {2, 4, 8, 14, 14, 3, 3, 2, 0, 1},  // stride 2, no padding
      {5, 1, 16, 10, 10, 3, 3, 1, 1, 1},  // the CNN's first layer, smaller
  };
  for (const ConvCase& c : cases) {
    SCOPED_TRACE(::testing::Message() << "n " << c.n << " cin " << c.cin << " cout " << c.cout << " " << c.h << "x"
                                      << c.w << " k " << c.kh << "x" << c.kw << " s " << c.stride << " p " << c.pad
                                      << " d " << c.dil);
    const auto xv = rnd_vec(c.n * c.cin * c.h * c.w, 1), wv = rnd_vec(c.cout * c.cin * c.kh * c.kw, 2),
               bv = rnd_vec(c.cout, 3);
    Tensor x = tf(xv, {c.n, c.cin, c.h, c.w}).requires_grad_(), w = tf(wv, {c.cout, c.cin, c.kh, c.kw}).requires_grad_(),
           b = tf(bv, {c.cout}).requires_grad_();
    Tensor y = x.conv2d(w, b, c.stride, c.pad, c.dil);
    const int64_t oh = (c.h + 2 * c.pad - c.dil * (c.kh - 1) - 1) / c.stride + 1;
    const int64_t ow = (c.w + 2 * c.pad - c.dil * (c.kw - 1) - 1) / c.stride + 1;
    ASSERT_EQ(y.shape(), (Shape{c.n, c.cout, oh, ow}));
    const auto gv = rnd_vec(c.n * c.cout * oh * ow, 4);
    (y * tf(gv, y.shape())).sum().backward();
    std::vector<double> ry(gv.size()), gx(xv.size()), gw(wv.size()), gb(bv.size());
    auto X = [&](int64_t i, int64_t ci, int64_t yy, int64_t xx) { return ((i * c.cin + ci) * c.h + yy) * c.w + xx; };
    auto W = [&](int64_t co, int64_t ci, int64_t a, int64_t e) { return ((co * c.cin + ci) * c.kh + a) * c.kw + e; };
    for (int64_t i = 0; i < c.n; ++i)
      for (int64_t co = 0; co < c.cout; ++co)
        for (int64_t oy = 0; oy < oh; ++oy)
          for (int64_t ox = 0; ox < ow; ++ox) {
            const int64_t o = ((i * c.cout + co) * oh + oy) * ow + ox;
            double s = bv[co];
            gb[co] += gv[o];
            for (int64_t ci = 0; ci < c.cin; ++ci)
              for (int64_t a = 0; a < c.kh; ++a)
                for (int64_t e = 0; e < c.kw; ++e) {
                  const int64_t yy = oy * c.stride + a * c.dil - c.pad, xx = ox * c.stride + e * c.dil - c.pad;
                  if (yy < 0 || yy >= c.h || xx < 0 || xx >= c.w) continue;
                  s += double(xv[X(i, ci, yy, xx)]) * wv[W(co, ci, a, e)];
                  gx[X(i, ci, yy, xx)] += double(gv[o]) * wv[W(co, ci, a, e)];
                  gw[W(co, ci, a, e)] += double(gv[o]) * xv[X(i, ci, yy, xx)];
                }
            ry[o] = s;
          }
    auto check = [](const Tensor& t, const std::vector<double>& want, const char* what) {
      const auto got = t.to_vector<float>();
      ASSERT_EQ(got.size(), want.size()) << what;
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got[i], want[i], 1e-4 * (1 + std::fabs(want[i]))) << what << " at " << i;
    };
    check(y, ry, "forward");
    check(x.grad(), gx, "input gradient");
    check(w.grad(), gw, "weight gradient");
    check(b.grad(), gb, "bias gradient");
  }
}

TEST(CpuFastPaths, MaxPoolForwardBackwardAgainstLoops) {
  for (int64_t k : {2, 3}) {
    const int64_t n = 3, c = 4, h = 10, w = 9, oh = h / k, ow = w / k;
    const auto xv = rnd_vec(n * c * h * w, 5);
    Tensor x = tf(xv, {n, c, h, w}).requires_grad_();
    Tensor y = x.relu().max_pool2d(k);
    const auto gv = rnd_vec(n * c * oh * ow, 6);
    (y * tf(gv, y.shape())).sum().backward();
    const auto got = y.to_vector<float>(), gx = x.grad().to_vector<float>();
    std::vector<float> want_gx(xv.size(), 0.f);
    for (int64_t p = 0; p < n * c; ++p)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          float m = 0.f;  // relu first: the max is at least 0
          int ties = 0;
          for (int64_t a = 0; a < k; ++a)
            for (int64_t e = 0; e < k; ++e) m = std::max(m, xv[(p * h + oy * k + a) * w + ox * k + e]);
          for (int64_t a = 0; a < k; ++a)
            for (int64_t e = 0; e < k; ++e) ties += std::max(0.f, xv[(p * h + oy * k + a) * w + ox * k + e]) == m;
          const int64_t o = (p * oh + oy) * ow + ox;
          ASSERT_EQ(got[o], m) << "k " << k << " at " << o;
          for (int64_t a = 0; a < k; ++a)
            for (int64_t e = 0; e < k; ++e) {
              const int64_t i = (p * h + oy * k + a) * w + ox * k + e;
              if (xv[i] > 0 && xv[i] == m) want_gx[i] = gv[o] / ties;
            }
        }
    for (size_t i = 0; i < gx.size(); ++i) ASSERT_NEAR(gx[i], want_gx[i], 1e-6) << "k " << k << " at " << i;
  }
}

}  // namespace
}  // namespace tinypynq::test

namespace tinypynq::test {
namespace {

// Large single products (split by rows over the worker pool, OpenBLAS held at one thread),
// small batched products (split by batch) and elementwise kernels: the same bits at 1, 2 and
// 3 threads, and near a double reference. Run twice per count so that the pool is reused.
TEST(CpuFastPaths, ThreadedProductsSameBitsAsOneThread) {
  const int64_t M = 96, K = 1024, N = 160, Bt = 64, m = 8, k = 9, n = 12;
  const auto av = rnd_vec(M * K, 11), bv = rnd_vec(K * N, 12), xv = rnd_vec(Bt * m * k, 13), yv = rnd_vec(Bt * k * n, 14);
  auto run = [&] {
    Tensor a = tf(av, {M, K}), b = tf(bv, {K, N}), x = tf(xv, {Bt, m, k}), y = tf(yv, {Bt, k, n});
    return std::make_tuple(a.matmul(b).to_vector<float>(), a.transpose(0, 1).transpose(0, 1).matmul(b).relu().to_vector<float>(),
                           x.matmul(y).to_vector<float>());
  };
  const int was = cpu_threads();
  set_cpu_threads(1);
  const auto ref = run();
  for (int t : {2, 3, 2}) {
    set_cpu_threads(t);
    for (int rep = 0; rep < 2; ++rep) {
      const auto got = run();
      EXPECT_EQ(std::get<0>(got), std::get<0>(ref)) << t << " threads";
      EXPECT_EQ(std::get<1>(got), std::get<1>(ref)) << t << " threads";
      EXPECT_EQ(std::get<2>(got), std::get<2>(ref)) << t << " threads";
    }
  }
  set_cpu_threads(was);
  const auto& c = std::get<0>(ref);
  for (int64_t i = 0; i < M; i += 7)
    for (int64_t j = 0; j < N; j += 5) {
      double s = 0;
      for (int64_t q = 0; q < K; ++q) s += double(av[i * K + q]) * bv[q * N + j];
      ASSERT_NEAR(c[i * N + j], s, 1e-4 * (1 + std::fabs(s))) << i << "," << j;
      ASSERT_EQ(std::get<1>(ref)[i * N + j], std::max(0.f, c[i * N + j]));
    }
  const auto& z = std::get<2>(ref);
  for (int64_t b0 = 0; b0 < Bt; b0 += 9)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t q = 0; q < k; ++q) s += double(xv[(b0 * m + i) * k + q]) * yv[(b0 * k + q) * n + j];
        ASSERT_NEAR(z[(b0 * m + i) * n + j], s, 1e-5 * (1 + std::fabs(s)));
      }
}

}  // namespace
}  // namespace tinypynq::test
