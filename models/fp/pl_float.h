// SPDX-License-Identifier: MIT
// tinypynq — bit-exact C++ reference of the PL datapath arithmetic (docs/hw-spec.md §4-§5).
//
// Every function works on raw IEEE-754 binary32 bit patterns (uint32_t) and returns the exact
// bits the PL units (TLM model and RTL) produce. Pure C++20, no SystemC.
//
// Number format rules (hw-spec §4):
//  * binary32, round-to-nearest-even;
//  * float inputs are flushed to zero (subnormal -> zero of the same sign) before use;
//  * a float result is the IEEE-754 RNE result of the exact operation on the flushed inputs
//    (computed with the IEEE subnormal format), and is flushed to a signed zero when that result
//    is subnormal ("flush after rounding"); a result that rounds up to 2^-126 is kept;
//  * every NaN result is the canonical quiet NaN 0x7FC00000.
//
// Two implementations of the basic operations exist and are kept identical by the tests:
//  * tinypynq::pl::add/sub/mul/div/sqrt ... use host binary32 arithmetic (fast; needs the default
//    host FP environment: round-to-nearest, no FTZ/DAZ, no x87 excess precision; compile with
//    -ffp-contract=off);
//  * tinypynq::pl::soft::* are integer-only implementations (unpack, align, round, pack) written the
//    way the RTL does it; they are the reference for the RTL designers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinypynq::pl {

// ---- constants -------------------------------------------------------------------------------
inline constexpr uint32_t kQNaN = 0x7FC00000u;   // canonical NaN of every NaN result
inline constexpr uint32_t kPosInf = 0x7F800000u;
inline constexpr uint32_t kNegInf = 0xFF800000u;
inline constexpr uint32_t kOne = 0x3F800000u;    // 1.0f: "true" of comparisons and bool casts
inline constexpr uint32_t kNegZero = 0x80000000u;

// ---- bit helpers -----------------------------------------------------------------------------
uint32_t bits(float f) noexcept;
float from_bits(uint32_t u) noexcept;

constexpr bool is_nan(uint32_t a) noexcept { return (a & 0x7FFFFFFFu) > 0x7F800000u; }
constexpr bool is_inf(uint32_t a) noexcept { return (a & 0x7FFFFFFFu) == 0x7F800000u; }
constexpr bool is_subnormal(uint32_t a) noexcept {
  return (a & 0x7F800000u) == 0 && (a & 0x007FFFFFu) != 0;
}
// Flush a subnormal to the zero of the same sign; any other value passes unchanged.
constexpr uint32_t ftz(uint32_t a) noexcept { return is_subnormal(a) ? (a & 0x80000000u) : a; }
// Output canonicalisation applied to every float result: ftz + NaN -> kQNaN.
constexpr uint32_t canon(uint32_t a) noexcept { return is_nan(a) ? kQNaN : ftz(a); }

// ---- basic binary32 operations (hw-spec §4.2) -----------------------------------------------
uint32_t add(uint32_t a, uint32_t b) noexcept;
uint32_t sub(uint32_t a, uint32_t b) noexcept;
uint32_t mul(uint32_t a, uint32_t b) noexcept;
uint32_t div(uint32_t a, uint32_t b) noexcept;   // correctly rounded
uint32_t sqrt(uint32_t a) noexcept;              // correctly rounded
uint32_t recip(uint32_t a) noexcept;             // div(1.0f, a)
uint32_t neg(uint32_t a) noexcept;               // sign flip of canon(a); NaN -> kQNaN
uint32_t mulacc(uint32_t a, uint32_t b, uint32_t c) noexcept;  // add(mul(a,b), c): two roundings
uint32_t max(uint32_t a, uint32_t b) noexcept;   // NaN-propagating, -0 < +0
// fmodf semantics (truncated quotient, sign of a, exact). Exact only for exponent difference
// e(a) - e(b) <= kModMaxExpDiff; beyond it the result is the zero with the sign of a and
// *range (if given) is set to true (sticky STATUS.W_RANGE in the unit).
inline constexpr int kModMaxExpDiff = 31;
uint32_t mod(uint32_t a, uint32_t b, bool* range = nullptr) noexcept;
uint32_t cmplt(uint32_t a, uint32_t b) noexcept;  // 1.0f / 0.0f
uint32_t cmpeq(uint32_t a, uint32_t b) noexcept;
uint32_t cmpne(uint32_t a, uint32_t b) noexcept;
// WHERE: cond is true iff (c & 0x7FFFFFFF) != 0 (raw bits: works for 1.0f and int 1);
// the selected operand is canonicalised like every float result.
uint32_t where(uint32_t c, uint32_t a, uint32_t b) noexcept;

