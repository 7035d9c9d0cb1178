// The cpu device's fast paths (cpu/cpu_window.cpp, the gemm batch packing and per-image
// input-gradient products, the fused optimizer updates) against the paths they replace (fast
// paths off): bit for bit, forward and backward, on odd sizes, strides, padding, batch 1, one
// channel, ties (+0 and -0 included), infinities and NaN.
#include <cstring>
#include <random>

#include "tensor/cpu/cpu_device.h"
#include "tensor/cpu/cpu_eval.h"
#include "tensor/nn.h"
#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

// Values from a small set, so that windows hold ties, with signed zeros and specials mixed in.
std::vector<float> tie_vec(int64_t n, uint32_t seed, bool specials) {
  std::mt19937 g(seed);
  const float pool[] = {-1.5f, -0.f, 0.f, 0.25f, 1.f, 2.f, 2.f, -3.f};
  std::vector<float> v(n);
  for (auto& x : v) {
    const uint32_t r = g();
    x = pool[r % 8] + ((r >> 8) % 4 == 0 ? static_cast<float>((r >> 12) % 1000) * 1e-3f : 0.f);
    if (specials && (r >> 20) % 97 == 0) x = (r >> 27) % 3 == 0 ? kNaN : ((r >> 27) % 3 == 1 ? kInf : -kInf);
  }
  return v;
}

// Bit patterns, every NaN as one: IEEE leaves a NaN result's sign and payload open, and the
// compiler may commute an add (inf + -inf gives -NaN on x86, whichever operand comes first).
std::vector<uint32_t> bits(const Tensor& t) {
  const auto f = t.to_vector<float>();
  std::vector<uint32_t> b(f.size());
  std::memcpy(b.data(), f.data(), 4 * f.size());
  for (size_t i = 0; i < f.size(); ++i)
    if (f[i] != f[i]) b[i] = 0x7fc00000u;
  return b;
}

struct PoolCase {
  int64_t n, c, h, w, k, stride, pad;
};

// Forward max/avg pool and the max pool's backward (relu and a bias in front, as in a CNN).
std::vector<std::vector<uint32_t>> run_case(const PoolCase& p, bool specials) {
  const auto xv = tie_vec(p.n * p.c * p.h * p.w, 7 + p.h * 31 + p.k, specials);
  const auto bv = tie_vec(p.c, 3, false);
  Tensor x = tf(xv, {p.n, p.c, p.h, p.w}).requires_grad_();
  Tensor b = tf(bv, {p.c}).requires_grad_();
  Tensor h = (x + b.reshape({1, p.c, 1, 1})).relu();
  Tensor y = h.max_pool2d(p.k, p.stride, p.pad);
  Tensor a = x.avg_pool2d(p.k, p.stride, p.pad);
  const auto gv = tie_vec(prod(y.shape()), 11, false);
  ((y * tf(gv, y.shape())).sum() + a.sum()).backward();
  return {bits(y), bits(a), bits(x.grad()), bits(b.grad())};
}

TEST(CpuFastVsGeneral, SameBitsAsGeneralPath) {
  const PoolCase cases[] = {
      {2, 3, 8, 8, 2, 2, 0},  {1, 1, 7, 9, 2, 2, 0},  {3, 2, 10, 9, 3, 3, 0}, {2, 4, 12, 12, 2, 2, 1},
      {1, 3, 9, 11, 3, 2, 1}, {2, 2, 28, 28, 2, 2, 0}, {1, 5, 6, 14, 2, 1, 0}, {4, 1, 5, 5, 5, 5, 0},
  };
  for (const PoolCase& p : cases)
    for (bool specials : {false, true}) {
      cpu::set_fast_paths(false);
      const int64_t h0 = cpu::fast_path_kernels();
      const auto want = run_case(p, specials);
      EXPECT_EQ(cpu::fast_path_kernels(), h0) << "fast paths ran while off";
      cpu::set_fast_paths(true);
      const auto got = run_case(p, specials);
      for (size_t i = 0; i < want.size(); ++i)
        EXPECT_EQ(got[i], want[i]) << "output " << i << " of n" << p.n << " c" << p.c << " " << p.h << "x" << p.w
                                   << " k" << p.k << " s" << p.stride << " p" << p.pad << (specials ? " specials" : "");
    }
  // Non-overlapping windows (k == stride) take the window reduce.
  const int64_t h0 = cpu::fast_path_kernels();
  run_case({2, 2, 28, 28, 2, 2, 0}, false);
  EXPECT_GE(cpu::fast_path_kernels() - h0, 2) << "the max and avg pool forward kernels";
}

