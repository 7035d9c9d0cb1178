// SPDX-License-Identifier: MIT
// Tests of the bit-exact PL arithmetic reference (models/fp/pl_float.h, docs/hw-spec.md §4-§5,
// §9): host path == integer (RTL-style) path, IEEE + FTZ semantics, special values, and the
// ULP bounds of the transcendental algorithms over dense sweeps.
#include <gtest/gtest.h>

#include <cfenv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "models/fp/pl_float.h"
#include "models/fp/pl_timing.h"
#include "models/fp/pl_units.h"
#include "models/fp/ulp_util.h"

namespace pl = tinypynq::pl;
using pl::bits;
using pl::from_bits;

namespace {

constexpr uint32_t kMinNormal = 0x00800000u;
constexpr uint32_t kMaxFinite = 0x7F7FFFFFu;

uint32_t F(float f) { return bits(f); }

// Random bit patterns biased towards the interesting classes (zero, subnormal, inf, NaN, values
// near the underflow/overflow thresholds, close exponents).
class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}
  uint32_t any() { return static_cast<uint32_t>(rng_()); }
  uint32_t pick() {
    const uint32_t r = static_cast<uint32_t>(rng_());
    const uint32_t sign = (r & 1u) << 31;
    const uint32_t man = static_cast<uint32_t>(rng_()) & 0x7FFFFFu;
    switch ((r >> 1) % 16) {
      case 0: return sign;                                      // zero
      case 1: return sign | (man ? man : 1u);                   // subnormal
      case 2: return sign | 0x7F800000u;                        // inf
      case 3: return sign | 0x7F800000u | (man ? man : 1u);     // NaN (any payload)
      case 4: return sign | ((1u + (r >> 8) % 8) << 23) | man;  // just above 2^-126
      case 5: return sign | ((246u + (r >> 8) % 8) << 23) | man;  // near overflow
      case 6: return sign | ((120u + (r >> 8) % 16) << 23) | man; // around 1
      default: return any();
    }
  }
  // A pair with nearby exponents (exercises cancellation and rounding).
  std::pair<uint32_t, uint32_t> near_pair() {
    const uint32_t a = any() & 0xFFFFFFFFu;
    const int de = static_cast<int>(rng_() % 5) - 2;
    const int ea = static_cast<int>((a >> 23) & 0xFF);
    int eb = ea + de;
    if (eb < 0) eb = 0;
    if (eb > 255) eb = 255;
    const uint32_t b = (static_cast<uint32_t>(rng_()) & 0x807FFFFFu) | (static_cast<uint32_t>(eb) << 23);
    return {a, b};
  }
  uint64_t u64() { return rng_(); }

 private:
  std::mt19937_64 rng_;
};

// The one output canonicalisation every float result obeys.
bool is_canonical(uint32_t r) { return !pl::is_subnormal(r) && (!pl::is_nan(r) || r == pl::kQNaN); }

}  // namespace

TEST(PlFloat, HostEnvironmentIsDefault) {
  // The host path relies on RNE and no FTZ/DAZ (hw-spec §4.1, pl_float.h).
  EXPECT_EQ(std::fegetround(), FE_TONEAREST);
  volatile float tiny = 1e-40f;  // subnormal
  EXPECT_NE(bits(tiny * 1.0f), 0u) << "host flushes subnormals (FTZ/DAZ set?)";
}

TEST(PlFloat, FtzAndCanon) {
  EXPECT_EQ(pl::ftz(0x00000001u), 0x00000000u);
  EXPECT_EQ(pl::ftz(0x807FFFFFu), 0x80000000u);
  EXPECT_EQ(pl::ftz(kMinNormal), kMinNormal);
  EXPECT_EQ(pl::ftz(0x7FC00001u), 0x7FC00001u);
  EXPECT_EQ(pl::canon(0xFFC00001u), pl::kQNaN);
  EXPECT_EQ(pl::canon(0x7F800001u), pl::kQNaN);
  EXPECT_EQ(pl::canon(pl::kNegInf), pl::kNegInf);
}

// ---- host path == integer (RTL) path ---------------------------------------------------------
TEST(PlFloat, HostEqualsSoftRandom) {
  Gen g(1);
  constexpr int kN = 1'500'000;
  for (int i = 0; i < kN; ++i) {
    uint32_t a, b;
    switch (i % 3) {
      case 0: a = g.any(); b = g.any(); break;
      case 1: a = g.pick(); b = g.pick(); break;
      default: std::tie(a, b) = g.near_pair(); break;
    }
    ASSERT_EQ(pl::add(a, b), pl::soft::add(a, b)) << std::hex << a << " + " << b;
    ASSERT_EQ(pl::sub(a, b), pl::soft::sub(a, b)) << std::hex << a << " - " << b;
    ASSERT_EQ(pl::mul(a, b), pl::soft::mul(a, b)) << std::hex << a << " * " << b;
    ASSERT_EQ(pl::div(a, b), pl::soft::div(a, b)) << std::hex << a << " / " << b;
    ASSERT_EQ(pl::sqrt(a), pl::soft::sqrt(a)) << std::hex << "sqrt " << a;
    bool r1 = false, r2 = false;
    ASSERT_EQ(pl::mod(a, b, &r1), pl::soft::mod(a, b, &r2)) << std::hex << a << " % " << b;
    ASSERT_EQ(r1, r2);
    ASSERT_EQ(pl::cast_i2f(a), pl::soft::cast_i2f(a)) << std::hex << a;
    ASSERT_EQ(pl::cast_f2i(a), pl::soft::cast_f2i(a)) << std::hex << a;
  }
}

// Products and sums whose exact value lies around the underflow threshold: the flush decision is
// taken on the IEEE-rounded result (hw-spec §4.1).
TEST(PlFloat, HostEqualsSoftAtUnderflowThreshold) {
  Gen g(2);
  for (int i = 0; i < 1'000'000; ++i) {
    // a in [1,2), b in [2^-127, 2^-125): product straddles 2^-126
    const uint32_t a = 0x3F800000u | (g.any() & 0x7FFFFFu);
    const uint32_t b = ((125u + g.any() % 3) << 23) | (g.any() & 0x7FFFFFu) | (g.any() & 0x80000000u);
    ASSERT_EQ(pl::mul(a, b), pl::soft::mul(a, b)) << std::hex << a << " * " << b;
    ASSERT_EQ(pl::div(b, a), pl::soft::div(b, a)) << std::hex << b << " / " << a;
    const uint32_t c = (g.any() & 0x807FFFFFu) | ((1u + g.any() % 2) << 23);
    const uint32_t d = (g.any() & 0x807FFFFFu) | ((1u + g.any() % 2) << 23);
    ASSERT_EQ(pl::add(c, d), pl::soft::add(c, d)) << std::hex << c << " + " << d;
  }
}

