// Raw JSON text into a buffer the caller has sized: the hot paths of the trace writer check
// room once per event instead of once per append (docs/traces.md, "Cost"). The std::string
// helpers of trace_writer.h call these, so both write the same text.
//
//   char b[kNumberMax];
//   std::string_view(b, put_number(b, 2e-6) - b) == "2e-06"
//   char* p = put_string(buf, name);   // buf has string_max(name.size()) chars of room
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tinypynq::traces {

inline constexpr size_t kNumberMax = 32;  // put_number writes at most this many chars
inline constexpr size_t kUsMax = 24;      // put_us
constexpr size_t string_max(size_t n) { return 6 * n + 2; }  // put_string: every char \u00XX

// Integral values (|v| < 9e15) as integers; others in the shortest form that reads back the
// same double, exactly as std::to_chars(double) writes it (fixed or exponent, whichever is
// shorter); non-finite values as null (JSON has no inf/nan). Values that are a decimal with at
// most 15 significant digits and 12 places (picoseconds in seconds, nanoseconds in
// microseconds: nearly every number of a trace) take a fast path of integer arithmetic.
char* put_number(char* p, double v);
// A JSON string literal, quotes included: '"', '\\' and control characters escaped.
char* put_string(char* p, std::string_view s);
// Integer nanoseconds as exact decimal microseconds, no trailing zeros: 1500 -> "1.5".
char* put_us(char* p, int64_t ns);
// The dur of a slice starting at ts_ns: put_us(dur_ns), unless a viewer's ts + dur (JSON
// numbers are binary64, and JavaScript viewers add them) would not be the double nearest to the
// exact end; then the double that makes that sum exact, in shortest form ("101.37599999999975"):
// back-to-back slices then touch instead of overlapping by an ulp, and a child ends with its
// parent (speedscope nests such slices wrongly). When no double makes the sum exact (a slice
// much longer than its start time: ties to even skip the end), the largest whose sum is below
// the end: the slice ends an ulp early rather than overlap what follows. It still rounds to
// dur_ns in nanoseconds (Perfetto: llround(dur * 1000)). At most kNumberMax chars.
char* put_dur_us(char* p, int64_t ts_ns, int64_t dur_ns);
double dur_double(int64_t ts_ns, int64_t dur_ns);  // the value put_dur_us writes
// The largest double d >= 0 with ts + d <= limit in binary64 (limit >= ts): the dur that ends a
// slice at or just before `limit`, e.g. its parent's end as a viewer computes it.
double dur_within(double ts, double limit);
// put_number(p, m / 1000.0) without the division (counter values are kept in thousandths): the
// same decimal digits as put_us; at most kUsMax chars.
char* put_milli(char* p, int64_t m);
inline char* put_raw(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

}  // namespace tinypynq::traces
