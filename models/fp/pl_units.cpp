// SPDX-License-Identifier: MIT
#include "models/fp/pl_units.h"

#include <bit>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "models/fp/pl_float.h"

namespace tinypynq::pl {

namespace {
// The vector opcodes of the contract (hw-spec §6.1 table 6-2: arity, II, P_op), as a table of
// VecOpInfo built at compile time.
constexpr auto kOps = [] {
  std::array<VecOpInfo, hw::kNumVecOpcodes> t{};
  size_t n = 0;
  for (const hw::OpcodeInfo& o : hw::kOpcodes)
    if (o.unit == hw::Unit::kVector) t[n++] = {static_cast<VecOp>(o.value), o.name, o.arity, o.ii, o.latency};
  return t;
}();
}  // namespace

const VecOpInfo* vec_op_info(uint32_t opcode) noexcept {
  for (const auto& i : kOps)
    if (static_cast<uint32_t>(i.op) == opcode) return &i;
  return nullptr;
}

uint32_t vec_apply(VecOp op, uint32_t a, uint32_t b, uint32_t c, bool* range) noexcept {
  switch (op) {
    case VecOp::ADD: return add(a, b);
    case VecOp::SUB: return sub(a, b);
    case VecOp::MUL: return mul(a, b);
    case VecOp::DIV: return div(a, b);
    case VecOp::MAX: return max(a, b);
    case VecOp::MOD: return mod(a, b, range);
    case VecOp::CMPLT: return cmplt(a, b);
    case VecOp::CMPEQ: return cmpeq(a, b);
    case VecOp::CMPNE: return cmpne(a, b);
    case VecOp::WHERE: return where(a, b, c);  // A = condition, B = true value, C = false value
    case VecOp::MULACC: return mulacc(a, b, c);
    case VecOp::NEG: return neg(a);
    case VecOp::RECIP: return recip(a);
    case VecOp::SQRT: return sqrt(a);
    case VecOp::EXP2: return exp2(a);
    case VecOp::LOG2: return log2(a);
    case VecOp::SIN: return sin(a, range);
    case VecOp::COPY: return canon(a);
    case VecOp::CAST_F2I: return cast_f2i(a);
    case VecOp::CAST_I2F: return cast_i2f(a);
    case VecOp::CAST_F2B: return cast_f2b(a);
    case VecOp::CAST_I2B: return cast_i2b(a);
    case VecOp::IADD: return iadd(a, b);
    case VecOp::ISUB: return isub(a, b);
    case VecOp::IMUL: return imul(a, b);
    case VecOp::IMAX: return imax(a, b);
    case VecOp::ICMPLT: return icmplt(a, b);
    case VecOp::ICMPEQ: return icmpeq(a, b);
    case VecOp::ICMPNE: return icmpne(a, b);
    case VecOp::IWHERE: return iwhere(a, b, c);
    case VecOp::IAND: return iand(a, b);
    case VecOp::IOR: return ior(a, b);
    case VecOp::IXOR: return ixor(a, b);
    case VecOp::ISHL: return ishl(a, b);
    case VecOp::ISHR: return ishr(a, b);
    case VecOp::INEG: return ineg(a);
  }
  return 0u;
}

namespace {
// An AVX2 clone chosen at load time needs ifunc (ELF) and, for a template, GCC (clang 14
// cannot clone templates): elsewhere one generic copy, the same bits.
#if defined(__x86_64__) && defined(__ELF__) && defined(__GNUC__) && !defined(__clang__)
#define TP_BULK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TP_BULK_CLONES
#endif
#if defined(__SSE2__)
// The correctly rounded binary ops in bulk: with MXCSR.DAZ (FTZ off) subnormal operands read
// as zeros of their sign (the §4.1 input flush) and the host rounds with gradual underflow;
// the output flush and NaN canonicalisation follow per element. Same bits as vec_apply (the
// tests compare them); 10-20x faster because the loop vectorises.
// The §4.1 output rule (flush after rounding, canonical NaN) is pl::canon of the host result.
inline uint32_t canon_out(float f) { return canon(std::bit_cast<uint32_t>(f)); }
template <class F>
TP_BULK_CLONES
void bulk2(const uint32_t* a, const uint32_t* b, uint32_t sa, uint32_t sb, uint32_t* out, uint64_t n, F f) {
  const unsigned csr = _mm_getcsr();
  _mm_setcsr((csr | 0x0040u) & ~0x8000u);
  const float fa = std::bit_cast<float>(sa), fb = std::bit_cast<float>(sb);
  const float* pa = reinterpret_cast<const float*>(a);
  const float* pb = reinterpret_cast<const float*>(b);
  // One loop per operand kind, so each vectorises.
  if (a && b)
    for (uint64_t i = 0; i < n; ++i) out[i] = canon_out(f(pa[i], pb[i]));
  else if (a)
    for (uint64_t i = 0; i < n; ++i) out[i] = canon_out(f(pa[i], fb));
  else if (b)
    for (uint64_t i = 0; i < n; ++i) out[i] = canon_out(f(fa, pb[i]));
  else
    for (uint64_t i = 0; i < n; ++i) out[i] = canon_out(f(fa, fb));
  _mm_setcsr(csr);
}
#endif

// The bit-manipulating ops in bulk, on integers (no MXCSR): branch-free forms of the scalar
// functions, so the loops vectorise; the tests compare them with vec_apply.
constexpr uint32_t kSignBit = 0x80000000u, kAbsBits = 0x7FFFFFFFu;
inline uint32_t ftz_bf(uint32_t x) { return (x & 0x7F800000u) != 0 ? x : (x & kSignBit); }
inline bool nan_bf(uint32_t x) { return (x & kAbsBits) > 0x7F800000u; }
inline uint32_t canon_bf(uint32_t x) { return nan_bf(x) ? kQNaN : ftz_bf(x); }
inline float in_bf(uint32_t x) { return std::bit_cast<float>(ftz_bf(x)); }
inline uint32_t key_bf(uint32_t x) { return (x & kSignBit) ? ~x : (x | kSignBit); }  // -0 < +0
inline uint32_t max_bf(uint32_t x, uint32_t y) {
  const uint32_t fx = ftz_bf(x), fy = ftz_bf(y), m = key_bf(fx) >= key_bf(fy) ? fx : fy;
  return nan_bf(x) || nan_bf(y) ? kQNaN : m;
}
template <class F>
TP_BULK_CLONES
void bulk_u(const uint32_t* a, const uint32_t* b, uint32_t sa, uint32_t sb, uint32_t* out, uint64_t n, F f) {
  if (a && b)
    for (uint64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  else if (a)
    for (uint64_t i = 0; i < n; ++i) out[i] = f(a[i], sb);
  else if (b)
    for (uint64_t i = 0; i < n; ++i) out[i] = f(sa, b[i]);
  else
    std::fill(out, out + n, f(sa, sb));
}

#if defined(__SSE2__) && defined(__GNUC__)
// EXP2 and LOG2 (hw-spec §5.1-§5.2) in bulk: pl::exp2/pl::log2 step for step on 8 lanes at a
// time (GCC vector types: AVX2 registers in the AVX2 and AVX-512 clones; 16-lane vectors were
// split into scalar code by GCC 12, whose AVX-512F compares give k-masks), with the branches of the
// scalar functions turned into selects. Under MXCSR.DAZ (as bulk2) each host operation
// flushes its inputs; cv() applies the output rule (canon) to every intermediate result, as
// add_/mul_/sub_ do. Special inputs compute on a harmless stand-in and are selected at the end.
// The tests compare every lane with the scalar functions (an exhaustive sweep over all 2^32
// inputs was run once; docs/emulation-speed.md).
// Every helper below is inlined into the cloned loops: no call passes a 32-byte vector, so the
// default clone's ABI note (-Wpsabi) does not apply. (Not popped: GCC emits the clones, and
// the note, at the end of the file.)
#pragma GCC diagnostic ignored "-Wpsabi"
using vu = uint32_t __attribute__((vector_size(32)));
using vi = int32_t __attribute__((vector_size(32)));
using vf = float __attribute__((vector_size(32)));
constexpr unsigned kLanes = 8;
[[gnu::always_inline]] inline vu U(vf f) { return reinterpret_cast<vu>(f); }
[[gnu::always_inline]] inline vf Fv(vu u) { return reinterpret_cast<vf>(u); }
// Per lane m ? a : b for masks of all ones or zeros (what vector compares give), in bits.
[[gnu::always_inline]] inline vu sel(vi m, vu a, vu b) {
  const vu mu = reinterpret_cast<vu>(m);
  return (a & mu) | (b & ~mu);
}
[[gnu::always_inline]] inline vu canon_v(vu b) {
  const vi nan = reinterpret_cast<vi>((b & kAbsBits) > 0x7F800000u);
  const vi sub = reinterpret_cast<vi>((b & 0x7F800000u) == 0u);
  return sel(nan, vu{} + kQNaN, sel(sub, b & kSignBit, b));
}
[[gnu::always_inline]] inline vf cv(vf f) { return Fv(canon_v(U(f))); }
[[gnu::always_inline]] inline vf splat(uint32_t bits) { return Fv(vu{} + bits); }
[[gnu::always_inline]] inline vu ftz_v(vu x) {
  return sel(reinterpret_cast<vi>((x & 0x7F800000u) != 0u), x, x & kSignBit);
}
constexpr uint32_t kE[6] = {0x3F317218u, 0x3E75FDF0u, 0x3D6357B6u, 0x3C1D952Au, 0x3AAF8448u, 0x392209C5u};
constexpr uint32_t kL[4] = {0x3EE2A8EDu, 0xBF38AA3Bu, 0x3EF63A9Eu, 0xBEB8AC28u};
[[gnu::always_inline]] inline vu exp2_v(vu x0) {
  const vu x = ftz_v(x0);
  const vi nan = reinterpret_cast<vi>((x & kAbsBits) > 0x7F800000u);
  // xf >= 128 and xf < -126 on the bits (NaN lanes are taken by `nan` first).
  const vi pos = reinterpret_cast<vi>((x & kSignBit) == 0u);
  const vi big = pos & reinterpret_cast<vi>(x >= 0x43000000u);                     // 128.0f
  const vi small = ~pos & reinterpret_cast<vi>((x & kAbsBits) > 0x42FC0000u);      // 126.0f
  const vf xc = Fv(sel(nan | big | small, vu{}, x));
  // roundeven for |x| < 2^22: 1.5 * 2^23 added and taken away rounds to nearest even; the
  // result takes x's sign (pl::roundeven returns the zero of a's sign).
  const vf mag = (Fv(U(xc) & kAbsBits) + 12582912.0f) - 12582912.0f;
  const vf nf = Fv(U(mag) | (U(xc) & kSignBit));
  const vi n = __builtin_convertvector(nf, vi);
  const vf f = cv(xc - nf);
  vf q = splat(kE[5]);
  for (int i = 4; i >= 0; --i) q = cv(cv(q * f) + splat(kE[i]));
  const vf p = cv(cv(q * f) + 1.0f);
  const vu r = reinterpret_cast<vu>(reinterpret_cast<vi>(U(p)) + n * (1 << 23));
  return sel(nan, vu{} + kQNaN, sel(big, vu{} + kPosInf, sel(small, vu{}, r)));
}
[[gnu::always_inline]] inline vu log2_v(vu x0, const Log2Entry* tab) {
  const vu x = ftz_v(x0);
  const vi nan = reinterpret_cast<vi>((x & kAbsBits) > 0x7F800000u);
  const vi zero = reinterpret_cast<vi>((x & kAbsBits) == 0u);
  const vi negv = reinterpret_cast<vi>((x & kSignBit) != 0u);
  const vi inf = reinterpret_cast<vi>(x == kPosInf);
  const vu xs = sel(nan | zero | negv | inf, vu{} + kOne, x);
  const vu frac = xs & 0x7FFFFFu, j = frac >> 16;
  const vi hi_half = reinterpret_cast<vi>(j >= 64u);
  const vi e = reinterpret_cast<vi>(xs >> 23) - 127 - hi_half;  // hi_half lanes are -1: e + 1
  const vu m = sel(hi_half, vu{} + 0x3F000000u, vu{} + 0x3F800000u) | frac;
  vu c, t_hi, t_lo;
  for (unsigned l = 0; l < kLanes; ++l) c[l] = tab[j[l]].c, t_hi[l] = tab[j[l]].t_hi, t_lo[l] = tab[j[l]].t_lo;
  const vf m_hi = Fv(m & 0xFFFFF000u);
  const vf m_lo = cv(Fv(m) - m_hi);
  const vf a = cv(m_hi * Fv(c));
  const vf b = cv(a - 1.0f);
  const vf d = cv(m_lo * Fv(c));
  const vf r = cv(b + d);
  vf g = splat(kL[3]);
  for (int i = 2; i >= 0; --i) g = cv(cv(g * r) + splat(kL[i]));
  const vf y = cv(r + cv(r * g));
  const vf lo = cv(Fv(t_lo) + y);
  const vf hi = cv(__builtin_convertvector(e, vf) + Fv(t_hi));
  const vu res = U(cv(hi + lo));
  return sel(nan, vu{} + kQNaN, sel(zero, vu{} + kNegInf, sel(negv, vu{} + kQNaN, sel(inf, vu{} + kPosInf, res))));
}
// EXP2 (kExp) or LOG2 over n words. No lambdas: a lambda is not cloned with its caller, and
// a 32-byte vector passed to the default-target copy would change the ABI.
template <bool kExp>
[[gnu::always_inline]] inline vu exp2_or_log2(vu x, const Log2Entry* tab) {
  if constexpr (kExp) return exp2_v(x);
  else return log2_v(x, tab);
}
template <bool kExp>
[[gnu::always_inline]] inline void lanes(const uint32_t* a, uint32_t* out, uint64_t n) {
  const unsigned csr = _mm_getcsr();
  _mm_setcsr((csr | 0x0040u) & ~0x8000u);
  const Log2Entry* tab = log2_table();
  uint64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    vu x;
    std::memcpy(&x, a + i, sizeof x);
    const vu y = exp2_or_log2<kExp>(x, tab);
    std::memcpy(out + i, &y, sizeof y);
  }
  if (i < n) {  // the tail through a padded block (the pad lanes compute on 1.0f, unused)
    vu x = vu{} + kOne;
    std::memcpy(&x, a + i, 4 * (n - i));
    const vu y = exp2_or_log2<kExp>(x, tab);
    std::memcpy(out + i, &y, 4 * (n - i));
  }
  _mm_setcsr(csr);
}
TP_BULK_CLONES
void bulk_exp2(const uint32_t* a, uint32_t* out, uint64_t n) { lanes<true>(a, out, n); }
TP_BULK_CLONES
void bulk_log2(const uint32_t* a, uint32_t* out, uint64_t n) { lanes<false>(a, out, n); }
#define TP_BULK_EXP2_LOG2 1
#endif
}  // namespace

void vec_apply_n(VecOp op, const uint32_t* a, const uint32_t* b, const uint32_t* c, uint32_t sa,
                 uint32_t sb, uint32_t sc, uint32_t* out, uint64_t n, bool* range) noexcept {
#if defined(__SSE2__)
  switch (op) {
    case VecOp::ADD: return bulk2(a, b, sa, sb, out, n, [](float x, float y) { return x + y; });
    case VecOp::SUB: return bulk2(a, b, sa, sb, out, n, [](float x, float y) { return x - y; });
    case VecOp::MUL: return bulk2(a, b, sa, sb, out, n, [](float x, float y) { return x * y; });
    case VecOp::DIV: return bulk2(a, b, sa, sb, out, n, [](float x, float y) { return x / y; });
    case VecOp::RECIP: return bulk2(a, nullptr, sa, 0, out, n, [](float x, float) { return 1.0f / x; });
    // Correctly rounded on the host as in pl::sqrt (this file has no errno: sqrtps).
    case VecOp::SQRT: return bulk2(a, nullptr, sa, 0, out, n, [](float x, float) { return std::sqrt(x); });
#if defined(TP_BULK_EXP2_LOG2)
    case VecOp::EXP2:
      if (a) return bulk_exp2(a, out, n);
      break;
    case VecOp::LOG2:
      if (a) return bulk_log2(a, out, n);
      break;
#endif
    default: break;
  }
#endif
  switch (op) {
    case VecOp::COPY: return bulk_u(a, nullptr, sa, 0, out, n, [](uint32_t x, uint32_t) { return canon_bf(x); });
    case VecOp::NEG:
      return bulk_u(a, nullptr, sa, 0, out, n, [](uint32_t x, uint32_t) { return nan_bf(x) ? kQNaN : ftz_bf(x) ^ kSignBit; });
    case VecOp::MAX: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return max_bf(x, y); });
    case VecOp::CMPLT: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return in_bf(x) < in_bf(y) ? kOne : 0u; });
    case VecOp::CMPEQ: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return in_bf(x) == in_bf(y) ? kOne : 0u; });
    case VecOp::CMPNE: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return in_bf(x) != in_bf(y) ? kOne : 0u; });
    // int32 (pl_float.cpp's definitions, inline so that the loops vectorise)
    case VecOp::IADD: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return x + y; });
    case VecOp::ISUB: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return x - y; });
    case VecOp::IMUL: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return x * y; });
    case VecOp::IMAX:
      return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) {
        return static_cast<int32_t>(x) >= static_cast<int32_t>(y) ? x : y;
      });
    case VecOp::INEG: return bulk_u(a, nullptr, sa, 0, out, n, [](uint32_t x, uint32_t) { return 0u - x; });
    case VecOp::IAND: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return x & y; });
    case VecOp::IOR: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return x | y; });
    case VecOp::IXOR: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return x ^ y; });
    case VecOp::ISHL: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return x << (y & 31u); });
    case VecOp::ISHR:  // arithmetic (C++20 defines >> of a negative int32)
      return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) {
        return static_cast<uint32_t>(static_cast<int32_t>(x) >> (y & 31u));
      });
    case VecOp::ICMPLT:
      return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) {
        return static_cast<int32_t>(x) < static_cast<int32_t>(y) ? kOne : 0u;
      });
    case VecOp::ICMPEQ: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return x == y ? kOne : 0u; });
    case VecOp::ICMPNE: return bulk_u(a, b, sa, sb, out, n, [](uint32_t x, uint32_t y) { return x != y ? kOne : 0u; });
    default: break;
  }
  for (uint64_t i = 0; i < n; ++i)
    out[i] = vec_apply(op, a ? a[i] : sa, b ? b[i] : sb, c ? c[i] : sc, range);
}