TEST(PlFloat, FlushAfterRounding) {
  // (1 - 2^-24) * 2^-126 = 2^-126 - 2^-150: a tie between the largest subnormal and 2^-126;
  // IEEE RNE rounds it to 2^-126 (normal), so it is kept.
  EXPECT_EQ(pl::mul(0x3F7FFFFFu, kMinNormal), kMinNormal);
  EXPECT_EQ(pl::soft::mul(0x3F7FFFFFu, kMinNormal), kMinNormal);
  EXPECT_EQ(pl::mul(0xBF7FFFFFu, kMinNormal), 0x80800000u);
  // (1 - 2^-23) * 2^-126 is exactly the largest subnormal: flushed to +0
  EXPECT_EQ(pl::mul(0x3F7FFFFEu, kMinNormal), 0u);
  EXPECT_EQ(pl::soft::mul(0x3F7FFFFEu, kMinNormal), 0u);
  EXPECT_EQ(pl::mul(0xBF7FFFFEu, kMinNormal), 0x80000000u);
  // 2^-126 - 2^-127 via subtraction: subnormal -> -0 / +0 with the sign of the result
  EXPECT_EQ(pl::sub(kMinNormal, 0x00800001u), 0x80000000u);  // exact -2^-149 -> -0
  EXPECT_EQ(pl::sub(0x00800001u, kMinNormal), 0x00000000u);
  // subnormal inputs are zeros
  EXPECT_EQ(pl::add(0x00000001u, 0x00000001u), 0u);
  EXPECT_EQ(pl::add(0x80000001u, 0x80000001u), 0x80000000u);  // (-0) + (-0)
  EXPECT_EQ(pl::mul(0x00400000u, 0x7F000000u), 0u);           // 0 * 2^127
  EXPECT_EQ(pl::div(F(1.0f), 0x00400000u), pl::kPosInf);      // 1 / (+0)
  EXPECT_EQ(pl::div(F(1.0f), 0x80400000u), pl::kNegInf);
  EXPECT_EQ(pl::sqrt(0x80000001u), 0x80000000u);              // sqrt(-0) = -0
}

// Independent oracle for mul: the double product of two binary32 is exact, so one rounding to
// float (with the IEEE subnormal format) gives the IEEE result.
TEST(PlFloat, MulMatchesDoubleOracle) {
  Gen g(3);
  for (int i = 0; i < 1'000'000; ++i) {
    const uint32_t a = g.pick(), b = g.pick();
    const double p = static_cast<double>(from_bits(pl::ftz(a))) * from_bits(pl::ftz(b));
    ASSERT_EQ(pl::mul(a, b), pl::canon(bits(static_cast<float>(p)))) << std::hex << a << " " << b;
  }
}

// ---- special values of the basic operations --------------------------------------------------
TEST(PlFloat, BasicSpecials) {
  const uint32_t inf = pl::kPosInf, ninf = pl::kNegInf, nan = 0x7FA00000u, q = pl::kQNaN;
  EXPECT_EQ(pl::add(inf, ninf), q);
  EXPECT_EQ(pl::add(inf, F(1.0f)), inf);
  EXPECT_EQ(pl::add(F(0.0f), F(-0.0f)), F(0.0f));
  EXPECT_EQ(pl::add(F(-0.0f), F(-0.0f)), F(-0.0f));
  EXPECT_EQ(pl::sub(F(1.0f), F(1.0f)), F(0.0f));
  EXPECT_EQ(pl::add(nan, F(1.0f)), q);
  EXPECT_EQ(pl::add(0xFFFFFFFFu, F(1.0f)), q);
  EXPECT_EQ(pl::add(kMaxFinite, kMaxFinite), inf);
  EXPECT_EQ(pl::mul(inf, F(0.0f)), q);
  EXPECT_EQ(pl::mul(inf, F(-2.0f)), ninf);
  EXPECT_EQ(pl::mul(F(-0.0f), F(3.0f)), F(-0.0f));
  EXPECT_EQ(pl::div(F(0.0f), F(0.0f)), q);
  EXPECT_EQ(pl::div(inf, inf), q);
  EXPECT_EQ(pl::div(F(-1.0f), F(0.0f)), ninf);
  EXPECT_EQ(pl::div(F(1.0f), ninf), F(-0.0f));
  EXPECT_EQ(pl::div(F(1.0f), F(3.0f)), F(1.0f / 3.0f));
  EXPECT_EQ(pl::recip(F(0.0f)), inf);
  EXPECT_EQ(pl::recip(F(-0.0f)), ninf);
  EXPECT_EQ(pl::recip(inf), F(0.0f));
  EXPECT_EQ(pl::recip(0x7E800000u), 0x00800000u);  // 1/2^126 = 2^-126
  EXPECT_EQ(pl::recip(0x7F000000u), 0u);           // 1/2^127 = 2^-127 subnormal -> +0
  EXPECT_EQ(pl::sqrt(F(-1.0f)), q);
  EXPECT_EQ(pl::sqrt(ninf), q);
  EXPECT_EQ(pl::sqrt(inf), inf);
  EXPECT_EQ(pl::sqrt(F(4.0f)), F(2.0f));
  EXPECT_EQ(pl::sqrt(F(2.0f)), F(std::sqrt(2.0f)));
  EXPECT_EQ(pl::neg(F(1.5f)), F(-1.5f));
  EXPECT_EQ(pl::neg(F(0.0f)), F(-0.0f));
  EXPECT_EQ(pl::neg(0x00000005u), 0x80000000u);
  EXPECT_EQ(pl::neg(0xFFC00000u), q);
  EXPECT_EQ(pl::mulacc(F(2.0f), F(3.0f), F(1.0f)), F(7.0f));
  // two roundings: (1+2^-12)^2 - (1+2^-11) = 2^-24 exactly with FMA, 0 with two roundings
  EXPECT_EQ(pl::mulacc(F(1.0f + 0x1p-12f), F(1.0f + 0x1p-12f), F(-(1.0f + 0x1p-11f))), F(0.0f));
}

TEST(PlFloat, MaxCompareWhere) {
  const uint32_t q = pl::kQNaN;
  EXPECT_EQ(pl::max(F(1.0f), F(2.0f)), F(2.0f));
  EXPECT_EQ(pl::max(F(-1.0f), F(-2.0f)), F(-1.0f));
  EXPECT_EQ(pl::max(F(-0.0f), F(0.0f)), F(0.0f));
  EXPECT_EQ(pl::max(F(0.0f), F(-0.0f)), F(0.0f));
  EXPECT_EQ(pl::max(F(-0.0f), F(-0.0f)), F(-0.0f));
  EXPECT_EQ(pl::max(0x7FA00000u, F(1.0f)), q);
  EXPECT_EQ(pl::max(F(1.0f), 0xFFFFFFFFu), q);
  EXPECT_EQ(pl::max(pl::kNegInf, F(-3.0f)), F(-3.0f));
  EXPECT_EQ(pl::max(0x00000007u, 0x80000000u), 0u);  // subnormal -> +0 > -0
  EXPECT_EQ(pl::cmplt(F(1.0f), F(2.0f)), pl::kOne);
  EXPECT_EQ(pl::cmplt(F(2.0f), F(1.0f)), 0u);
  EXPECT_EQ(pl::cmplt(F(-0.0f), F(0.0f)), 0u);
  EXPECT_EQ(pl::cmplt(0x7FC00000u, F(1.0f)), 0u);
  EXPECT_EQ(pl::cmplt(0x00000001u, 0x00000002u), 0u);  // both flush to +0
  EXPECT_EQ(pl::cmpeq(F(-0.0f), F(0.0f)), pl::kOne);
  EXPECT_EQ(pl::cmpeq(0x7FC00000u, 0x7FC00000u), 0u);
  EXPECT_EQ(pl::cmpne(0x7FC00000u, 0x7FC00000u), pl::kOne);
  EXPECT_EQ(pl::cmpne(F(3.0f), F(3.0f)), 0u);
  EXPECT_EQ(pl::where(pl::kOne, F(5.0f), F(6.0f)), F(5.0f));
  EXPECT_EQ(pl::where(1u, F(5.0f), F(6.0f)), F(5.0f));           // int 1 is true
  EXPECT_EQ(pl::where(0x80000000u, F(5.0f), F(6.0f)), F(6.0f));  // -0 is false
  EXPECT_EQ(pl::where(0x7FC00000u, F(5.0f), F(6.0f)), F(5.0f));  // NaN is true
  EXPECT_EQ(pl::where(0u, F(5.0f), 0xFFC12345u), q);             // canonicalised
  EXPECT_EQ(pl::where(0u, F(5.0f), 0x00000003u), 0u);            // flushed
  EXPECT_EQ(pl::iwhere(0u, 5u, 3u), 3u);                          // raw int select
}