// Small reduces over contiguous inner axes (the max-pool backward's tie count) fold the
// outputs of a row side by side: same bits, with ties, signed zeros and specials.
TEST(CpuFastVsGeneral, SmallInnerReducesSameBits) {
  const auto v = tie_vec(3 * 5 * 6 * 2 * 3, 31, true);
  auto run = [&] {
    Tensor x = tf(v, {3, 5, 6, 2, 3});
    return std::vector<std::vector<uint32_t>>{bits(x.sum({3, 4})), bits(x.max({3, 4})), bits(x.max({4})),
                                              bits(x.reshape({3, 5, 6, 6}).sum({3}))};
  };
  cpu::set_fast_paths(false);
  const auto want = run();
  cpu::set_fast_paths(true);
  const int64_t h0 = cpu::fast_path_kernels();
  const auto got = run();
  EXPECT_EQ(cpu::fast_path_kernels() - h0, 4);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << "reduce " << i;
}

// Convolutions forward and backward (the input gradient's col2im: a chain of padded adds)
// on odd sizes, paddings, dilations and non-square kernels.
TEST(CpuFastVsGeneral, Conv2dSameBitsAsGeneralPath) {
  struct C { int64_t n, cin, cout, h, w, kh, kw, pad, dil; };
  const C cases[] = {{2, 3, 4, 9, 7, 3, 3, 1, 1}, {1, 1, 2, 8, 8, 3, 3, 0, 1}, {2, 2, 3, 11, 10, 2, 3, 2, 1},
                     {1, 4, 2, 12, 9, 3, 3, 1, 2}, {2, 2, 2, 7, 13, 5, 5, 2, 1}};
  auto run = [](const C& c) {
    Tensor x = tf(tie_vec(c.n * c.cin * c.h * c.w, 21, false), {c.n, c.cin, c.h, c.w}).requires_grad_();
    Tensor w = tf(tie_vec(c.cout * c.cin * c.kh * c.kw, 22, false), {c.cout, c.cin, c.kh, c.kw}).requires_grad_();
    Tensor y = x.conv2d(w, Tensor(), 1, c.pad, c.dil);
    (y * tf(tie_vec(prod(y.shape()), 23, true), y.shape())).sum().backward();
    return std::vector<std::vector<uint32_t>>{bits(y), bits(x.grad()), bits(w.grad())};
  };
  for (const C& c : cases) {
    cpu::set_fast_paths(false);
    const auto want = run(c);
    cpu::set_fast_paths(true);
    const int64_t h0 = cpu::fast_path_kernels();
    const auto got = run(c);
    EXPECT_GT(cpu::fast_path_kernels(), h0) << "col2im took the general path";
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_EQ(got[i], want[i]) << "output " << i << " k" << c.kh << "x" << c.kw << " p" << c.pad << " d" << c.dil;
  }
}

