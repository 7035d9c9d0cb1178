// SPDX-License-Identifier: MIT
// ULP measurement helpers shared by test_pl_float.cpp and pl_float_sweep.cpp (hw-spec §9).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "models/fp/pl_float.h"

namespace tinypynq::pl::ulp {

// Position of a binary32 value on the ordered integer line (-0 and +0 both map to 0).
inline int64_t ordered(uint32_t a) {
  return (a & 0x80000000u) ? -static_cast<int64_t>(a & 0x7FFFFFFFu)
                           : static_cast<int64_t>(a);
}

// ULP distance as used by the spec's bound table: the reference is first rounded to binary32
// and flushed (a subnormal reference becomes a signed zero); NaN matches only NaN (returns 0),
// NaN against a number returns a huge distance; otherwise |ordered(got) - ordered(ref)|.
inline int64_t distance(uint32_t got, uint32_t ref) {
  ref = ftz(ref);
  const bool gn = is_nan(got), rn = is_nan(ref);
  if (gn || rn) return (gn && rn) ? 0 : (int64_t{1} << 40);
  return std::llabs(ordered(got) - ordered(ref));
}

// Correctly rounded binary32 of a long double reference value (RNE, default environment).
inline uint32_t round_ref(long double v) { return bits(static_cast<float>(v)); }

// Error in units of the reference's ulp, as a real number (for reporting).
inline double real_error(uint32_t got, long double ref) {
  // infinite references and references in the flushed range are judged by distance() only
  if (!std::isfinite(static_cast<double>(ref)) || std::fabs(ref) < 0x1p-126L) return 0.0;
  if (std::fabs(ref) > 0x1.fffffep127L) return 0.0;
  const long double g = from_bits(got);
  int e;
  std::frexp(static_cast<double>(ref), &e);  // ref = f * 2^e, f in [0.5,1)
  const int ue = (e - 1) - 23;  // ulp exponent
  return static_cast<double>(std::fabs(g - ref) / std::ldexp(1.0L, ue));
}

}  // namespace tinypynq::pl::ulp
