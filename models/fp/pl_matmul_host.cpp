// SPDX-License-Identifier: MIT
// tinypynq — the matmul unit's function on the host, fast (pl::matmul, declared in pl_float.h):
// the same bits as pl::dot for every output. Compile with -ffp-contract=off (CMakeLists.txt).
#include <algorithm>
#include <cstdlib>
#include <bit>
#include <cstring>
#include <thread>
#include <vector>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>  // the AVX-512 path's masked loads (target attribute, not -mavx512f)
#endif

#include "models/fp/pl_float.h"

namespace tinypynq::pl {

namespace {
constexpr uint32_t kSign = 0x80000000u;
constexpr uint32_t kAbs = 0x7FFFFFFFu;
}  // namespace

namespace {
// Branch-free forms of ftz/canon so that the matmul inner loop vectorises (same results).
inline uint32_t ftz_bf(uint32_t x) noexcept {
  return (x & 0x7F800000u) != 0 ? x : (x & kSign);
}
inline uint32_t canon_bf(uint32_t x) noexcept {
  x = ftz_bf(x);
  return (x & kAbs) > 0x7F800000u ? kQNaN : x;
}
}  // namespace

// Blocked for the host's caches and SIMD units: four rows of A share every loaded row tile of
// W, and the accumulators of a 4 x 256 output tile stay in L1. Every output still sees exactly
// the sequence acc = FADD(acc, FMUL(a_k, w_k)) for k = 0..K-1, so the bits equal dot().
//
// On x86 the flushes come from the hardware: with MXCSR.DAZ (and FTZ off) every subnormal
// *operand* reads as the zero of its sign, which is exactly the §4.1 input flush of w, of a
// subnormal product entering the add, and of a subnormal accumulator entering the next add;
// products and sums are rounded with gradual underflow as the spec requires. NaNs stay NaNs
// through mul/add, so canonicalising (and flushing) once at the end gives the same bits as
// canonicalising after every step. (FTZ is not used: x86 detects tininess before rounding.)
// target_clones: an AVX2 copy where the host has it (8 lanes instead of 4), chosen at load time.
// (Clones need ifunc, an ELF feature: macOS gets the generic copy.)
namespace {
#if defined(__SSE2__)
constexpr std::size_t kTile = 16;
typedef float v8f __attribute__((vector_size(32)));
// C[0..4)[0..16) of a 4-row block: acc = acc + a_k * w_k for k = 0..K-1, in registers.
// Called with MXCSR.DAZ set (see matmul_rows).
__attribute__((always_inline)) inline void tile4x16(
    const uint32_t* a, std::size_t k, const float* w, std::size_t n, uint32_t* c) noexcept {
  const v8f z = {-0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f};
  v8f c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  for (std::size_t kk = 0; kk < k; ++kk) {
    v8f w0, w1;
    std::memcpy(&w0, w + kk * n, 32);
    std::memcpy(&w1, w + kk * n + 8, 32);
    const float a0 = std::bit_cast<float>(ftz(a[kk])), a1 = std::bit_cast<float>(ftz(a[k + kk]));
    const float a2 = std::bit_cast<float>(ftz(a[2 * k + kk])), a3 = std::bit_cast<float>(ftz(a[3 * k + kk]));
    c00 = c00 + a0 * w0, c01 = c01 + a0 * w1;
    c10 = c10 + a1 * w0, c11 = c11 + a1 * w1;
    c20 = c20 + a2 * w0, c21 = c21 + a2 * w1;
    c30 = c30 + a3 * w0, c31 = c31 + a3 * w1;
  }
  const v8f* acc[4][2] = {{&c00, &c01}, {&c10, &c11}, {&c20, &c21}, {&c30, &c31}};
  for (std::size_t r = 0; r < 4; ++r)
    for (std::size_t h = 0; h < 2; ++h)
      for (std::size_t j = 0; j < 8; ++j) c[r * n + h * 8 + j] = canon_bf(std::bit_cast<uint32_t>((*acc[r][h])[j]));
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
// AVX-512 hosts: the same per-output sequence in sixteen-lane registers, twice the work per
// instruction of the AVX2 clone (the inner loop is bound by the FP ports: mul and add, no FMA).
#define TP_MATMUL_AVX512 1
typedef float v16f __attribute__((vector_size(64)));
// C[0..R)[0..32) of an R-row block; called with MXCSR.DAZ set, like tile4x16. A is read as is:
// DAZ makes a subnormal a_k the zero of its sign in the multiply, which is the §4.1 input flush
// (ftz) that tile4x16 spells out, one scalar op less per row and k. R = 8: 16 accumulators,
// so two W loads feed 32 multiply-adds.
template <std::size_t R>
__attribute__((target("avx512f"), always_inline)) inline void tile_r_x32(
    const uint32_t* a, std::size_t k, const float* w, std::size_t n, uint32_t* c) noexcept {
  const float* af = reinterpret_cast<const float*>(a);
  const v16f z = {-0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f, -0.f};
  v16f acc[R][2];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < R; ++r) acc[r][0] = acc[r][1] = z;
  for (std::size_t kk = 0; kk < k; ++kk) {
    v16f w0, w1;
    std::memcpy(&w0, w + kk * n, 64);
    std::memcpy(&w1, w + kk * n + 16, 64);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < R; ++r) {
      const float ar = af[r * k + kk];
      acc[r][0] = acc[r][0] + ar * w0, acc[r][1] = acc[r][1] + ar * w1;
    }
  }
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t h = 0; h < 2; ++h)
      for (std::size_t j = 0; j < 16; ++j) c[r * n + h * 16 + j] = canon_bf(std::bit_cast<uint32_t>(acc[r][h][j]));
}