// Padded adds of signed zeros: a masked-out element adds +0, which turns -0 into +0.
TEST(CpuFastVsGeneral, ShiftedSumSignedZeros) {
  const std::vector<float> a = {-0.f, -0.f, 1.f, -0.f, -0.f, -0.f, -2.f, -0.f, -0.f, -0.f, -0.f, -0.f};
  auto run = [&] {
    Tensor x = tf(a, {1, 3, 4}), y = tf(a, {1, 3, 4}), z = tf(a, {1, 3, 4});
    Tensor s = x.pad({{0, 0}, {0, 1}, {0, 1}}) + y.pad({{0, 0}, {1, 0}, {1, 0}}) + z.pad({{0, 0}, {0, 1}, {1, 0}});
    return bits(s);
  };
  cpu::set_fast_paths(false);
  const auto want = run();
  cpu::set_fast_paths(true);
  const int64_t h0 = cpu::fast_path_kernels();
  EXPECT_EQ(run(), want);
  EXPECT_EQ(cpu::fast_path_kernels(), h0 + 1);
  EXPECT_EQ(want[0], 0u) << "-0 + masked 0 is +0";
  EXPECT_EQ(want[1 * 5 + 1], 0x80000000u) << "-0 + -0 + -0 stays -0";
  // A padded copy alone (conv2d's materialised padding) takes the same path.
  auto pad = [&] { return bits(tf(a, {1, 3, 4}).pad({{0, 0}, {1, 2}, {2, 1}}).contiguous()); };
  cpu::set_fast_paths(false);
  const auto want_pad = pad();
  cpu::set_fast_paths(true);
  const int64_t h1 = cpu::fast_path_kernels();
  EXPECT_EQ(pad(), want_pad);
  EXPECT_EQ(cpu::fast_path_kernels(), h1 + 1);
  EXPECT_EQ(want_pad[1 * 7 + 2], 0x80000000u) << "the copy keeps -0";
}

// The fused optimizer updates (vectorized, split over threads) against the graph's kernels:
// Adam, AdamW and SGD with momentum, on a parameter large enough for both.
TEST(CpuFastVsGeneral, FusedOptimizersSameBitsAsGraph) {
  const auto pv = tie_vec(70001, 41, false), gv = tie_vec(70001, 42, false);
  auto run = [&](int which) {
    Tensor p = tf(pv, {70001}).requires_grad_();
    std::unique_ptr<nn::Optimizer> opt;
    if (which == 0) opt = std::make_unique<nn::Adam>(std::vector<Tensor>{p}, 0.01, 0.9, 0.999, 1e-8, 0.0);
    if (which == 1) opt = std::make_unique<nn::AdamW>(std::vector<Tensor>{p}, 0.01, 0.9, 0.999, 1e-8, 0.1);
    if (which == 2) opt = std::make_unique<nn::Adam>(std::vector<Tensor>{p}, 0.01, 0.9, 0.999, 1e-8, 0.1);
    for (int t = 0; t < 3; ++t) {
      opt->zero_grad();
      (p * tf(gv, {70001})).sum().backward();
      opt->step();
    }
    return bits(p);
  };
  const int was = cpu_threads();
  for (int which = 0; which < 3; ++which) {
    cpu::set_fast_paths(false);
    const auto want = run(which);
    cpu::set_fast_paths(true);
    for (int t : {1, 2}) {
      set_cpu_threads(t);
      EXPECT_EQ(run(which), want) << "optimizer " << which << ", " << t << " threads";
    }
    set_cpu_threads(was);
  }
}

// Same bits at 1 and 2 threads (every output is computed whole by one thread).
TEST(CpuFastVsGeneral, ThreadsSameBits) {
  const int was = cpu_threads();
  set_cpu_threads(1);
  const auto ref = run_case({8, 16, 28, 28, 2, 2, 0}, true);
  set_cpu_threads(2);
  const auto got = run_case({8, 16, 28, 28, 2, 2, 0}, true);
  set_cpu_threads(was);
  for (size_t i = 0; i < ref.size(); ++i) EXPECT_EQ(got[i], ref[i]) << "output " << i;
}

}  // namespace
}  // namespace tinypynq::test
