// SPDX-License-Identifier: MIT
// tinypynq — bit-exact C++ reference of the PL datapath arithmetic. See pl_float.h and
// docs/hw-spec.md §4-§5. Compile with -ffp-contract=off (CMakeLists.txt does).
#include "models/fp/pl_float.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <vector>
#include <algorithm>
#include <utility>

namespace tinypynq::pl {

uint32_t bits(float f) noexcept {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

float from_bits(uint32_t u) noexcept {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

namespace {

constexpr uint32_t kSign = 0x80000000u;
constexpr uint32_t kAbs = 0x7FFFFFFFu;

// Host binary32 value of a flushed input, and canonical bits of a host result.
inline float in(uint32_t a) noexcept { return from_bits(ftz(a)); }
inline uint32_t out(float f) noexcept { return canon(bits(f)); }

constexpr bool is_zero(uint32_t a) noexcept { return (a & kAbs) == 0; }

// Total order key for non-NaN values with -0 < +0.
constexpr uint32_t order_key(uint32_t a) noexcept { return (a & kSign) ? ~a : (a | kSign); }

// ---- constants of the algorithms (docs/hw-spec.md §5; derived by tools/fit_coeffs.py) --------
// EXP2: 2^f = 1 + f*(E1 + f*(E2 + f*(E3 + f*(E4 + f*(E5 + f*E6))))), f in [-0.5, 0.5]
constexpr uint32_t E1 = 0x3F317218u, E2 = 0x3E75FDF0u, E3 = 0x3D6357B6u, E4 = 0x3C1D952Au,
                   E5 = 0x3AAF8448u, E6 = 0x392209C5u;
// LOG2: log2(1+r) = r + r*(L0 + r*(L1 + r*(L2 + r*L3))), |r| <= 2^-7
constexpr uint32_t L0 = 0x3EE2A8EDu, L1 = 0xBF38AA3Bu, L2 = 0x3EF63A9Eu, L3 = 0xBEB8AC28u;
// SIN: sin(r) = r + r^3*(S1 + s*(S2 + s*(S3 + s*(S4 + s*S5)))), s = r^2, |r| <= pi/2
constexpr uint32_t S1 = 0xBE2AAAABu, S2 = 0x3C088888u, S3 = 0xB9500C83u, S4 = 0x3638CB49u,
                   S5 = 0xB2CED8E6u;
// SIN range reduction: k = roundeven(x * INV_PI); r = RN((X - k*PI_FIX) * 2^-88) in fixed point
constexpr uint32_t INV_PI = 0x3EA2F983u;

// Minimal unsigned 128-bit integer (portable: no __int128, so armhf builds work too).
struct U128 {
  uint64_t hi = 0, lo = 0;
};
constexpr U128 PI_FIX{0x3243F6Aull, 0x8885A308D313198Aull};  // round(pi * 2^88), 90 bits

bool u128_less(const U128& a, const U128& b) noexcept {
  return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
}
U128 u128_sub(const U128& a, const U128& b) noexcept {  // a - b, a >= b
  U128 r;
  r.lo = a.lo - b.lo;
  r.hi = a.hi - b.hi - (a.lo < b.lo ? 1u : 0u);
  return r;
}
U128 u128_shl(uint64_t v, int n) noexcept {  // v << n, 0 <= n < 128
  U128 r;
  if (n == 0) {
    r.lo = v;
  } else if (n < 64) {
    r.lo = v << n;
    r.hi = v >> (64 - n);
  } else {
    r.hi = v << (n - 64);
  }
  return r;
}
U128 u128_mul32(const U128& a, uint32_t k) noexcept {  // a * k (no overflow in our use)
  const uint64_t l0 = (a.lo & 0xFFFFFFFFu) * k, l1 = (a.lo >> 32) * k;
  U128 r;
  r.lo = l0 + (l1 << 32);
  r.hi = a.hi * k + (l1 >> 32) + (r.lo < l0 ? 1u : 0u);
  return r;
}
int u128_msb(const U128& a) noexcept {  // a != 0
  return a.hi ? 127 - __builtin_clzll(a.hi) : 63 - __builtin_clzll(a.lo);
}
U128 u128_shr(const U128& a, int n) noexcept {  // a >> n, 0 <= n < 128
  U128 r;
  if (n == 0) return a;
  if (n < 64) {
    r.lo = (a.lo >> n) | (a.hi << (64 - n));
    r.hi = a.hi >> n;
  } else {
    r.lo = a.hi >> (n - 64);
  }
  return r;
}
bool u128_any_below(const U128& a, int n) noexcept {  // any of bits [n-1:0] set, 0 <= n <= 128
  if (n <= 0) return false;
  if (n <= 64) return (a.lo & (n == 64 ? ~uint64_t{0} : ((uint64_t{1} << n) - 1))) != 0;
  return a.lo != 0 || (a.hi & ((uint64_t{1} << (n - 64)) - 1)) != 0;
}

constexpr Log2Entry kLog2Table[128] = {
    {0x3F800000, 0x00000000, 0x00000000},
    {0x3F7D1000, 0x3C886000, 0x3637706C},
    {0x3F7B2000, 0x3CE34000, 0xB61C2DD5},
    {0x3F793000, 0x3D1F6000, 0x36137F85},
    {0x3F775000, 0x3D4C0800, 0xB676144D},
    {0x3F757000, 0x3D790000, 0xB6428044},
    {0x3F73A000, 0x3D926400, 0x35F54442},
    {0x3F71D000, 0x3DA87400, 0x3626B4C7},
    {0x3F701000, 0x3DBDEC00, 0xB5CE91A5},
    {0x3F6E5000, 0x3DD38800, 0x3623D1F3},
    {0x3F6C9000, 0x3DE95000, 0x349EE80B},
    {0x3F6AE000, 0x3DFE7800, 0xB5E03EBD},
    {0x3F694000, 0x3E097E00, 0xB6485578},
    {0x3F679000, 0x3E143800, 0xB63535C5},
    {0x3F65F000, 0x3E1E9E00, 0x3623DED2},
    {0x3F646000, 0x3E28B200, 0xB6236487},
    {0x3F62C000, 0x3E333E00, 0x338270B9},
    {0x3F613000, 0x3E3D7600, 0xB6630B01},
    {0x3F5FB000, 0x3E475400, 0x363BDF46},
    {0x3F5E2000, 0x3E51B000, 0xB575AF53},
    {0x3F5CB000, 0x3E5B4800, 0xB64611BE},
    {0x3F5B3000, 0x3E655A00, 0x36104003},
    {0x3F59C000, 0x3E6F1400, 0xB674477C},
    {0x3F585000, 0x3E78DC00, 0x332DABFA},
    {0x3F56E000, 0x3E815B00, 0xB5A50130},
    {0x3F558000, 0x3E861900, 0xB5EA2402},
    {0x3F541000, 0x3E8B1600, 0x360A7C8A},
    {0x3F52C000, 0x3E8FAC00, 0x360973C8},
    {0x3F516000, 0x3E948200, 0x34A03E91},
    {0x3F501000, 0x3E992700, 0x359D803A},
    {0x3F4EC000, 0x3E9DD400, 0xB5D3807C},
    {0x3F4D7000, 0x3EA28800, 0x34DCCB9E},
    {0x3F4C3000, 0x3EA70A00, 0x359283A9},
    {0x3F4AE000, 0x3EABCE00, 0xB65E7433},
    {0x3F49A000, 0x3EB05E00, 0x360DDA18},
    {0x3F487000, 0x3EB4BB00, 0x361146A8},
    {0x3F473000, 0x3EB95A00, 0x36013B85},
    {0x3F460000, 0x3EBDC500, 0xB47D30D5},
    {0x3F44D000, 0x3EC23600, 0x3679AEBB},
    {0x3F43A000, 0x3EC6AF00, 0xB5606011},
    {0x3F428000, 0x3ECAF100, 0x3679B51F},
    {0x3F415000, 0x3ECF7800, 0xB66C4094},
    {0x3F403000, 0x3ED3C700, 0x35E18939},
    {0x3F3F1000, 0x3ED81D00, 0x364354F5},
    {0x3F3DF000, 0x3EDC7A00, 0x354A7E30},
    {0x3F3CE000, 0x3EE09F00, 0xB588C0FA},
    {0x3F3BD000, 0x3EE4CA00, 0xB6438202},
    {0x3F3AB000, 0x3EE93A00, 0xB6106E68},
    {0x3F39A000, 0x3EED7100, 0x33220C66},
    {0x3F38A000, 0x3EF16E00, 0x366CF350},
    {0x3F379000, 0x3EF5B200, 0xB5A21327},
    {0x3F369000, 0x3EF9BB00, 0xB5C4937F},
    {0x3F359000, 0x3EFDC900, 0x366567CA},
    {0x3F349000, 0x3F00EF00, 0xB5B3BCDD},
    {0x3F339000, 0x3F02FC00, 0x3202F981},
    {0x3F329000, 0x3F050C00, 0x34ADBA8B},
    {0x3F31A000, 0x3F06FD80, 0x366EC155},
    {0x3F30A000, 0x3F091380, 0x34F35A3D},
    {0x3F2FB000, 0x3F0B0A80, 0x365D143C},
    {0x3F2EC000, 0x3F0D0480, 0x35C1488F},
    {0x3F2DD000, 0x3F0F0100, 0x3646C471},
    {0x3F2CF000, 0x3F10DE80, 0xB606D563},
    {0x3F2C0000, 0x3F12E080, 0xB63F7388},
    {0x3F2B2000, 0x3F14C280, 0x34E9258A},
    {0x3FAA4000, 0xBED2B200, 0x365D122D},
    {0x3FA95000, 0xBECE9D00, 0xB650ED69},
    {0x3FA88000, 0xBECB1000, 0x35DF5B18},
    {0x3FA7A000, 0xBEC73700, 0xB6083EA9},
    {0x3FA6C000, 0xBEC35A00, 0x364DFA92},
    {0x3FA5F000, 0xBEBFBE00, 0x34A8B8DC},
    {0x3FA51000, 0xBEBBD600, 0xB5CC1C24},
    {0x3FA44000, 0xBEB83100, 0xB541455B},
    {0x3FA37000, 0xBEB48700, 0xB63969CA},
    {0x3FA2A000, 0xBEB0D900, 0x34B22F5E},
    {0x3FA1D000, 0xBEAD2600, 0x35AD6BF2},
    {0x3FA10000, 0xBEA96E00, 0x3500ECDA},
    {0x3FA04000, 0xBEA5FB00, 0x337245EA},
    {0x3F9F7000, 0xBEA23A00, 0x35D2E4C8},
    {0x3F9EB000, 0xBE9EBE00, 0xB5B47B14},
    {0x3F9DF000, 0xBE9B3E00, 0xB62B3A29},
    {0x3F9D3000, 0xBE97BA00, 0xB5E9D952},
    {0x3F9C7000, 0xBE943200, 0x35BB1ACA},
    {0x3F9BB000, 0xBE90A500, 0xB4F4E3D7},
    {0x3F9AF000, 0xBE8D1400, 0x35304F38},
    {0x3F9A3000, 0xBE897E00, 0xB62C9391},
    {0x3F998000, 0xBE863100, 0xB6175543},
    {0x3F98C000, 0xBE829300, 0xB5566EAC},
    {0x3F981000, 0xBE7E7C00, 0xB53DE97C},
    {0x3F976000, 0xBE77CA00, 0xB5DC90F6},
    {0x3F96B000, 0xBE711000, 0xB660017B},
    {0x3F95F000, 0xBE69B200, 0x352ACF91},
    {0x3F955000, 0xBE638600, 0xB4972431},
    {0x3F94A000, 0xBE5CB400, 0xB62EC477},
    {0x3F93F000, 0xBE55DC00, 0x364D0751},
    {0x3F934000, 0xBE4EFA00, 0x35E7973F},
    {0x3F92A000, 0xBE48B000, 0xB664EDDB},
    {0x3F91F000, 0xBE41C000, 0x361044E8},
    {0x3F915000, 0xBE3B6800, 0xB5919BC0},
    {0x3F90B000, 0xBE350A00, 0xB50B3B12},
    {0x3F901000, 0xBE2EA400, 0xB66E3BF0},
    {0x3F8F6000, 0xBE279400, 0x3560982D},
    {0x3F8EC000, 0xBE212000, 0x35E3D3ED},
    {0x3F8E3000, 0xBE1B4A00, 0xB5B5D92D},
    {0x3F8D9000, 0xBE14C800, 0xB599BE69},
    {0x3F8CF000, 0xBE0E3E00, 0xB65F99D1},
    {0x3F8C5000, 0xBE07AE00, 0xB3157BB9},
    {0x3F8BC000, 0xBE01BE00, 0xB6513C79},
    {0x3F8B2000, 0xBDF64000, 0x35B9489B},
    {0x3F8A9000, 0xBDEA4800, 0x360C09D2},
    {0x3F8A0000, 0xBDDE4400, 0x3676FD49},
    {0x3F896000, 0xBDD0D800, 0xB59EDDB8},
    {0x3F88D000, 0xBDC4B800, 0xB6111770},
    {0x3F884000, 0xBDB88C00, 0xB5DC3B5F},
    {0x3F87B000, 0xBDAC5400, 0x351C240F},
    {0x3F872000, 0xBDA00C00, 0xB643ED81},
    {0x3F869000, 0xBD93BC00, 0x365EE081},
    {0x3F860000, 0xBD875800, 0xB6627E8A},
    {0x3F858000, 0xBD78A000, 0x366CF99B},
    {0x3F84F000, 0xBD5FA800, 0xB546FDC9},
    {0x3F846000, 0xBD469800, 0xB60B0854},
    {0x3F83E000, 0xBD304000, 0x3627E081},
    {0x3F835000, 0xBD16F800, 0xB63EB3E8},
    {0x3F82D000, 0xBD007000, 0x34672458},
    {0x3F825000, 0xBCD3A000, 0x35C42A81},
    {0x3F81C000, 0xBCA08000, 0x35D0F32F},
    {0x3F814000, 0xBC65C000, 0x361E2A17},
    {0x3F80C000, 0xBC0A2000, 0x35F97EDA},
    {0x3F800000, 0x00000000, 0x00000000},
};

// Parity (bit 0) of the integer held by an integral binary32 value.
uint32_t int_parity(uint32_t k) noexcept {
  const int e = static_cast<int>((k >> 23) & 0xFF) - 127;
  if (e < 0 || e > 23) return 0;  // 0, or |k| >= 2^24 (even)
  const uint32_t m = (k & 0x7FFFFFu) | 0x800000u;
  return (m >> (23 - e)) & 1u;
}

}  // namespace

const Log2Entry* log2_table() noexcept { return kLog2Table; }

// ---- basic operations (host binary32; identical to soft::*, see tests) -----------------------
namespace {
// The same operations, inlined into the algorithms below (the exported ones may be interposed
// in a PIC build, so calls to them stay calls).
inline uint32_t add_(uint32_t a, uint32_t b) noexcept { return out(in(a) + in(b)); }
inline uint32_t sub_(uint32_t a, uint32_t b) noexcept { return out(in(a) - in(b)); }
inline uint32_t mul_(uint32_t a, uint32_t b) noexcept { return out(in(a) * in(b)); }
}  // namespace
uint32_t add(uint32_t a, uint32_t b) noexcept { return add_(a, b); }
uint32_t sub(uint32_t a, uint32_t b) noexcept { return sub_(a, b); }
uint32_t mul(uint32_t a, uint32_t b) noexcept { return mul_(a, b); }
uint32_t div(uint32_t a, uint32_t b) noexcept { return out(in(a) / in(b)); }
uint32_t sqrt(uint32_t a) noexcept { return out(std::sqrt(in(a))); }
uint32_t recip(uint32_t a) noexcept { return div(kOne, a); }

uint32_t neg(uint32_t a) noexcept { return is_nan(a) ? kQNaN : (ftz(a) ^ kSign); }

uint32_t mulacc(uint32_t a, uint32_t b, uint32_t c) noexcept { return add_(mul_(a, b), c); }

uint32_t max(uint32_t a, uint32_t b) noexcept {
  if (is_nan(a) || is_nan(b)) return kQNaN;
  a = ftz(a);
  b = ftz(b);
  return order_key(a) >= order_key(b) ? a : b;
}

uint32_t mod(uint32_t a, uint32_t b, bool* range) noexcept {
  a = ftz(a);
  b = ftz(b);
  if (is_nan(a) || is_nan(b) || is_inf(a) || is_zero(b)) return kQNaN;
  if (is_zero(a) || is_inf(b) || (a & kAbs) < (b & kAbs)) return a;
  const int d = static_cast<int>((a >> 23) & 0xFF) - static_cast<int>((b >> 23) & 0xFF);
  if (d > kModMaxExpDiff) {
    if (range) *range = true;
    return a & kSign;
  }
  return out(std::fmod(in(a), in(b)));  // fmod is exact
}

uint32_t cmplt(uint32_t a, uint32_t b) noexcept { return in(a) < in(b) ? kOne : 0u; }
uint32_t cmpeq(uint32_t a, uint32_t b) noexcept { return in(a) == in(b) ? kOne : 0u; }
uint32_t cmpne(uint32_t a, uint32_t b) noexcept { return in(a) != in(b) ? kOne : 0u; }

uint32_t where(uint32_t c, uint32_t a, uint32_t b) noexcept {
  return canon((c & kAbs) != 0 ? a : b);
}

// ---- roundeven (bit manipulation) ------------------------------------------------------------
uint32_t roundeven(uint32_t a) noexcept {
  const uint32_t s = a & kSign;
  const int e = static_cast<int>((a >> 23) & 0xFF);
  if (e >= 150) return a;  // |a| >= 2^23 (integral), inf, NaN
  if (e < 126) return s;   // |a| < 0.5
  if (e == 126) return (a & 0x7FFFFFu) == 0 ? s : (s | kOne);  // 0.5 -> 0 (tie to even)
  const int sh = 150 - e;  // number of fraction bits, 1..23
  uint32_t m = (a & 0x7FFFFFu) | 0x800000u;
  const uint32_t mask = (1u << sh) - 1u, half = 1u << (sh - 1);
  const uint32_t rem = m & mask;
  m &= ~mask;
  if (rem > half || (rem == half && ((m >> sh) & 1u))) m += 1u << sh;
  uint32_t ex = static_cast<uint32_t>(e);
  if (m == (1u << 24)) {
    m >>= 1;
    ++ex;
  }
  return s | (ex << 23) | (m & 0x7FFFFFu);
}

// ---- EXP2 (hw-spec §5.1) ---------------------------------------------------------------------
uint32_t exp2(uint32_t x) noexcept {
  x = ftz(x);
  if (is_nan(x)) return kQNaN;
  const float xf = from_bits(x);
  if (xf >= 128.0f) return kPosInf;  // also +inf
  if (xf < -126.0f) return 0u;       // also -inf; 2^x below 2^-126 flushes to +0
  const uint32_t nf = roundeven(x);  // integral, |n| <= 128
  const int32_t n = static_cast<int32_t>(from_bits(nf));
  const uint32_t f = sub_(x, nf);     // exact, |f| <= 0.5
  uint32_t q = E6;
  q = add_(mul_(q, f), E5);
  q = add_(mul_(q, f), E4);
  q = add_(mul_(q, f), E3);
  q = add_(mul_(q, f), E2);
  q = add_(mul_(q, f), E1);
  const uint32_t p = add_(mul_(q, f), kOne);  // 2^f in [0.70710677, 1.4142137]
  // Scale by 2^n: add n to the exponent field (1 <= result exponent <= 254 is guaranteed by
  // the clamps above; checked by the tests).
  return static_cast<uint32_t>(static_cast<int32_t>(p) + n * (1 << 23));
}

// ---- LOG2 (hw-spec §5.2) ---------------------------------------------------------------------
uint32_t log2(uint32_t x) noexcept {
  x = ftz(x);
  if (is_nan(x)) return kQNaN;
  if (is_zero(x)) return kNegInf;
  if (x & kSign) return kQNaN;  // negative, including -inf
  if (x == kPosInf) return kPosInf;
  const uint32_t frac = x & 0x7FFFFFu;
  const uint32_t j = frac >> 16;                  // top 7 fraction bits
  int32_t e = static_cast<int32_t>(x >> 23) - 127;
  uint32_t m;                                     // m' in [0.75, 1.5)
  if (j >= 64) {
    m = 0x3F000000u | frac;                       // [0.75, 1)
    e += 1;
  } else {
    m = 0x3F800000u | frac;                       // [1, 1.5)
  }
  const Log2Entry& t = kLog2Table[j];
  const uint32_t m_hi = m & 0xFFFFF000u;          // 12 significant bits
  const uint32_t m_lo = sub_(m, m_hi);             // exact
  const uint32_t a = mul_(m_hi, t.c);              // exact (12 x 12 bits)
  const uint32_t b = sub_(a, kOne);                // exact (Sterbenz)
  const uint32_t d = mul_(m_lo, t.c);
  const uint32_t r = add_(b, d);                   // r ~= m' * C_j - 1, |r| <= 2^-7
  uint32_t g = L3;
  g = add_(mul_(g, r), L2);
  g = add_(mul_(g, r), L1);
  g = add_(mul_(g, r), L0);
  const uint32_t y = add_(r, mul_(r, g));           // log2(1 + r)
  const uint32_t lo = add_(t.t_lo, y);
  const uint32_t hi = add_(cast_i2f(static_cast<uint32_t>(e)), t.t_hi);  // exact
  return add_(hi, lo);
}

// ---- SIN (hw-spec §5.3) ----------------------------------------------------------------------
uint32_t sin(uint32_t x, bool* range) noexcept {
  x = ftz(x);
  if (is_nan(x) || is_inf(x)) return kQNaN;
  if (is_zero(x)) return x;
  if ((x & kAbs) > kSinMaxArg) {  // outside the domain: NaN, STATUS.W_RANGE
    if (range) *range = true;
    return kQNaN;
  }
  const uint32_t k = roundeven(mul_(x, INV_PI));  // integral, |k| <= 20861
  uint32_t r = x;
  if (!is_zero(k)) {
    // Exact fixed-point reduction with 88 fraction bits: X = |x| * 2^88 (an integer, since
    // |x| >= 1.5 here), D = X - |k| * PI_FIX, then r = RNE(D * 2^-88) with the sign of x.
    const int e = static_cast<int>((x >> 23) & 0xFF);  // 127 <= e <= 143
    const U128 X = u128_shl((x & 0x7FFFFFu) | 0x800000u, e - 150 + 88);
    const uint32_t kk = static_cast<uint32_t>(from_bits(k & kAbs));  // |k| <= 20861
    const U128 KP = u128_mul32(PI_FIX, kk);
    uint32_t sgn = x & kSign;
    U128 D;
    if (u128_less(X, KP)) {
      D = u128_sub(KP, X);
      sgn ^= kSign;
    } else {
      D = u128_sub(X, KP);
    }
    // D != 0 always (pi is irrational); RNE of D * 2^-88 to 24 bits
    int p = u128_msb(D);
    uint64_t keep;
    if (p <= 23) {
      keep = D.lo << (23 - p);
    } else {
      const int sh = p - 23;
      keep = u128_shr(D, sh).lo;  // the 24 bits D[p:sh]
      const bool half = (u128_shr(D, sh - 1).lo & 1u) != 0;
      const bool sticky = u128_any_below(D, sh - 1);
      if (half && (sticky || (keep & 1u))) ++keep;
      if (keep == (uint64_t{1} << 24)) {
        keep >>= 1;
        ++p;
      }
    }
    r = sgn | (static_cast<uint32_t>(127 + p - 88) << 23) | (static_cast<uint32_t>(keep) & 0x7FFFFFu);
  }
  const uint32_t s = mul_(r, r);
  uint32_t q = S5;
  q = add_(mul_(q, s), S4);
  q = add_(mul_(q, s), S3);
  q = add_(mul_(q, s), S2);
  q = add_(mul_(q, s), S1);
  const uint32_t r3 = mul_(r, s);
  const uint32_t y = add_(r, mul_(r3, q));
  return int_parity(k) ? (y ^ kSign) : y;
}

// ---- casts -----------------------------------------------------------------------------------
uint32_t cast_f2i(uint32_t a) noexcept {
  a = ftz(a);
  if (is_nan(a)) return 0u;
  const float f = from_bits(a);
  if (f >= 2147483648.0f) return 0x7FFFFFFFu;
  if (f < -2147483648.0f) return 0x80000000u;
  return static_cast<uint32_t>(static_cast<int32_t>(f));  // truncates toward zero
}
uint32_t cast_i2f(uint32_t a) noexcept {
  return bits(static_cast<float>(static_cast<int32_t>(a)));  // RNE, never subnormal
}
uint32_t cast_f2b(uint32_t a) noexcept { return is_zero(ftz(a)) ? 0u : kOne; }
uint32_t cast_i2b(uint32_t a) noexcept { return a != 0 ? kOne : 0u; }

// ---- int32 -----------------------------------------------------------------------------------
uint32_t iadd(uint32_t a, uint32_t b) noexcept { return a + b; }
uint32_t isub(uint32_t a, uint32_t b) noexcept { return a - b; }
uint32_t imul(uint32_t a, uint32_t b) noexcept { return a * b; }
uint32_t imax(uint32_t a, uint32_t b) noexcept {
  return static_cast<int32_t>(a) >= static_cast<int32_t>(b) ? a : b;
}
uint32_t ineg(uint32_t a) noexcept { return 0u - a; }
uint32_t icmplt(uint32_t a, uint32_t b) noexcept {
  return static_cast<int32_t>(a) < static_cast<int32_t>(b) ? kOne : 0u;
}
uint32_t icmpeq(uint32_t a, uint32_t b) noexcept { return a == b ? kOne : 0u; }
uint32_t icmpne(uint32_t a, uint32_t b) noexcept { return a != b ? kOne : 0u; }
uint32_t iand(uint32_t a, uint32_t b) noexcept { return a & b; }
uint32_t ior(uint32_t a, uint32_t b) noexcept { return a | b; }
uint32_t ixor(uint32_t a, uint32_t b) noexcept { return a ^ b; }
uint32_t ishl(uint32_t a, uint32_t b) noexcept { return a << (b & 31u); }
uint32_t ishr(uint32_t a, uint32_t b) noexcept {
  // arithmetic shift written without relying on implementation-defined >> of negatives
  const uint32_t s = b & 31u;
  const uint32_t fill = (a & kSign) ? ~(~0u >> s) : 0u;
  return (a >> s) | fill;
}
uint32_t iwhere(uint32_t c, uint32_t a, uint32_t b) noexcept { return (c & kAbs) != 0 ? a : b; }

// ---- reductions ------------------------------------------------------------------------------
uint32_t reduce_sum(const uint32_t* x, std::size_t len) noexcept {
  uint32_t p[8];
  for (auto& v : p) v = kNegZero;
  for (std::size_t i = 0; i < len; ++i) p[i & 7u] = add_(p[i & 7u], x[i]);
  return add_(add_(add_(p[0], p[1]), add_(p[2], p[3])), add_(add_(p[4], p[5]), add_(p[6], p[7])));
}

uint32_t reduce_max(const uint32_t* x, std::size_t len) noexcept {
  uint32_t acc = kNegInf;
  for (std::size_t i = 0; i < len; ++i) acc = max(acc, x[i]);
  return acc;
}

uint32_t dot(const uint32_t* a, const uint32_t* w, std::size_t k, std::size_t w_stride) noexcept {
  uint32_t acc = kNegZero;
  for (std::size_t i = 0; i < k; ++i) acc = add(acc, mul(a[i], w[i * w_stride]));
  return acc;
}

// =============================================================================================
// Integer-only reference implementations (what the RTL does). Significands are carried in a
// uint64_t with the leading one at bit 62 when they reach round_pack().
// =============================================================================================
namespace soft {
namespace {

constexpr uint32_t kMan = 0x7FFFFFu;

int msb64(uint64_t v) noexcept { return 63 - __builtin_clzll(v); }

// Right shift that ORs every shifted-out bit into bit 0 ("jamming").
uint64_t shift_right_jam(uint64_t v, int n) noexcept {
  if (n <= 0) return v;
  if (n >= 64) return v != 0 ? 1u : 0u;
  return (v >> n) | ((v & ((uint64_t{1} << n) - 1)) != 0 ? 1u : 0u);
}

// Round and pack. value = sig * 2^(e - 127 - 62), sig in [2^62, 2^63) (bit 0 may be a sticky
// bit). Rounding is IEEE RNE into binary32 *with* the subnormal format; a subnormal result is
// then flushed to a signed zero and a result that rounded up to 2^-126 is kept (hw-spec §4.1).
uint32_t round_pack(uint32_t s, int32_t e, uint64_t sig) noexcept {
  if (e >= 1) {
    uint64_t keep = sig >> 39;  // 24 bits
    const uint64_t rem = sig & ((uint64_t{1} << 39) - 1), half = uint64_t{1} << 38;
    if (rem > half || (rem == half && (keep & 1u))) ++keep;
    if (keep == (uint64_t{1} << 24)) {
      keep >>= 1;
      ++e;
    }
    if (e >= 255) return s | kPosInf;
    return s | (static_cast<uint32_t>(e) << 23) | (static_cast<uint32_t>(keep) & kMan);
  }
  // Tiny: the subnormal grid has its lsb at 2^-149, i.e. (1 - e) more bits are dropped.
  const int sh = 39 + (1 - e);
  if (sh >= 64) return s;  // below half of the smallest subnormal: rounds to zero
  uint64_t keep = sig >> sh;
  const uint64_t rem = sig & ((uint64_t{1} << sh) - 1), half = uint64_t{1} << (sh - 1);
  if (rem > half || (rem == half && (keep & 1u))) ++keep;
  if (keep >= (uint64_t{1} << 23)) return s | 0x00800000u;  // rounded up to 2^-126: kept
  return s;                                                 // subnormal: flushed
}

struct Unpacked {
  uint32_t s;
  int32_t e;   // biased exponent, 1..254 for finite non-zero values
  uint32_t m;  // significand with the hidden bit, 24 bits
};
Unpacked unpack(uint32_t a) noexcept {
  return {a & kSign, static_cast<int32_t>((a >> 23) & 0xFF), (a & kMan) | 0x800000u};
}

}  // namespace

uint32_t add(uint32_t a, uint32_t b) noexcept {
  a = ftz(a);
  b = ftz(b);
  if (is_nan(a) || is_nan(b)) return kQNaN;
  if (is_inf(a)) return (is_inf(b) && ((a ^ b) & kSign)) ? kQNaN : a;
  if (is_inf(b)) return b;
  if (is_zero(a) && is_zero(b)) return a & b & kSign;  // -0 only for (-0) + (-0)
  if (is_zero(a)) return b;
  if (is_zero(b)) return a;
  Unpacked x = unpack(a), y = unpack(b);
  if (x.e < y.e || (x.e == y.e && x.m < y.m)) std::swap(x, y);  // |x| >= |y|
  const uint64_t A = static_cast<uint64_t>(x.m) << 38;            // leading one at bit 61
  const uint64_t B = shift_right_jam(static_cast<uint64_t>(y.m) << 38, x.e - y.e);
  uint64_t S;
  if (x.s == y.s) {
    S = A + B;
  } else {
    S = A - B;
    if (S == 0) return 0u;  // exact cancellation: +0 in RNE
  }
  const int p = msb64(S);
  return round_pack(x.s, x.e + (p - 61), S << (62 - p));
}

uint32_t sub(uint32_t a, uint32_t b) noexcept {
  return add(a, is_nan(b) ? b : (b ^ kSign));
}

uint32_t mul(uint32_t a, uint32_t b) noexcept {
  a = ftz(a);
  b = ftz(b);
  if (is_nan(a) || is_nan(b)) return kQNaN;
  const uint32_t s = (a ^ b) & kSign;
  if (is_inf(a) || is_inf(b)) return (is_zero(a) || is_zero(b)) ? kQNaN : (s | kPosInf);
  if (is_zero(a) || is_zero(b)) return s;
  const Unpacked x = unpack(a), y = unpack(b);
  const uint64_t P = static_cast<uint64_t>(x.m) * y.m;  // 2^46 <= P < 2^48
  const int p = msb64(P);
  return round_pack(s, x.e + y.e - 127 + (p - 46), P << (62 - p));
}

uint32_t div(uint32_t a, uint32_t b) noexcept {
  a = ftz(a);
  b = ftz(b);
  if (is_nan(a) || is_nan(b)) return kQNaN;
  const uint32_t s = (a ^ b) & kSign;
  if (is_inf(a)) return is_inf(b) ? kQNaN : (s | kPosInf);
  if (is_inf(b)) return s;
  if (is_zero(b)) return is_zero(a) ? kQNaN : (s | kPosInf);
  if (is_zero(a)) return s;
  const Unpacked x = unpack(a), y = unpack(b);
  int32_t e = x.e - y.e + 127;
  uint64_t r = x.m;
  if (x.m < y.m) {  // pre-normalise so that the quotient is in [1, 2)
    r <<= 1;
    --e;
  }
  // Restoring division, 26 quotient bits (1 integer + 23 fraction + guard + round).
  uint64_t q = 0;
  for (int i = 0; i < 26; ++i) {
    q <<= 1;
    if (r >= y.m) {
      r -= y.m;
      q |= 1u;
    }
    r <<= 1;
  }
  const uint64_t sig = (q << 37) | (r != 0 ? 1u : 0u);  // leading one at bit 62, sticky
  return round_pack(s, e, sig);
}

uint32_t sqrt(uint32_t a) noexcept {
  a = ftz(a);
  if (is_nan(a)) return kQNaN;
  if (is_zero(a)) return a;
  if (a & kSign) return kQNaN;
  if (is_inf(a)) return a;
  const Unpacked x = unpack(a);
  int32_t e = x.e - 127;
  uint64_t m = x.m;
  if (e & 1) {  // make the exponent even
    m <<= 1;
    e -= 1;
  }
  // Restoring square-root recurrence: 26 root bits of M = m * 2^27 (root in [2^25, 2^26)).
  uint64_t op = m << 27, res = 0, one = uint64_t{1} << 50;
  while (one > op) one >>= 2;
  while (one != 0) {
    if (op >= res + one) {
      op -= res + one;
      res = (res >> 1) + one;
    } else {
      res >>= 1;
    }
    one >>= 2;
  }
  const uint64_t sig = (res << 37) | (op != 0 ? 1u : 0u);
  return round_pack(0u, e / 2 + 127, sig);
}

uint32_t mod(uint32_t a, uint32_t b, bool* range) noexcept {
  a = ftz(a);
  b = ftz(b);
  if (is_nan(a) || is_nan(b) || is_inf(a) || is_zero(b)) return kQNaN;
  if (is_zero(a) || is_inf(b) || (a & kAbs) < (b & kAbs)) return a;
  const Unpacked x = unpack(a), y = unpack(b);
  const int d = x.e - y.e;
  if (d > kModMaxExpDiff) {
    if (range) *range = true;
    return x.s;
  }
  // Restoring remainder: d + 1 compare/subtract steps, one shift between steps.
  uint64_t r = x.m;
  for (int i = 0; i <= d; ++i) {
    if (i > 0) r <<= 1;
    if (r >= y.m) r -= y.m;
  }
  if (r == 0) return x.s;
  const int p = msb64(r);
  return round_pack(x.s, y.e + (p - 23), r << (62 - p));  // exact; may flush
}

uint32_t cast_i2f(uint32_t a) noexcept {
  if (a == 0) return 0u;
  const uint32_t s = a & kSign;
  const uint64_t u = s ? (uint64_t{0} - static_cast<int64_t>(static_cast<int32_t>(a))) : a;
  const int p = msb64(u);
  return round_pack(s, 127 + p, u << (62 - p));
}

uint32_t cast_f2i(uint32_t a) noexcept {
  a = ftz(a);
  if (is_nan(a)) return 0u;
  const int32_t e = static_cast<int32_t>((a >> 23) & 0xFF) - 127;
  if (e < 0) return 0u;  // |a| < 1 (and zero)
  if (e >= 31) return (a & kSign) ? 0x80000000u : 0x7FFFFFFFu;
  const uint32_t m = (a & kMan) | 0x800000u;
  const uint32_t v = e >= 23 ? (m << (e - 23)) : (m >> (23 - e));
  return (a & kSign) ? (0u - v) : v;
}

}  // namespace soft
}  // namespace tinypynq::pl