// ---- transcendental functions (hw-spec §5) ---------------------------------------------------
uint32_t exp2(uint32_t x) noexcept;
uint32_t log2(uint32_t x) noexcept;
// Domain |x| <= kSinMaxArg; beyond it the result is kQNaN and *range (if given) is set to true
// (sticky STATUS.W_RANGE: the runtime recomputes such a command on the PS).
inline constexpr uint32_t kSinMaxArg = 0x47800000u;  // 65536.0f
uint32_t sin(uint32_t x, bool* range = nullptr) noexcept;

// ---- casts (hw-spec §4.6) --------------------------------------------------------------------
uint32_t cast_f2i(uint32_t a) noexcept;  // trunc toward 0, saturating, NaN -> 0 (ARM VCVT)
uint32_t cast_i2f(uint32_t a) noexcept;  // int32 -> binary32 RNE
uint32_t cast_f2b(uint32_t a) noexcept;  // ftz(a) != ±0 (NaN true) -> 1.0f, else 0
uint32_t cast_i2b(uint32_t a) noexcept;  // a != 0 -> 1.0f, else 0

// ---- int32 operations (two's complement, wrapping) -------------------------------------------
uint32_t iadd(uint32_t a, uint32_t b) noexcept;
uint32_t isub(uint32_t a, uint32_t b) noexcept;
uint32_t imul(uint32_t a, uint32_t b) noexcept;   // low 32 bits
uint32_t imax(uint32_t a, uint32_t b) noexcept;   // signed
uint32_t ineg(uint32_t a) noexcept;
uint32_t icmplt(uint32_t a, uint32_t b) noexcept; // signed; 1.0f / 0.0f
uint32_t icmpeq(uint32_t a, uint32_t b) noexcept;
uint32_t icmpne(uint32_t a, uint32_t b) noexcept;
uint32_t iand(uint32_t a, uint32_t b) noexcept;
uint32_t ior(uint32_t a, uint32_t b) noexcept;
uint32_t ixor(uint32_t a, uint32_t b) noexcept;
uint32_t ishl(uint32_t a, uint32_t b) noexcept;   // shift count b & 31
uint32_t ishr(uint32_t a, uint32_t b) noexcept;   // arithmetic, shift count b & 31
uint32_t iwhere(uint32_t c, uint32_t a, uint32_t b) noexcept;  // raw select, no canonicalisation

// ---- reductions and dot products (hw-spec §6.2, §6.3) ----------------------------------------
// SUM of one row in the reduce unit's fixed order: 8 partial sums P_j (start -0.0f),
// P_j folds x[i] for i ≡ j (mod 8) in increasing i, then ((P0+P1)+(P2+P3))+((P4+P5)+(P6+P7)).
uint32_t reduce_sum(const uint32_t* x, std::size_t len) noexcept;
// MAX of one row (identity -inf; max() is associative, so the order does not matter).
uint32_t reduce_max(const uint32_t* x, std::size_t len) noexcept;
// One output of the matmul unit: acc = -0.0f; for k in 0..K-1: acc = add(acc, mul(a[k], w[k*ws])).
uint32_t dot(const uint32_t* a, const uint32_t* w, std::size_t k, std::size_t w_stride) noexcept;

// The whole matmul unit function on row-major buffers: c[i*n+j] = dot(a + i*k, w + j, k, n).
// Same bits as dot(); loops ordered for speed (the per-element order over k is unchanged).
void matmul(const uint32_t* a, const uint32_t* w, uint32_t* c, std::size_t m, std::size_t k,
            std::size_t n) noexcept;

// Round a binary32 value to an integral binary32 value, ties to even (bit manipulation).
uint32_t roundeven(uint32_t a) noexcept;

// ---- integer-only reference implementations (the RTL algorithms) -----------------------------
namespace soft {
uint32_t add(uint32_t a, uint32_t b) noexcept;
uint32_t sub(uint32_t a, uint32_t b) noexcept;
uint32_t mul(uint32_t a, uint32_t b) noexcept;
uint32_t div(uint32_t a, uint32_t b) noexcept;   // restoring digit recurrence, 1 bit per step
uint32_t sqrt(uint32_t a) noexcept;              // restoring digit recurrence, 1 bit per step
uint32_t mod(uint32_t a, uint32_t b, bool* range = nullptr) noexcept;  // 32-step remainder
uint32_t cast_i2f(uint32_t a) noexcept;
uint32_t cast_f2i(uint32_t a) noexcept;
}  // namespace soft

// ---- constants of the algorithms (exposed for tests and for the RTL ROM generators) ----------
struct Log2Entry {
  uint32_t c;     // C_j: binary32 with at most 12 significant bits
  uint32_t t_hi;  // T_hi_j: multiple of 2^-17
  uint32_t t_lo;  // T_lo_j = RN(-log2(C_j) - T_hi_j)
};
const Log2Entry* log2_table() noexcept;  // 128 entries

}  // namespace tinypynq::pl