#if defined(__SSE2__)
namespace {
// canon() of four host results: NaN -> kQNaN, subnormal -> the zero of its sign (SSE2 only).
inline __m128 canon4(__m128 v) {
  const __m128i b = _mm_castps_si128(v);
  const __m128i abs = _mm_and_si128(b, _mm_set1_epi32(0x7FFFFFFF));
  const __m128i nan = _mm_cmpgt_epi32(abs, _mm_set1_epi32(0x7F800000));
  const __m128i sub = _mm_cmpeq_epi32(_mm_and_si128(b, _mm_set1_epi32(0x7F800000)), _mm_setzero_si128());
  __m128i r = _mm_or_si128(_mm_andnot_si128(sub, b), _mm_and_si128(sub, _mm_and_si128(b, _mm_set1_epi32(INT32_MIN))));
  r = _mm_or_si128(_mm_andnot_si128(nan, r), _mm_and_si128(nan, _mm_set1_epi32(static_cast<int>(kQNaN))));
  return _mm_castsi128_ps(r);
}
inline float add1(float a, float b) { return std::bit_cast<float>(canon(std::bit_cast<uint32_t>(a + b))); }
}  // namespace
#endif

void reduce_sum_rows(const uint32_t* x, uint64_t rows, uint64_t len, uint32_t* out) noexcept {
#if defined(__SSE2__)
  // MXCSR.DAZ does the input flush (as in bulk2); the partial sums are canonical already.
  const unsigned csr = _mm_getcsr();
  _mm_setcsr((csr | 0x0040u) & ~0x8000u);
  uint64_t r = 0;
  if (len < 8) {
    // Short rows (pooling windows): four rows at a time, one lane each. P_j = -0 + x_j for
    // j < len, -0 for the others (what the partial sums hold), then the same tree.
    auto add4 = [](__m128 a, __m128 b) { return canon4(_mm_add_ps(a, b)); };
    const __m128 nz = _mm_set1_ps(-0.0f);
    for (; r + 4 <= rows; r += 4) {
      __m128 P[8];
      for (unsigned j = 0; j < 8; ++j) {
        if (j >= len) {
          P[j] = nz;
          continue;
        }
        const float* c = reinterpret_cast<const float*>(x + r * len + j);
        P[j] = add4(nz, _mm_setr_ps(c[0], c[len], c[2 * len], c[3 * len]));
      }
      const __m128 sum = add4(add4(add4(P[0], P[1]), add4(P[2], P[3])), add4(add4(P[4], P[5]), add4(P[6], P[7])));
      _mm_storeu_ps(reinterpret_cast<float*>(out + r), sum);
    }
  }
  for (; r < rows; ++r) {
    const float* row = reinterpret_cast<const float*>(x + r * len);
    __m128 p0 = _mm_set1_ps(-0.0f), p1 = p0;  // P0..P3, P4..P7
    uint64_t i = 0;
    for (; i + 8 <= len; i += 8) {
      p0 = canon4(_mm_add_ps(p0, _mm_loadu_ps(row + i)));
      p1 = canon4(_mm_add_ps(p1, _mm_loadu_ps(row + i + 4)));
    }
    alignas(16) float p[8];
    _mm_store_ps(p, p0);
    _mm_store_ps(p + 4, p1);
    for (uint64_t j = 0; i + j < len; ++j) p[j] = add1(p[j], row[i + j]);
    out[r] = std::bit_cast<uint32_t>(add1(add1(add1(p[0], p[1]), add1(p[2], p[3])), add1(add1(p[4], p[5]), add1(p[6], p[7]))));
  }
  _mm_setcsr(csr);
#else
  for (uint64_t r = 0; r < rows; ++r) out[r] = reduce_sum(x + r * len, len);
#endif
}