TEST(PlFloat, Mod) {
  const uint32_t q = pl::kQNaN;
  EXPECT_EQ(pl::mod(F(5.5f), F(2.0f)), F(1.5f));
  EXPECT_EQ(pl::mod(F(-5.5f), F(2.0f)), F(-1.5f));  // sign of the dividend (C fmodf)
  EXPECT_EQ(pl::mod(F(5.5f), F(-2.0f)), F(1.5f));
  EXPECT_EQ(pl::mod(F(-4.0f), F(2.0f)), F(-0.0f));
  EXPECT_EQ(pl::mod(F(1.0f), F(0.0f)), q);
  EXPECT_EQ(pl::mod(pl::kPosInf, F(2.0f)), q);
  EXPECT_EQ(pl::mod(F(3.0f), pl::kNegInf), F(3.0f));
  EXPECT_EQ(pl::mod(F(-0.0f), F(3.0f)), F(-0.0f));
  EXPECT_EQ(pl::mod(F(1.0f), 0x00000001u), q);  // divisor flushes to 0
  // exponent difference 31 is exact, 32 is out of range
  bool range = false;
  EXPECT_EQ(pl::mod(F(0x1.8p31f), F(1.5f), &range), F(std::fmod(0x1.8p31f, 1.5f)));
  EXPECT_FALSE(range);
  EXPECT_EQ(pl::mod(F(0x1.000002p31f), F(3.0f), &range), F(std::fmod(0x1.000002p31f, 3.0f)));
  EXPECT_FALSE(range);
  EXPECT_EQ(pl::mod(F(-0x1p32f), F(1.0f), &range), F(-0.0f));
  EXPECT_TRUE(range);
  // random agreement with fmodf inside the range
  Gen g(4);
  for (int i = 0; i < 300'000; ++i) {
    const uint32_t b = (g.any() & 0x807FFFFFu) | ((1u + g.any() % 253) << 23);
    const int eb = static_cast<int>((b >> 23) & 0xFF);
    const int ea = std::min(254, eb + static_cast<int>(g.any() % 32));
    const uint32_t a = (g.any() & 0x807FFFFFu) | (static_cast<uint32_t>(ea) << 23);
    bool r = false;
    ASSERT_EQ(pl::mod(a, b, &r), pl::canon(F(std::fmod(from_bits(a), from_bits(b)))))
        << std::hex << a << " % " << b;
    ASSERT_FALSE(r);
  }
}

TEST(PlFloat, Casts) {
  EXPECT_EQ(pl::cast_f2i(F(2.9f)), 2u);
  EXPECT_EQ(pl::cast_f2i(F(-2.9f)), static_cast<uint32_t>(-2));
  EXPECT_EQ(pl::cast_f2i(F(-0.5f)), 0u);
  EXPECT_EQ(pl::cast_f2i(F(3e9f)), 0x7FFFFFFFu);
  EXPECT_EQ(pl::cast_f2i(F(-3e9f)), 0x80000000u);
  EXPECT_EQ(pl::cast_f2i(F(-2147483648.0f)), 0x80000000u);
  EXPECT_EQ(pl::cast_f2i(F(2147483520.0f)), 2147483520u);
  EXPECT_EQ(pl::cast_f2i(pl::kPosInf), 0x7FFFFFFFu);
  EXPECT_EQ(pl::cast_f2i(pl::kNegInf), 0x80000000u);
  EXPECT_EQ(pl::cast_f2i(0x7FC00000u), 0u);
  EXPECT_EQ(pl::cast_i2f(static_cast<uint32_t>(-7)), F(-7.0f));
  EXPECT_EQ(pl::cast_i2f(16777217u), F(16777216.0f));  // RNE: tie to even
  EXPECT_EQ(pl::cast_i2f(16777219u), F(16777220.0f));
  EXPECT_EQ(pl::cast_i2f(0x80000000u), F(-2147483648.0f));
  EXPECT_EQ(pl::cast_i2f(0x7FFFFFFFu), F(2147483648.0f));
  EXPECT_EQ(pl::cast_f2b(F(-0.0f)), 0u);
  EXPECT_EQ(pl::cast_f2b(0x00000001u), 0u);  // subnormal flushes to zero: false
  EXPECT_EQ(pl::cast_f2b(F(0.25f)), pl::kOne);
  EXPECT_EQ(pl::cast_f2b(pl::kQNaN), pl::kOne);
  EXPECT_EQ(pl::cast_i2b(0u), 0u);
  EXPECT_EQ(pl::cast_i2b(0x80000000u), pl::kOne);
}

TEST(PlFloat, IntOps) {
  const uint32_t m1 = 0xFFFFFFFFu;  // -1
  EXPECT_EQ(pl::iadd(0x7FFFFFFFu, 1u), 0x80000000u);
  EXPECT_EQ(pl::isub(0u, 1u), m1);
  EXPECT_EQ(pl::imul(0x10000u, 0x10000u), 0u);
  EXPECT_EQ(pl::imul(m1, 5u), static_cast<uint32_t>(-5));
  EXPECT_EQ(pl::imax(m1, 1u), 1u);
  EXPECT_EQ(pl::ineg(0x80000000u), 0x80000000u);
  EXPECT_EQ(pl::icmplt(m1, 0u), pl::kOne);
  EXPECT_EQ(pl::icmpeq(3u, 3u), pl::kOne);
  EXPECT_EQ(pl::icmpne(3u, 3u), 0u);
  EXPECT_EQ(pl::iand(0xF0u, 0x3Cu), 0x30u);
  EXPECT_EQ(pl::ior(0xF0u, 0x0Fu), 0xFFu);
  EXPECT_EQ(pl::ixor(0xFFu, 0x0Fu), 0xF0u);
  EXPECT_EQ(pl::ishl(1u, 33u), 2u);  // count & 31
  EXPECT_EQ(pl::ishr(0x80000000u, 31u), m1);
  EXPECT_EQ(pl::ishr(0x40000000u, 30u), 1u);
}

TEST(PlFloat, RoundEven) {
  Gen g(5);
  for (int i = 0; i < 2'000'000; ++i) {
    uint32_t a = g.any();
    if (i & 1) a = (a & 0x807FFFFFu) | ((120u + g.any() % 32) << 23);  // |a| in [2^-7, 2^24]
    if (pl::is_nan(a) || pl::is_subnormal(a)) continue;
    ASSERT_EQ(pl::roundeven(a), F(std::nearbyint(from_bits(a)))) << std::hex << a;
  }
  EXPECT_EQ(pl::roundeven(F(0.5f)), F(0.0f));
  EXPECT_EQ(pl::roundeven(F(-0.5f)), F(-0.0f));
  EXPECT_EQ(pl::roundeven(F(1.5f)), F(2.0f));
  EXPECT_EQ(pl::roundeven(F(2.5f)), F(2.0f));
}