// A 16-column strip of an R-row block (N mod 32 >= 16: the MLP's 80- and 48-column W tiles):
// one sixteen-lane accumulator per row, the same operations per output as tile_r_x32. (The
// AVX2 tile4x16 it replaces on AVX-512 hosts converts every a_k for the input flush and made
// such a strip cost about twice the work per output of the 32-column tiles.)
template <std::size_t R>
__attribute__((target("avx512f"), always_inline)) inline void tile_r_x16(
    const uint32_t* a, std::size_t k, const float* w, std::size_t n, uint32_t* c) noexcept {
  const float* af = reinterpret_cast<const float*>(a);
  __m512 acc[R];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < R; ++r) acc[r] = _mm512_set1_ps(-0.0f);
  for (std::size_t kk = 0; kk < k; ++kk) {
    const __m512 wk = _mm512_loadu_ps(w + kk * n);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < R; ++r) acc[r] = _mm512_add_ps(acc[r], _mm512_mul_ps(_mm512_set1_ps(af[r * k + kk]), wk));
  }
  for (std::size_t r = 0; r < R; ++r) {
    alignas(64) float t[16];
    _mm512_store_ps(t, acc[r]);
    for (std::size_t j = 0; j < 16; ++j) c[r * n + j] = canon_bf(std::bit_cast<uint32_t>(t[j]));
  }
}

// The last cols < 16 columns of an R-row block: masked loads (no access past W's row), the
// same operations per output.
template <std::size_t R>
__attribute__((target("avx512f"), always_inline)) inline void tile_r_tail(
    const uint32_t* a, std::size_t k, const float* w, std::size_t n, uint32_t* c, std::size_t cols) noexcept {
  const float* af = reinterpret_cast<const float*>(a);
  const __mmask16 mask = static_cast<__mmask16>((1u << cols) - 1u);
  __m512 acc[R];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < R; ++r) acc[r] = _mm512_set1_ps(-0.0f);
  for (std::size_t kk = 0; kk < k; ++kk) {
    const __m512 wk = _mm512_maskz_loadu_ps(mask, w + kk * n);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < R; ++r) acc[r] = _mm512_add_ps(acc[r], _mm512_mul_ps(_mm512_set1_ps(af[r * k + kk]), wk));
  }
  for (std::size_t r = 0; r < R; ++r) {
    alignas(64) float t[16];
    _mm512_store_ps(t, acc[r]);
    for (std::size_t j = 0; j < cols; ++j) c[r * n + j] = canon_bf(std::bit_cast<uint32_t>(t[j]));
  }
}
#endif

#if defined(__x86_64__) && defined(__ELF__)  // target_clones: x86 only (armhf has NEON), ELF ifunc only
__attribute__((target_clones("avx2", "default")))
#endif
void matmul_rows(const uint32_t* a, const uint32_t* w, uint32_t* c, std::size_t m, std::size_t k,
                 std::size_t n) noexcept {
  constexpr std::size_t kRows = 4, kCols = 256;
#if defined(__SSE2__)
  const unsigned csr = _mm_getcsr();
  _mm_setcsr((csr | 0x0040u) & ~0x8000u);  // DAZ on, FTZ off
  alignas(64) float acc[kRows][kCols];
  const float* wf = reinterpret_cast<const float*>(w);
#else
  alignas(64) uint32_t acc[kRows][kCols];
#endif
  for (std::size_t i0 = 0; i0 < m; i0 += kRows) {
    const std::size_t rows = m - i0 < kRows ? m - i0 : kRows;
    for (std::size_t j0 = 0; j0 < n; j0 += kCols) {
      const std::size_t cols = n - j0 < kCols ? n - j0 : kCols;
#if defined(__SSE2__)
      if (rows == kRows) {
        // Full 4-row blocks: 4 x 16 register tiles (acc stays in registers over all of k);
        // the per-output operation sequence is the one below, so the bits are the same.
        std::size_t j = 0;
        for (; j + kTile <= cols; j += kTile) tile4x16(a + i0 * k, k, wf + j0 + j, n, c + i0 * n + j0 + j);
        if (j == cols) continue;
      }
#endif
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < cols; ++j) acc[r][j] = std::bit_cast<decltype(acc[0][0] + 0)>(kNegZero);
      for (std::size_t kk = 0; kk < k; ++kk) {
        for (std::size_t r = 0; r < rows; ++r) {
          const float ar = std::bit_cast<float>(ftz(a[(i0 + r) * k + kk]));
#if defined(__SSE2__)
          const float* wk = wf + kk * n + j0;
          float* accr = acc[r];
          for (std::size_t j = 0; j < cols; ++j) accr[j] = accr[j] + ar * wk[j];
#else
          const uint32_t* wk = w + kk * n + j0;
          uint32_t* accr = acc[r];
          // acc = FADD(acc, FMUL(a, w)); acc is canonical, so only w needs the input flush
          for (std::size_t j = 0; j < cols; ++j) {
            const uint32_t p = canon_bf(std::bit_cast<uint32_t>(ar * std::bit_cast<float>(ftz_bf(wk[j]))));
            accr[j] = canon_bf(std::bit_cast<uint32_t>(std::bit_cast<float>(accr[j]) + std::bit_cast<float>(p)));
          }
#endif
        }
      }
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < cols; ++j) c[(i0 + r) * n + j0 + j] = canon_bf(std::bit_cast<uint32_t>(acc[r][j]));
    }
  }