#if defined(__SSE2__)
namespace {
// max_bf of four lanes (SSE2 integer ops): ftz both, order by the signed key (-0 < +0), NaN wins.
inline __m128i max4(__m128i x, __m128i y) {
  const __m128i expm = _mm_set1_epi32(0x7F800000), absm = _mm_set1_epi32(0x7FFFFFFF);
  auto ftz4 = [&](__m128i v) {  // exponent 0: keep the sign only
    return _mm_andnot_si128(_mm_and_si128(_mm_cmpeq_epi32(_mm_and_si128(v, expm), _mm_setzero_si128()), absm), v);
  };
  auto key4 = [](__m128i v) { return _mm_xor_si128(v, _mm_srli_epi32(_mm_srai_epi32(v, 31), 1)); };  // signed order
  const __m128i fx = ftz4(x), fy = ftz4(y);
  const __m128i y_gt = _mm_cmpgt_epi32(key4(fy), key4(fx));  // else x >= y: x
  const __m128i m = _mm_or_si128(_mm_andnot_si128(y_gt, fx), _mm_and_si128(y_gt, fy));
  const __m128i nan = _mm_or_si128(_mm_cmpgt_epi32(_mm_and_si128(x, absm), expm), _mm_cmpgt_epi32(_mm_and_si128(y, absm), expm));
  return _mm_or_si128(_mm_andnot_si128(nan, m), _mm_and_si128(nan, _mm_set1_epi32(static_cast<int>(kQNaN))));
}
}  // namespace
#endif