// ---- transcendental functions: special values ------------------------------------------------
TEST(PlFloat, Exp2Specials) {
  EXPECT_EQ(pl::exp2(F(0.0f)), pl::kOne);
  EXPECT_EQ(pl::exp2(F(-0.0f)), pl::kOne);
  EXPECT_EQ(pl::exp2(0x00000001u), pl::kOne);
  EXPECT_EQ(pl::exp2(pl::kPosInf), pl::kPosInf);
  EXPECT_EQ(pl::exp2(pl::kNegInf), 0u);
  EXPECT_EQ(pl::exp2(0xFFC00001u), pl::kQNaN);
  EXPECT_EQ(pl::exp2(F(128.0f)), pl::kPosInf);
  EXPECT_EQ(pl::exp2(0x42FFFFFFu), F(std::exp2(from_bits(0x42FFFFFFu))));  // largest x < 128
  EXPECT_EQ(pl::exp2(F(-126.0f)), kMinNormal);
  EXPECT_EQ(pl::exp2(0xC2FC0001u), 0u);  // just below -126
  for (int n = -126; n <= 127; ++n)  // integers are exact
    ASSERT_EQ(pl::exp2(F(static_cast<float>(n))), F(std::ldexp(1.0f, n))) << n;
  EXPECT_EQ(pl::exp2(F(0.5f)), F(static_cast<float>(std::sqrt(2.0L))));
}

TEST(PlFloat, Log2Specials) {
  EXPECT_EQ(pl::log2(F(1.0f)), F(0.0f));
  EXPECT_EQ(pl::log2(F(0.0f)), pl::kNegInf);
  EXPECT_EQ(pl::log2(F(-0.0f)), pl::kNegInf);
  EXPECT_EQ(pl::log2(0x00000001u), pl::kNegInf);  // subnormal flushes to +0
  EXPECT_EQ(pl::log2(0x80000001u), pl::kNegInf);  // -subnormal flushes to -0
  EXPECT_EQ(pl::log2(F(-1.0f)), pl::kQNaN);
  EXPECT_EQ(pl::log2(pl::kNegInf), pl::kQNaN);
  EXPECT_EQ(pl::log2(pl::kPosInf), pl::kPosInf);
  EXPECT_EQ(pl::log2(0x7FC00000u), pl::kQNaN);
  for (int n = -126; n <= 127; ++n)  // powers of two are exact
    ASSERT_EQ(pl::log2(F(std::ldexp(1.0f, n))), F(static_cast<float>(n))) << n;
  EXPECT_EQ(pl::log2(kMaxFinite), F(128.0f));
}

TEST(PlFloat, SinSpecials) {
  EXPECT_EQ(pl::sin(F(0.0f)), F(0.0f));
  EXPECT_EQ(pl::sin(F(-0.0f)), F(-0.0f));
  EXPECT_EQ(pl::sin(0x80000001u), F(-0.0f));
  EXPECT_EQ(pl::sin(pl::kPosInf), pl::kQNaN);
  EXPECT_EQ(pl::sin(pl::kNegInf), pl::kQNaN);
  EXPECT_EQ(pl::sin(0x7F800001u), pl::kQNaN);
  EXPECT_EQ(pl::sin(F(1e-20f)), F(1e-20f));
  bool range = false;
  EXPECT_FALSE(pl::is_nan(pl::sin(F(65536.0f), &range)));
  EXPECT_FALSE(range);
  EXPECT_EQ(pl::sin(0x47800001u, &range), pl::kQNaN);  // outside the domain
  EXPECT_TRUE(range);
  range = false;
  EXPECT_EQ(pl::sin(F(-1e30f), &range), pl::kQNaN);
  EXPECT_TRUE(range);
  // near multiples of pi the exact reduction keeps the relative accuracy
  EXPECT_EQ(pl::ulp::distance(pl::sin(0x43ACC9A0u), pl::ulp::round_ref(sinl(from_bits(0x43ACC9A0u)))), 0);
  // odd symmetry holds bit for bit
  Gen g(6);
  for (int i = 0; i < 200'000; ++i) {
    const uint32_t x = (g.any() & 0x7FFFFFFFu) % 0x47800000u;
    ASSERT_EQ(pl::sin(x) ^ 0x80000000u, pl::sin(x | 0x80000000u)) << std::hex << x;
  }
}

// ---- ULP bounds (hw-spec §9), dense strided sweeps ------------------------------------------
namespace {

struct Sweep {
  int64_t max_ulp = 0;
  uint32_t worst = 0;
  double max_abs = 0;
};

// Unoptimised (Debug/sanitizer) builds sweep 4x sparser to keep the suite fast there; Release
// builds run the strides written below.
#ifdef NDEBUG
constexpr uint32_t kStrideScale = 1;
#else
constexpr uint32_t kStrideScale = 4;
#endif

template <class Fn, class Ref>
Sweep sweep(uint32_t lo, uint32_t hi, uint32_t stride, bool both_signs, Fn f, Ref ref) {
  stride *= kStrideScale;
  Sweep s;
  for (int sign = 0; sign < (both_signs ? 2 : 1); ++sign) {
    for (uint64_t u = lo; u <= hi; u += stride) {
      const uint32_t x = static_cast<uint32_t>(u) | (sign ? 0x80000000u : 0u);
      const uint32_t got = f(x);
      const long double rv = ref(static_cast<long double>(from_bits(x)));
      const int64_t d = pl::ulp::distance(got, pl::ulp::round_ref(rv));
      if (d > s.max_ulp) {
        s.max_ulp = d;
        s.worst = x;
      }
      const double ae = static_cast<double>(std::fabs(static_cast<long double>(from_bits(got)) - rv));
      if (ae > s.max_abs) s.max_abs = ae;
    }
  }
  return s;
}

}  // namespace

TEST(PlFloatUlp, Exp2WithinOneUlp) {
  // every 97th binary32 of |x| < 128, plus an exhaustive pass over f-like inputs |x| < 0.5
  auto s = sweep(kMinNormal, 0x42FFFFFFu, 97, true, [](uint32_t x) { return pl::exp2(x); },
                 [](long double v) { return exp2l(v); });
  EXPECT_LE(s.max_ulp, 1) << std::hex << "worst x=0x" << s.worst;
  s = sweep(0x3E000000u, 0x3EFFFFFFu, 1, true, [](uint32_t x) { return pl::exp2(x); },
            [](long double v) { return exp2l(v); });
  EXPECT_LE(s.max_ulp, 1) << std::hex << "worst x=0x" << s.worst;
}

TEST(PlFloatUlp, Exp2ScaleNeverLeavesNormalRange) {
  for (uint64_t u = 0xC2FC0000u; u <= 0xC2FFFFFFu; u += 1) {  // x in [-128, -126]
    const uint32_t r = pl::exp2(static_cast<uint32_t>(u));
    ASSERT_TRUE(r == 0u || ((r >> 23) & 0xFF) >= 1) << std::hex << u;
  }
  for (uint64_t u = 0x42FE0000u; u <= 0x42FFFFFFu; u += 1) {  // x in [127, 128)
    const uint32_t r = pl::exp2(static_cast<uint32_t>(u));
    ASSERT_LT(r, pl::kPosInf) << std::hex << u;
  }
}

TEST(PlFloatUlp, Log2WithinOneUlp) {
  auto s = sweep(kMinNormal, 0x7F7FFFFFu, 97, false, [](uint32_t x) { return pl::log2(x); },
                 [](long double v) { return log2l(v); });
  EXPECT_LE(s.max_ulp, 1) << std::hex << "worst x=0x" << s.worst;
  // exhaustive on [0.5, 2): the binades where the result has no integer part
  s = sweep(0x3F000000u, 0x3FFFFFFFu, 1, false, [](uint32_t x) { return pl::log2(x); },
            [](long double v) { return log2l(v); });
  EXPECT_LE(s.max_ulp, 1) << std::hex << "worst x=0x" << s.worst;
}

TEST(PlFloatUlp, SinWithinTwoUlp) {
  auto s = sweep(kMinNormal, 0x47800000u, 61, true, [](uint32_t x) { return pl::sin(x); },
                 [](long double v) { return sinl(v); });
  EXPECT_LE(s.max_ulp, 2) << std::hex << "worst x=0x" << s.worst;
}

