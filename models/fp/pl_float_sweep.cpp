// SPDX-License-Identifier: MIT
// pl_float_sweep: measures the ULP error of the PL transcendental algorithms (EXP2, LOG2, SIN)
// and of RECIP/DIV/SQRT against correctly rounded binary32 references (long double libm),
// over every binary32 input of the stated domain divided by a stride.
//
//   pl_float_sweep [stride [FUNC]]   stride 1 = exhaustive (minutes); default 64;
//                                    FUNC = EXP2|LOG2|SIN|RECIP|SQRT runs only that function
//
// The figures in docs/hw-spec.md §9 were produced with stride 1.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "models/fp/pl_float.h"
#include "models/fp/ulp_util.h"

using namespace tinypynq::pl;

namespace {

struct Result {
  int64_t max_ulp = 0;
  double max_real = 0;
  uint32_t worst = 0;
  uint64_t count = 0;
  double max_abs = 0;
};

Result sweep(uint32_t lo, uint32_t hi, uint32_t stride, const std::function<uint32_t(uint32_t)>& f,
             const std::function<long double(long double)>& ref) {
  Result r;
  for (uint64_t u = lo; u <= hi; u += stride) {
    const uint32_t x = static_cast<uint32_t>(u);
    const uint32_t got = f(x);
    const long double rv = ref(static_cast<long double>(from_bits(x)));
    const int64_t d = ulp::distance(got, ulp::round_ref(rv));
    const double re = ulp::real_error(got, rv);
    const double ae = std::isfinite(static_cast<double>(rv)) && std::fabs(rv) <= 0x1.fffffep127L
                          ? static_cast<double>(std::fabs(static_cast<long double>(from_bits(got)) - rv))
                          : 0.0;
    if (d > r.max_ulp) {
      r.max_ulp = d;
      r.worst = x;
    }
    if (re > r.max_real) r.max_real = re;
    if (ae > r.max_abs) r.max_abs = ae;
    ++r.count;
  }
  return r;
}

const char* g_only = nullptr;

bool selected(const char* name) { return !g_only || std::string(g_only) == name; }

void report(const char* name, const char* domain, const Result& r) {
  std::printf("%-7s %-34s n=%-11" PRIu64 " max_ulp=%-4" PRId64 " max_err=%.3f ulp  max_abs=%.3g  worst x=0x%08X (%.9g)\n",
              name, domain, r.count, r.max_ulp, r.max_real, r.max_abs, r.worst, from_bits(r.worst));
  std::fflush(stdout);
}

Result merge(Result a, const Result& b) {
  if (b.max_ulp > a.max_ulp) {
    a.max_ulp = b.max_ulp;
    a.worst = b.worst;
  }
  if (b.max_real > a.max_real) a.max_real = b.max_real;
  if (b.max_abs > a.max_abs) a.max_abs = b.max_abs;
  a.count += b.count;
  return a;
}

// both signs of [lo, hi] (positive bit patterns)
Result sweep2(uint32_t lo, uint32_t hi, uint32_t stride, const std::function<uint32_t(uint32_t)>& f,
              const std::function<long double(long double)>& ref) {
  return merge(sweep(lo, hi, stride, f, ref), sweep(lo | 0x80000000u, hi | 0x80000000u, stride, f, ref));
}

}  // namespace

int main(int argc, char** argv) {
  const uint32_t stride = argc > 1 ? static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 0)) : 64;
  if (argc > 2) g_only = argv[2];
  auto e2 = [](uint32_t x) { return tinypynq::pl::exp2(x); };
  auto l2 = [](uint32_t x) { return tinypynq::pl::log2(x); };
  auto sn = [](uint32_t x) { return tinypynq::pl::sin(x); };
  auto rc = [](uint32_t x) { return recip(x); };
  auto sq = [](uint32_t x) { return tinypynq::pl::sqrt(x); };
  auto rexp2 = [](long double v) { return exp2l(v); };
  auto rlog2 = [](long double v) { return log2l(v); };
  auto rsin = [](long double v) { return sinl(v); };
  auto rrec = [](long double v) { return 1.0L / v; };
  auto rsq = [](long double v) { return sqrtl(v); };

  // EXP2: all normal x with |x| < 128 (0x43000000) plus the saturation regions
  if (selected("EXP2")) report("EXP2", "all normal |x| < 128", sweep2(0x00800000u, 0x42FFFFFFu, stride, e2, rexp2));
  // LOG2: all positive normal x
  if (selected("LOG2")) report("LOG2", "all normal x > 0", sweep(0x00800000u, 0x7F7FFFFFu, stride, l2, rlog2));
  // SIN
  if (selected("SIN")) report("SIN", "|x| <= pi/2 (0x3FC90FDB)", sweep2(0x00800000u, 0x3FC90FDBu, stride, sn, rsin));
  if (selected("SIN")) report("SIN", "pi/2 < |x| <= pi", sweep2(0x3FC90FDCu, 0x40490FDBu, stride, sn, rsin));
  if (selected("SIN")) report("SIN", "pi < |x| <= 2^5", sweep2(0x40490FDCu, 0x42000000u, stride, sn, rsin));
  if (selected("SIN")) report("SIN", "2^5 < |x| <= 2^10", sweep2(0x42000001u, 0x44800000u, stride, sn, rsin));
  if (selected("SIN")) report("SIN", "2^10 < |x| <= 2^16", sweep2(0x44800001u, 0x47800000u, stride, sn, rsin));
  if (selected("RECIP")) report("RECIP", "all normal x", sweep2(0x00800000u, 0x7F7FFFFFu, stride, rc, rrec));
  if (selected("SQRT")) report("SQRT", "all normal x >= 0", sweep(0x00800000u, 0x7F7FFFFFu, stride, sq, rsq));
  return 0;
}