#if defined(__SSE2__)
  _mm_setcsr(csr);
#endif
}

#if defined(TP_MATMUL_AVX512)
// Blocks of 8 (then 4) rows in R x 32, R x 16 and masked R x (N mod 16) register tiles, the
// remaining rows by matmul_rows.
__attribute__((target("avx512f"))) void matmul_rows_avx512(const uint32_t* a, const uint32_t* w, uint32_t* c,
                                                           std::size_t m, std::size_t k, std::size_t n) noexcept {
  const unsigned csr = _mm_getcsr();
  _mm_setcsr((csr | 0x0040u) & ~0x8000u);  // DAZ on, FTZ off (see matmul_rows)
  const float* wf = reinterpret_cast<const float*>(w);
  const std::size_t m4 = m / 4 * 4;
  for (std::size_t i0 = 0; i0 < m4;) {
    const bool eight = i0 + 8 <= m4;
    std::size_t j = 0;
    for (; j + 32 <= n; j += 32)
      eight ? tile_r_x32<8>(a + i0 * k, k, wf + j, n, c + i0 * n + j)
            : tile_r_x32<4>(a + i0 * k, k, wf + j, n, c + i0 * n + j);
    if (j + 16 <= n) {
      eight ? tile_r_x16<8>(a + i0 * k, k, wf + j, n, c + i0 * n + j)
            : tile_r_x16<4>(a + i0 * k, k, wf + j, n, c + i0 * n + j);
      j += 16;
    }
    if (j < n)
      eight ? tile_r_tail<8>(a + i0 * k, k, wf + j, n, c + i0 * n + j, n - j)
            : tile_r_tail<4>(a + i0 * k, k, wf + j, n, c + i0 * n + j, n - j);
    i0 += eight ? 8 : 4;
  }
  _mm_setcsr(csr);
  if (m4 < m) matmul_rows(a + m4 * k, w, c + m4 * n, m - m4, k, n);
}
#endif

using RowsFn = void (*)(const uint32_t*, const uint32_t*, uint32_t*, std::size_t, std::size_t, std::size_t) noexcept;
RowsFn rows_fn() noexcept {
#if defined(TP_MATMUL_AVX512)
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) return matmul_rows_avx512;
#endif
  return matmul_rows;
}
}  // namespace

// Large commands are split by rows over host threads (each output is computed by one thread in
// the same order, so the bits do not depend on the split). How many: TINYPYNQ_PL_THREADS, else
// OPENBLAS_NUM_THREADS, else 1 -- the cpu device's rule, so that tlm and cpu are compared at the
// same thread count; on a loaded host a helper thread spawned per command waits for a time
// slice (it made a loaded 2-core host's MLP step 1.5x slower in wall time).
namespace {
unsigned host_threads() noexcept {
  static const unsigned n = [] {
    const char* e = std::getenv("TINYPYNQ_PL_THREADS");
    if (!e || !*e) e = std::getenv("OPENBLAS_NUM_THREADS");
    const int v = e ? std::atoi(e) : 1;
    return static_cast<unsigned>(std::clamp(v, 1, 4));
  }();
  return n;
}
}  // namespace

void matmul(const uint32_t* a, const uint32_t* w, uint32_t* c, std::size_t m, std::size_t k,
            std::size_t n) noexcept {
  const RowsFn rows = rows_fn();
  const std::size_t threads = std::min<std::size_t>(host_threads(), (m + 3) / 4);
  if (threads < 2 || m * k * n < (std::size_t{1} << 20)) return rows(a, w, c, m, k, n);
  std::vector<std::thread> pool;
  const std::size_t per = ((m + threads - 1) / threads + 3) / 4 * 4;
  for (std::size_t i0 = per; i0 < m; i0 += per) {
    const std::size_t mi = std::min(per, m - i0);
    pool.emplace_back([=] { rows(a + i0 * k, w, c + i0 * n, mi, k, n); });
  }
  rows(a, w, c, std::min(per, m), k, n);
  for (auto& t : pool) t.join();
}

}  // namespace tinypynq::pl