void reduce_max_rows(const uint32_t* x, uint64_t rows, uint64_t len, uint32_t* out) noexcept {
  uint64_t r = 0;
#if defined(__SSE2__)
  if (len < 8)  // short rows (pooling windows): four rows at a time, one lane each
    for (; r + 4 <= rows; r += 4) {
      __m128i acc = _mm_set1_epi32(static_cast<int>(kNegInf));
      for (uint64_t j = 0; j < len; ++j) {
        const uint32_t* c = x + r * len + j;
        acc = max4(acc, _mm_setr_epi32(static_cast<int>(c[0]), static_cast<int>(c[len]), static_cast<int>(c[2 * len]),
                                       static_cast<int>(c[3 * len])));
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + r), acc);
    }
#endif
  for (; r < rows; ++r) {
    const uint32_t* row = x + r * len;
    alignas(16) uint32_t p[8];
    for (auto& v : p) v = kNegInf;  // the identity
    uint64_t i = 0;
#if defined(__SSE2__)
    __m128i p0 = _mm_set1_epi32(static_cast<int>(kNegInf)), p1 = p0;
    for (; i + 8 <= len; i += 8) {
      p0 = max4(p0, _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i)));
      p1 = max4(p1, _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i + 4)));
    }
    _mm_store_si128(reinterpret_cast<__m128i*>(p), p0);
    _mm_store_si128(reinterpret_cast<__m128i*>(p + 4), p1);