TEST(PlFloatUlp, SinNearMultiplesOfPi) {
  // the binary32 neighbours of k*pi, k = 1..20861: results are tiny, the reduction must be exact
  int64_t worst = 0;
  for (int k = 1; k <= 20861; ++k) {
    const float c = static_cast<float>(k * 3.14159265358979323846264338327950288L);
    for (int d = -2; d <= 2; ++d) {
      const uint32_t x = static_cast<uint32_t>(static_cast<int64_t>(F(c)) + d);
      if (x > pl::kSinMaxArg) continue;
      worst = std::max(worst, pl::ulp::distance(pl::sin(x), pl::ulp::round_ref(sinl(from_bits(x)))));
    }
  }
  EXPECT_LE(worst, 2);
}

TEST(PlFloatUlp, RecipDivSqrtCorrectlyRounded) {
  auto s = sweep(kMinNormal, 0x7F7FFFFFu, 101, true, [](uint32_t x) { return pl::recip(x); },
                 [](long double v) { return 1.0L / v; });
  EXPECT_EQ(s.max_ulp, 0) << std::hex << "worst x=0x" << s.worst;
  s = sweep(kMinNormal, 0x7F7FFFFFu, 101, false, [](uint32_t x) { return pl::sqrt(x); },
            [](long double v) { return sqrtl(v); });
  EXPECT_EQ(s.max_ulp, 0) << std::hex << "worst x=0x" << s.worst;
  Gen g(7);
  for (int i = 0; i < 1'000'000; ++i) {
    const uint32_t a = g.any(), b = g.any();
    if (pl::is_nan(a) || pl::is_nan(b)) continue;
    const long double q = static_cast<long double>(from_bits(pl::ftz(a))) / from_bits(pl::ftz(b));
    ASSERT_EQ(pl::ulp::distance(pl::div(a, b), pl::ulp::round_ref(q)), 0) << std::hex << a << " " << b;
  }
}

// ---- every result is canonical ---------------------------------------------------------------
TEST(PlFloat, AllFloatResultsCanonical) {
  Gen g(8);
  for (int i = 0; i < 300'000; ++i) {
    const uint32_t a = g.pick(), b = g.pick(), c = g.pick();
    for (uint32_t r : {pl::add(a, b), pl::sub(a, b), pl::mul(a, b), pl::div(a, b), pl::sqrt(a),
                       pl::recip(a), pl::neg(a), pl::mulacc(a, b, c), pl::max(a, b), pl::mod(a, b),
                       pl::where(c, a, b), pl::exp2(a), pl::log2(a), pl::sin(a), pl::cast_i2f(a)})
      ASSERT_TRUE(is_canonical(r)) << std::hex << r << " from " << a << " " << b << " " << c;
  }
}

// ---- reduce and dot orders (hw-spec §6.2, §6.3) ----------------------------------------------
TEST(PlFloat, ReduceSumOrder) {
  std::vector<uint32_t> x;
  Gen g(9);
  for (std::size_t len = 1; len <= 40; ++len) {
    x.clear();
    for (std::size_t i = 0; i < len; ++i) x.push_back(F(static_cast<float>(g.u64() % 2001) / 7.0f - 100.0f));
    uint32_t p[8];
    for (auto& v : p) v = pl::kNegZero;
    for (std::size_t i = 0; i < len; ++i) p[i % 8] = pl::add(p[i % 8], x[i]);
    const uint32_t want = pl::add(pl::add(pl::add(p[0], p[1]), pl::add(p[2], p[3])),
                                  pl::add(pl::add(p[4], p[5]), pl::add(p[6], p[7])));
    ASSERT_EQ(pl::reduce_sum(x.data(), len), want) << len;
  }
  const uint32_t one = F(-3.25f);
  EXPECT_EQ(pl::reduce_sum(&one, 1), one);
  const uint32_t nz = F(-0.0f);
  EXPECT_EQ(pl::reduce_sum(&nz, 1), nz);
  // the order is visible: 2^24 followed by 15 ones. A sequential sum stays at 2^24 (every
  // 2^24 + 1 ties to even); the 8-way order adds the ones among themselves first.
  std::vector<uint32_t> y(16, F(1.0f));
  y[0] = F(16777216.0f);
  float seq = 0.0f;
  for (uint32_t v : y) seq += from_bits(v);
  EXPECT_EQ(seq, 16777216.0f);
  EXPECT_EQ(from_bits(pl::reduce_sum(y.data(), y.size())), 16777216.0f + 14.0f);
}

TEST(PlFloat, ReduceMaxAndDot) {
  std::vector<uint32_t> x = {F(-5.0f), F(3.0f), F(-0.0f), F(2.0f)};
  EXPECT_EQ(pl::reduce_max(x.data(), x.size()), F(3.0f));
  x.push_back(0x7F800001u);
  EXPECT_EQ(pl::reduce_max(x.data(), x.size()), pl::kQNaN);
  const uint32_t m = F(-0.0f);
  EXPECT_EQ(pl::reduce_max(&m, 1), m);
  const uint32_t a[3] = {F(1.0f), F(2.0f), F(3.0f)};
  const uint32_t w[6] = {F(4.0f), 0, F(5.0f), 0, F(6.0f), 0};
  EXPECT_EQ(pl::dot(a, w, 3, 2), F(32.0f));
  const uint32_t zn[1] = {F(-0.0f)}, zp[1] = {F(1.0f)};
  EXPECT_EQ(pl::dot(zn, zp, 1, 1), F(-0.0f));  // acc starts at -0: (-0) + (-0) = -0
}

TEST(PlFloat, MatmulEqualsDot) {
  Gen g(10);
  const std::size_t m = 64, k = 37, n = 11;
  std::vector<uint32_t> a(m * k), w(k * n), c(m * n);
  for (auto& v : a)  // mostly ordinary values, some specials (NaN, inf, subnormal, huge, tiny)
    v = (g.u64() % 8 == 0) ? g.pick() : F(static_cast<float>(static_cast<int>(g.u64() % 2001) - 1000) / 77.0f);
  for (auto& v : w) v = g.pick();
  pl::matmul(a.data(), w.data(), c.data(), m, k, n);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      ASSERT_EQ(c[i * n + j], pl::dot(&a[i * k], &w[j], k, n)) << i << "," << j;
}

TEST(PlFloat, MatmulBlockedEdgesEqualDot) {
  // Row remainder (m = 7 with 4-row blocks) and two column blocks (n = 300 > 256).
  Gen g(11);
  const std::size_t m = 7, k = 19, n = 300;
  std::vector<uint32_t> a(m * k), w(k * n), c(m * n);
  for (auto& v : a) v = (g.u64() % 8 == 0) ? g.pick() : F(static_cast<float>(static_cast<int>(g.u64() % 2001) - 1000) / 77.0f);
  for (auto& v : w) v = (g.u64() % 4 == 0) ? g.pick() : F(static_cast<float>(static_cast<int>(g.u64() % 999)) / 13.0f);
  pl::matmul(a.data(), w.data(), c.data(), m, k, n);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      ASSERT_EQ(c[i * n + j], pl::dot(&a[i * k], &w[j], k, n)) << i << "," << j;
}

