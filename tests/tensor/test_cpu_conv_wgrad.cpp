// Convolution weight gradients accumulated image by image (cpu_gemm.cpp, try_image_split)
// against the interpreter (BLAS and fast paths off: every output a double sum rounded once),
// on odd sizes, strides, padding, dilation and a fused relu mask, at 1 and 2 threads; and the
// same bits at 1, 2 and 3 threads. The order of a float sum changes with the split, so the
// comparison is to a bound, not bits:
//   |got - want| <= (K + 2) * u * S,  u = 2^-24, S = sum_k |a_k * b_k|,
// where K is the number of terms (images x output pixels). A float sum of K terms taken in any
// order or blocking (sgemm tiles, images, groups) errs by at most (K - 1) u S to first order,
// each float product (or FMA) adds u |a_k b_k|, and the reference rounds once (u |want| <= u S).
// S is the interpreter's weight gradient of |x| with |dy| (no mask: an upper bound of the
// masked sum). Dropping or repeating an image would move a weight by about S / images.
#include <cmath>
#include <cstring>
#include <random>

#include "tensor/cpu/cpu_device.h"
#include "tensor/cpu/cpu_eval.h"
#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

std::vector<float> rand_vec(int64_t n, uint32_t seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

struct Case {
  int64_t n, cin, cout, h, w, kh, kw, stride, pad, dil;
  bool relu;
};

int64_t out_size(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
  return (in + 2 * p - d * (k - 1) - 1) / s + 1;
}

// The weight gradient of sum(dy * f(conv(x, w))), f = relu or identity; with `absolute`, of
// |x| and |dy| without relu (the bound's S).
std::vector<float> wgrad(const Case& c, bool absolute) {
  const int64_t oh = out_size(c.h, c.kh, c.stride, c.pad, c.dil), ow = out_size(c.w, c.kw, c.stride, c.pad, c.dil);
  auto xv = rand_vec(c.n * c.cin * c.h * c.w, 101 + c.h);
  auto gv = rand_vec(c.n * c.cout * oh * ow, 202 + c.w);
  if (absolute)
    for (auto* v : {&xv, &gv})
      for (float& f : *v) f = std::fabs(f);
  Tensor x = tf(xv, {c.n, c.cin, c.h, c.w});
  Tensor w = tf(rand_vec(c.cout * c.cin * c.kh * c.kw, 303), {c.cout, c.cin, c.kh, c.kw}).requires_grad_();
  Tensor y = x.conv2d(w, Tensor(), c.stride, c.pad, c.dil);
  if (c.relu && !absolute) y = y.relu();
  (y * tf(gv, y.shape())).sum().backward();
  return w.grad().to_vector<float>();
}

const Case kCases[] = {
    {8, 3, 5, 23, 19, 3, 3, 1, 1, 1, false},  {16, 4, 3, 31, 29, 3, 2, 2, 1, 1, false},
    {5, 2, 4, 30, 27, 3, 3, 1, 2, 2, true},   {9, 7, 2, 15, 13, 5, 5, 1, 2, 1, true},
    {8, 3, 6, 41, 37, 3, 3, 2, 0, 1, false},  {11, 5, 7, 18, 21, 2, 3, 1, 0, 2, true},
};

TEST(CpuConvWeightGrad, ImageSplitWithinFloatRoundingOfInterpreter) {
  const int was = cpu_threads();
  for (const Case& c : kCases) {
    const int64_t K = c.n * out_size(c.h, c.kh, c.stride, c.pad, c.dil) * out_size(c.w, c.kw, c.stride, c.pad, c.dil);
    cpu::set_blas(false);
    cpu::set_fast_paths(false);
    const auto want = wgrad(c, false), sabs = wgrad(c, true);
    cpu::set_blas(true);
    cpu::set_fast_paths(true);
    for (int t : {1, 2}) {
      set_cpu_threads(t);
      const int64_t h0 = cpu::image_split_products();
      const auto got = wgrad(c, false);
      EXPECT_EQ(cpu::image_split_products() - h0, 1) << "the weight gradient did not take the image split: n" << c.n
                                                     << " " << c.h << "x" << c.w << " k" << c.kh << "x" << c.kw;
      ASSERT_EQ(got.size(), want.size());
      const double u = std::ldexp(1.0, -24);
      int bad = 0;
      for (size_t i = 0; i < got.size(); ++i) {
        const double tol = (K + 2) * u * sabs[i];
        if (std::fabs(double(got[i]) - want[i]) > tol && bad++ < 3)
          ADD_FAILURE() << "w.grad[" << i << "] = " << got[i] << ", interpreter " << want[i] << ", bound " << tol
                        << " (n" << c.n << " cin" << c.cin << " " << c.h << "x" << c.w << " k" << c.kh << "x" << c.kw
                        << " s" << c.stride << " p" << c.pad << " d" << c.dil << ", " << t << " threads)";
      }
    }
  }
  set_cpu_threads(was);
}

TEST(CpuConvWeightGrad, ImageSplitSameBitsAt123Threads) {
  const int was = cpu_threads();
  for (const Case& c : kCases) {
    set_cpu_threads(1);
    const auto ref = wgrad(c, false);
    for (int t : {2, 3}) {
      set_cpu_threads(t);
      const auto got = wgrad(c, false);
      EXPECT_EQ(std::memcmp(got.data(), ref.data(), 4 * ref.size()), 0)
          << t << " threads vs 1, n" << c.n << " " << c.h << "x" << c.w << " k" << c.kh << "x" << c.kw;
    }
  }
  set_cpu_threads(was);
}

}  // namespace
}  // namespace tinypynq::test