#endif
    for (; i < len; ++i) p[0] = max_bf(p[0], row[i]);
    uint32_t acc = p[0];
    for (unsigned j = 1; j < 8; ++j) acc = max_bf(acc, p[j]);
    out[r] = acc;
  }
}

uint64_t vector_cycles_ideal(VecOp op, uint64_t n) noexcept {
  const VecOpInfo* i = vec_op_info(static_cast<uint32_t>(op));
  if (!i || n == 0) return 0;
  const uint64_t nb = (n + 1) / 2;
  return 1 + uint64_t{i->ii} * (nb - 1) + i->latency;
}

uint64_t reduce_cycles_ideal(uint64_t rows, uint64_t len) noexcept {
  if (rows == 0 || len == 0) return 0;
  return (rows * len + 1) / 2 + kReduceLatency;
}

// Literal evaluation of the normative schedule recurrence of hw-spec §7.3 with ideal streams
// (times relative to t0 = 0, the cycle of the START write).
uint64_t matmul_cycles_ideal(uint64_t m, uint64_t k, uint64_t n, bool load_w,
                             const MatmulConfig& cfg) noexcept {
  if (m == 0 || k == 0 || n == 0) return 0;
  const uint64_t R = cfg.rows;
  const uint64_t nblk = (m + R - 1) / R;
  const uint64_t tc = uint64_t{cfg.passes(static_cast<uint32_t>(n))} *
                      cfg.pass_cycles(static_cast<uint32_t>(k));
  const uint64_t dmm = cfg.drain();
  const uint64_t we = load_w ? (k * n + 1) / 2 : 0;  // cycle of the last W beat (t0 + NBW)
  std::vector<uint64_t> le(nblk), cs(nblk), ce(nblk), se(nblk);
  for (uint64_t b = 0; b < nblk; ++b) {
    const uint64_t rows_b = std::min<uint64_t>(R, m - b * R);
    const uint64_t beats_in = (rows_b * k + 1) / 2;
    const uint64_t beats_out = (rows_b * n + 1) / 2;
    uint64_t ls = (b == 0) ? 1 : le[b - 1] + 1;
    if (b >= 2) ls = std::max(ls, cs[b - 2] + tc);
    le[b] = ls + beats_in - 1;
    uint64_t c = le[b] + 1;
    if (load_w) c = std::max(c, we + 1);
    if (b >= 1) c = std::max(c, cs[b - 1] + tc);
    if (b >= 2) c = std::max(c, se[b - 2] + 1);
    cs[b] = c;
    ce[b] = cs[b] + tc + dmm - 1;
    uint64_t ss = ce[b] + 1;
    if (b >= 1) ss = std::max(ss, se[b - 1] + 1);
    se[b] = ss + beats_out - 1;
  }
  return se[nblk - 1];
}

}  // namespace tinypynq::pl