TEST(PlFloat, MatmulWideTilesEqualDot) {
  // The R x 32, R x 16 and masked tail register tiles of the AVX-512 path on hosts that have
  // it (8- and 4-row blocks; N = 10: only the tail), row remainders, specials in both operands.
  Gen g(13);
  for (const std::size_t n : {10u, 16u, 45u, 48u, 64u, 80u})
    for (const std::size_t m : {11u, 15u}) {
      const std::size_t k = 29;
      std::vector<uint32_t> a(m * k), w(k * n), c(m * n);
      for (auto& v : a) v = (g.u64() % 8 == 0) ? g.pick() : F(static_cast<float>(static_cast<int>(g.u64() % 2001) - 1000) / 77.0f);
      for (auto& v : w) v = (g.u64() % 4 == 0) ? g.pick() : F(static_cast<float>(static_cast<int>(g.u64() % 999)) / 13.0f);
      pl::matmul(a.data(), w.data(), c.data(), m, k, n);
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j)
          ASSERT_EQ(c[i * n + j], pl::dot(&a[i * k], &w[j], k, n)) << n << ": " << i << "," << j;
    }
}

TEST(PlFloat, MatmulUnderflowBoundaryEqualsDot) {
  // Products and sums around 2^-126: subnormal products (flushed before the add), results that
  // round up to 2^-126 (kept), subnormal accumulators (flushed before the next add), and the
  // exact case (1 - 2^-24) * 2^-126, which rounds to 2^-126 (x86 FTZ would flush it).
  Gen g(12);
  for (const std::size_t n : {40u, 48u, 64u}) {  // 48, 64: the AVX-512 tiles where the host has them
    const std::size_t m = 9, k = 23;
    std::vector<uint32_t> a(m * k), w(k * n), c(m * n);
    auto near = [&](int e0) {  // sign, exponent in [e0 - 3, e0 + 3], random significand
      const uint32_t e = static_cast<uint32_t>(127 + e0 - 3 + static_cast<int>(g.u64() % 7));
      return static_cast<uint32_t>((g.u64() & 1) << 31) | (e << 23) | static_cast<uint32_t>(g.u64() & 0x7FFFFF);
    };
    for (auto& v : a) v = near(-63);
    for (auto& v : w) v = (g.u64() % 5 == 0) ? 0x3F7FFFFFu : near(-63);
    a[0] = 0x00800000u;  // 2^-126 x (1 - 2^-24) below
    w[0] = 0x3F7FFFFFu;
    pl::matmul(a.data(), w.data(), c.data(), m, k, n);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j)
        ASSERT_EQ(c[i * n + j], pl::dot(&a[i * k], &w[j], k, n)) << n << ": " << i << "," << j;
  }
  // Hand-made: (1 - 2^-24) * 2^-126 rounds up to 2^-126 and is kept; a subnormal product
  // (2^-100 * 2^-40) is flushed before it is added; a sum that ends subnormal is flushed.
  const uint32_t a2[3] = {0x00800000u, F(std::ldexp(1.0f, -100)), F(std::ldexp(-1.0f, -100))};
  const uint32_t w2[3] = {0x3F7FFFFFu, F(std::ldexp(1.0f, -40)), F(std::ldexp(1.0f, -26))};
  uint32_t c2 = 0;
  pl::matmul(a2, w2, &c2, 1, 2, 1);
  EXPECT_EQ(c2, 0x00800000u);
  pl::matmul(a2, w2, &c2, 1, 1, 1);
  EXPECT_EQ(c2, 0x00800000u);
  const uint32_t a3[2] = {0x00800000u, F(-std::ldexp(1.0f, -126))};
  const uint32_t w3[2] = {F(1.5f), F(1.0f)};  // 1.5 * 2^-126 - 2^-126 = 2^-127: subnormal -> +0
  pl::matmul(a3, w3, &c2, 1, 2, 1);
  EXPECT_EQ(c2, 0u);
  EXPECT_EQ(pl::dot(a3, w3, 2, 1), 0u);
}

TEST(PlUnits, VecApplyNBulkEqualsPerElement) {
  // The vectorised bulk paths (ADD, SUB, MUL, DIV, RECIP, SQRT, COPY, NEG, MAX, compares)
  // against vec_apply element by element: specials, subnormals, values around the underflow
  // threshold, equal operands, and scalars (both scalar: a constant fill).
  Gen g(13);
  const std::size_t n = 20000;
  std::vector<uint32_t> a(n), b(n), got(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (g.u64() % 3) {
      case 0: a[i] = g.pick(), b[i] = g.pick(); break;
      case 1:  // products/sums/quotients near 2^-126
        a[i] = static_cast<uint32_t>((g.u64() & 1) << 31) | static_cast<uint32_t>((64 + g.u64() % 6) << 23) |
               static_cast<uint32_t>(g.u64() & 0x7FFFFF);
        b[i] = static_cast<uint32_t>((g.u64() & 1) << 31) | static_cast<uint32_t>((61 + g.u64() % 6) << 23) |
               static_cast<uint32_t>(g.u64() & 0x7FFFFF);
        break;
      default: a[i] = static_cast<uint32_t>(g.u64()), b[i] = static_cast<uint32_t>(g.u64());
    }
  }
  a[0] = 0x00800000u, b[0] = 0x3F7FFFFFu;  // MUL rounds up to 2^-126 (kept)
  for (std::size_t i = 1; i < 64; ++i) b[i] = (i & 1) ? a[i] : (a[i] ^ 0x80000000u);  // equal, -0 vs +0
  for (pl::VecOp op : {pl::VecOp::ADD, pl::VecOp::SUB, pl::VecOp::MUL, pl::VecOp::DIV, pl::VecOp::RECIP,
                       pl::VecOp::SQRT, pl::VecOp::COPY, pl::VecOp::NEG, pl::VecOp::MAX, pl::VecOp::CMPLT,
                       pl::VecOp::CMPEQ, pl::VecOp::CMPNE, pl::VecOp::ICMPEQ, pl::VecOp::ICMPNE, pl::VecOp::IADD,
                       pl::VecOp::ISUB, pl::VecOp::IMUL, pl::VecOp::IMAX, pl::VecOp::INEG, pl::VecOp::IAND,
                       pl::VecOp::IOR, pl::VecOp::IXOR, pl::VecOp::ISHL, pl::VecOp::ISHR, pl::VecOp::ICMPLT}) {
    pl::vec_apply_n(op, a.data(), b.data(), nullptr, 0, 0, 0, got.data(), n);
    for (std::size_t i = 0; i < n; ++i)
      ASSERT_EQ(got[i], pl::vec_apply(op, a[i], b[i], 0)) << static_cast<int>(op) << " i " << i << std::hex
                                                           << " a " << a[i] << " b " << b[i];
    pl::vec_apply_n(op, a.data(), nullptr, nullptr, 0, b[7], 0, got.data(), n);  // B scalar
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(got[i], pl::vec_apply(op, a[i], b[7], 0)) << i;
    pl::vec_apply_n(op, nullptr, b.data(), nullptr, a[9], 0, 0, got.data(), n);  // A scalar
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(got[i], pl::vec_apply(op, a[9], b[i], 0)) << i;
    pl::vec_apply_n(op, nullptr, nullptr, nullptr, a[3], b[5], 0, got.data(), 5);  // both scalar
    for (std::size_t i = 0; i < 5; ++i) ASSERT_EQ(got[i], pl::vec_apply(op, a[3], b[5], 0)) << i;
  }
}

