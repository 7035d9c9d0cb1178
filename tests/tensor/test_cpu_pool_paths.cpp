// The cpu device's pooling fast paths (cpu/cpu_window.cpp) against its general interpreter
// (fast paths off): bit for bit, forward and backward, on odd sizes, strides, padding,
// batch 1, one channel, ties (+0 and -0 included), infinities and NaN.
#include <cstring>
#include <random>

#include "tensor/cpu/cpu_device.h"
#include "tensor/cpu/cpu_eval.h"
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

std::vector<uint32_t> bits(const Tensor& t) {
  const auto f = t.to_vector<float>();
  std::vector<uint32_t> b(f.size());
  std::memcpy(b.data(), f.data(), 4 * f.size());
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

TEST(CpuPoolPaths, SameBitsAsGeneralPath) {
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

// Same bits at 1 and 2 threads (every output is computed whole by one thread).
TEST(CpuPoolPaths, ThreadsSameBits) {
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