TEST(PlUnits, ReduceSumRowsEqualsReduceSum) {
  // The SIMD row sums (and row maxima) against pl::reduce_sum (reduce_max) row by row: row lengths around multiples of 8
  // (the partial sums), specials, subnormals, sums that cancel into the subnormal range.
  Gen g(17);
  for (std::size_t len : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, 15u, 16u, 17u, 128u, 784u, 1001u}) {
    const std::size_t rows = 37;
    std::vector<uint32_t> x(rows * len), got(rows, 0xDEADBEEFu);
    for (std::size_t i = 0; i < x.size(); ++i) {
      switch (g.u64() % 4) {
        case 0: x[i] = g.pick(); break;
        case 1:  // around 2^-126: partial sums underflow and are flushed
          x[i] = static_cast<uint32_t>((g.u64() & 1) << 31) | static_cast<uint32_t>((g.u64() % 3) << 23) |
                 static_cast<uint32_t>(g.u64() & 0x7FFFFF);
          break;
        case 2: x[i] = F(static_cast<float>(static_cast<int64_t>(g.u64() % 2001) - 1000) * 0.125f); break;
        default: x[i] = static_cast<uint32_t>(g.u64());
      }
    }
    pl::reduce_sum_rows(x.data(), rows, len, got.data());
    for (std::size_t r = 0; r < rows; ++r)
      ASSERT_EQ(got[r], pl::reduce_sum(&x[r * len], len)) << "len " << len << " row " << r;
    pl::reduce_max_rows(x.data(), rows, len, got.data());
    for (std::size_t r = 0; r < rows; ++r)
      ASSERT_EQ(got[r], pl::reduce_max(&x[r * len], len)) << "max len " << len << " row " << r;
  }
}

TEST(PlUnits, BulkExp2Log2EqualScalar) {
  // The vectorised EXP2/LOG2 of vec_apply_n against pl::exp2/pl::log2 lane by lane: random
  // bits, specials, subnormals, a dense sweep over EXP2's whole domain (both clamps, the
  // roundeven ties at k + 0.5) and over LOG2's table intervals, inputs near 1.
  Gen g(19);
  std::vector<uint32_t> x;
  for (int i = 0; i < 40000; ++i) x.push_back(i % 2 ? g.pick() : static_cast<uint32_t>(g.u64()));
  for (float v = -130.0f; v <= 130.0f; v += 0.015625f) x.push_back(F(v)), x.push_back(F(v) + 1), x.push_back(F(v) - 1);
  for (float v : {-126.0f, -125.5f, 127.5f, 127.99999f, 128.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f})
    x.push_back(F(v));
  for (uint32_t e = 0; e < 256; ++e)
    for (uint32_t j = 0; j < 128; ++j) x.push_back(e << 23 | j << 16 | static_cast<uint32_t>(g.u64() & 0xFFFF));
  for (uint32_t d = 0; d < 4096; ++d) x.push_back(0x3F800000u + d), x.push_back(0x3F800000u - d);
  for (uint32_t v : {0u, 0x80000000u, 1u, 0x807FFFFFu, 0x7F800000u, 0xFF800000u, 0x7FC00000u, 0xFFFFFFFFu, 0x7F800001u})
    x.push_back(v);
  std::vector<uint32_t> got(x.size());
  for (pl::VecOp op : {pl::VecOp::EXP2, pl::VecOp::LOG2}) {
    pl::vec_apply_n(op, x.data(), nullptr, nullptr, 0, 0, 0, got.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
      ASSERT_EQ(got[i], op == pl::VecOp::EXP2 ? pl::exp2(x[i]) : pl::log2(x[i]))
          << (op == pl::VecOp::EXP2 ? "EXP2" : "LOG2") << " x 0x" << std::hex << x[i];
  }
}

TEST(PlUnits, VecApplyN) {
  const uint32_t a[3] = {F(1.0f), F(2.0f), F(3.0f)};
  uint32_t out[3];
  pl::vec_apply_n(pl::VecOp::MUL, a, nullptr, nullptr, 0, F(0.5f), 0, out, 3);
  EXPECT_EQ(out[2], F(1.5f));
  pl::vec_apply_n(pl::VecOp::COPY, nullptr, nullptr, nullptr, F(7.0f), 0, 0, out, 3);
  EXPECT_EQ(out[0], F(7.0f));
}

TEST(PlFloat, Log2TableInvariants) {
  const pl::Log2Entry* t = pl::log2_table();
  for (int j = 0; j < 128; ++j) {
    const uint32_t c = t[j].c;
    EXPECT_EQ(c & 0xFFFu, 0u) << j;  // C_j has at most 12 significant bits
    const float thi = from_bits(t[j].t_hi);
    EXPECT_EQ(std::ldexp(thi, 17), std::nearbyint(std::ldexp(thi, 17))) << j;  // multiple of 2^-17
    const long double tt = -log2l(from_bits(c));
    EXPECT_LE(std::fabs(static_cast<long double>(thi) + from_bits(t[j].t_lo) - tt), 0x1p-40L) << j;
  }
  EXPECT_EQ(t[0].c, pl::kOne);
  EXPECT_EQ(t[127].c, pl::kOne);
}

// ---- unit-level tables and ideal cycle formulas (hw-spec §6, §7) -----------------------------
TEST(PlUnits, OpTable) {
  using pl::VecOp;
  ASSERT_NE(pl::vec_op_info(0x13), nullptr);
  EXPECT_STREQ(pl::vec_op_info(0x13)->name, "EXP2");
  EXPECT_EQ(pl::vec_op_info(0x00), nullptr);
  EXPECT_EQ(pl::vec_op_info(0x3F), nullptr);
  int defined = 0;
  for (uint32_t op = 0; op < 64; ++op) {
    const pl::VecOpInfo* i = pl::vec_op_info(op);
    if (!i) continue;
    ++defined;
    EXPECT_EQ(static_cast<uint32_t>(i->op), op);
    EXPECT_TRUE(i->ii == 1 || i->ii == 2);
    EXPECT_GE(i->latency, 3);
    EXPECT_GE(i->arity, 1);
    EXPECT_LE(i->arity, 3);
  }
  EXPECT_EQ(defined, 36);
  EXPECT_EQ(pl::vec_apply(VecOp::WHERE, pl::kOne, F(2.0f), F(3.0f)), F(2.0f));
  EXPECT_EQ(pl::vec_apply(VecOp::MULACC, F(2.0f), F(3.0f), F(4.0f)), F(10.0f));
  EXPECT_EQ(pl::vec_apply(VecOp::COPY, 0x00000001u, 0, 0), 0u);
  bool range = false;
  pl::vec_apply(VecOp::MOD, F(0x1p40f), F(3.0f), 0, &range);
  EXPECT_TRUE(range);
}

TEST(PlUnits, VectorAndReduceIdealCycles) {
  using pl::VecOp;
  EXPECT_EQ(pl::vector_cycles_ideal(VecOp::ADD, 1), 7u);   // 1 beat: 1 + P
  EXPECT_EQ(pl::vector_cycles_ideal(VecOp::ADD, 2), 7u);   // exactly one beat
  EXPECT_EQ(pl::vector_cycles_ideal(VecOp::ADD, 3), 8u);   // partial last beat
  EXPECT_EQ(pl::vector_cycles_ideal(VecOp::ADD, 1000), 506u);
  EXPECT_EQ(pl::vector_cycles_ideal(VecOp::EXP2, 1), 53u);
  EXPECT_EQ(pl::vector_cycles_ideal(VecOp::EXP2, 1000), 1051u);  // 1 + 2*499 + 52
  EXPECT_EQ(pl::reduce_cycles_ideal(1, 1), 25u);
  EXPECT_EQ(pl::reduce_cycles_ideal(3, 3), 29u);   // 9 elements = 5 beats
  EXPECT_EQ(pl::reduce_cycles_ideal(128, 784), 128u * 392u + 24u);
}

TEST(PlUnits, SpecWorkedExamples) {  // the table of hw-spec §8.4
  using pl::VecOp;
  EXPECT_EQ(pl::vector_cycles_ideal(VecOp::ADD, 1000000), 500006u);
  EXPECT_EQ(pl::vector_cycles_ideal(VecOp::EXP2, 1000000), 1000051u);
  EXPECT_EQ(pl::reduce_cycles_ideal(128, 10), 664u);
  EXPECT_EQ(pl::matmul_cycles_ideal(4, 8, 16, true), 161u);
  EXPECT_EQ(pl::matmul_cycles_ideal(32, 784, 64, true), 125601u);
  EXPECT_EQ(pl::matmul_cycles_ideal(32, 784, 64, false), 102081u);
  EXPECT_EQ(pl::matmul_cycles_ideal(8, 1, 1024, true), 5665u);
}

TEST(PlUnits, MatmulIdealCycles) {
  const pl::MatmulConfig cfg;
  EXPECT_EQ(cfg.drain(), 33u);
  EXPECT_EQ(pl::matmul_cycles_ideal(1, 1, 1, true), 51u);
  // compute-bound closed form: max(LA_0, NBW) + NBLK*T_C + D_MM + SO_last
  struct Case { uint64_t m, k, n; bool w; };
  for (const Case c : {Case{32, 784, 64, true}, Case{32, 784, 64, false}, Case{33, 100, 10, true},
                       Case{4, 8, 16, true}, Case{130, 128, 10, false}, Case{7, 9, 33, true}}) {
    const uint64_t nblk = (c.m + 3) / 4;
    const uint64_t tc = cfg.passes(c.n) * cfg.pass_cycles(c.k);
    const uint64_t la0 = (std::min<uint64_t>(4, c.m) * c.k + 1) / 2;
    const uint64_t last_rows = c.m - 4 * (nblk - 1);
    const uint64_t so_last = (last_rows * c.n + 1) / 2;
    const uint64_t nbw = c.w ? (c.k * c.n + 1) / 2 : 0;
    if (nblk > 1) {
      ASSERT_GE(tc, 2 * c.k);                // loads keep up (NBA = R*K/2 <= T_C)
      ASSERT_GE(tc, cfg.drain() + 2 * c.n);  // OBUF double buffer keeps up (D_MM + NBO <= T_C)
    }
    EXPECT_EQ(pl::matmul_cycles_ideal(c.m, c.k, c.n, c.w),
              std::max(la0, nbw) + nblk * tc + cfg.drain() + so_last)
        << c.m << "x" << c.k << "x" << c.n;
  }
  // store-bound: K = 1, N = 1024: each block computes in 64 passes * 16 = 1024 cycles but
  // stores 2048 beats; block 0 is in OBUF at NBW + T_C + D_MM, then the two stores run back to
  // back: 512 + 1024 + 33 + 2 * 2048.
  EXPECT_EQ(pl::matmul_cycles_ideal(8, 1, 1024, true), 512u + 1024u + 33u + 2u * 2048u);
}

// ---- the normative pipeline model of hw-spec §8.2 against the formulas of §8.4/§8.5 ----------
namespace {

std::vector<int64_t> vector_tokens(uint64_t nb) {
  std::vector<int64_t> t(nb);
  for (uint64_t i = 0; i < nb; ++i) t[i] = static_cast<int64_t>(i);
  return t;
}

}  // namespace

TEST(PlTiming, IdealMatchesFormulas) {
  using pl::VecOp;
  for (VecOp op : {VecOp::ADD, VecOp::NEG, VecOp::WHERE, VecOp::EXP2, VecOp::DIV, VecOp::SIN}) {
    const pl::VecOpInfo* info = pl::vec_op_info(static_cast<uint32_t>(op));
    for (uint64_t n : {1u, 2u, 3u, 4u, 999u, 1000u}) {
      const uint64_t nb = (n + 1) / 2;
      pl::PipelineModel m(info->latency, info->ii, vector_tokens(nb), info->arity);
      std::vector<std::vector<uint64_t>> arrival(info->arity, std::vector<uint64_t>(nb, 0));
      EXPECT_EQ(pl::run_pipeline(m, arrival, [](uint64_t) { return true; }),
                pl::vector_cycles_ideal(op, n))
          << info->name << " n=" << n;
    }
  }
  // all-scalar fill: no input stream at all
  pl::PipelineModel fill(3, 1, vector_tokens(5), 0);
  EXPECT_EQ(pl::run_pipeline(fill, {}, [](uint64_t) { return true; }),
            pl::vector_cycles_ideal(VecOp::COPY, 10));
  for (uint64_t rows : {1u, 2u, 3u, 7u, 128u})
    for (uint64_t len : {1u, 2u, 3u, 8u, 10u, 33u}) {
      const auto tok = pl::reduce_tokens(rows, len);
      int64_t carried = 0;
      for (int64_t t : tok) carried += t >= 0;
      ASSERT_EQ(static_cast<uint64_t>(carried), (rows + 1) / 2) << rows << "x" << len;
      pl::PipelineModel m(pl::kReduceLatency, 1, tok, 1);
      std::vector<std::vector<uint64_t>> arrival(1, std::vector<uint64_t>(tok.size(), 0));
      EXPECT_EQ(pl::run_pipeline(m, arrival, [](uint64_t) { return true; }),
                pl::reduce_cycles_ideal(rows, len))
          << rows << "x" << len;
    }
}

TEST(PlTiming, InputStallRecurrence) {
  // R always ready: a_0 = max(t0+1, v_0), a_i = max(a_(i-1) + II, v_i); t_done = a_last + P.
  Gen g(11);
  for (int trial = 0; trial < 300; ++trial) {
    const unsigned ii = 1 + trial % 2, p = ii == 1 ? 6 : 52, streams = 1 + trial % 3;
    const uint64_t nb = 1 + g.u64() % 60;
    std::vector<std::vector<uint64_t>> arrival(streams, std::vector<uint64_t>(nb));
    for (auto& s : arrival) {
      uint64_t t = g.u64() % 5;
      for (auto& a : s) a = (t += g.u64() % 4);  // non-decreasing arrival cycles
    }
    uint64_t prev = 0;
    for (uint64_t i = 0; i < nb; ++i) {
      uint64_t v = 0;
      for (const auto& s : arrival) v = std::max(v, s[i]);
      prev = (i == 0) ? std::max<uint64_t>(1, v) : std::max(prev + ii, v);
    }
    pl::PipelineModel m(p, ii, vector_tokens(nb), streams);
    ASSERT_EQ(pl::run_pipeline(m, arrival, [](uint64_t) { return true; }), prev + p) << trial;
  }
}

TEST(PlTiming, OutputStallsAddOneForOne) {
  // Ideal inputs: every cycle with TVALID=1 and TREADY=0 on R delays completion by one cycle.
  Gen g(12);
  for (int trial = 0; trial < 200; ++trial) {
    const unsigned ii = 1 + trial % 2, p = ii == 1 ? 3 + trial % 7 : 31;
    const uint64_t nb = 1 + g.u64() % 50;
    pl::PipelineModel m(p, ii, vector_tokens(nb), 2);
    uint64_t freezes = 0, cycles = 0;
    std::vector<bool> ready(100000);
    for (std::size_t t = 0; t < ready.size(); ++t) ready[t] = g.u64() % 3 != 0;
    for (uint64_t t = 1; t < ready.size() && !m.done(); ++t) {
      pl::PipelineModel::Inputs in;
      in.valid[0] = in.valid[1] = true;
      in.out_ready = ready[t];
      const auto o = m.step(in);
      freezes += o.out_valid && !ready[t];
      cycles = m.cycles();
    }
    ASSERT_TRUE(m.done());
    ASSERT_EQ(cycles, 1 + ii * (nb - 1) + p + freezes) << trial;
  }
}
