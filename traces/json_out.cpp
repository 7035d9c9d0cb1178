#include "traces/json_out.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace tinypynq::traces {

namespace {

// |v| = k * 10^-s (k > 0, s > 0) written as std::to_chars(double) writes its shortest form.
// Why the digits of k are that form: v is the double nearest to k * 10^-s, and two decimals of
// at most 15 significant digits never round to the same double (DBL_DIG), so no shorter digit
// string reads back as v. to_chars then takes fixed notation unless the exponent form is
// shorter (a tie goes to fixed): "0.00012" but "1.2e-05". tests/traces checks this against
// std::to_chars on a million values.
char* put_decimal(char* p, bool neg, int64_t k, int s) {
  char d[24];
  int n = static_cast<int>(std::to_chars(d, d + sizeof d, k).ptr - d);
  while (n > 1 && d[n - 1] == '0') --n, --s;  // s stays > 0: v is not an integer
  if (neg) *p++ = '-';
  const int x = n - 1 - s;  // exponent of the scientific form d.ddd e x
  if (x >= -3 - (n > 1)) {  // fixed is at most as long: n + 1 (x >= 0) or n + 1 - x chars
    if (x >= 0) {
      p = put_raw(p, std::string_view(d, x + 1));
      *p++ = '.';
      return put_raw(p, std::string_view(d + x + 1, n - x - 1));
    }
    *p++ = '0', *p++ = '.';
    for (int z = 0; z < -x - 1; ++z) *p++ = '0';
    return put_raw(p, std::string_view(d, n));
  }
  *p++ = d[0];  // x is in -13..-5 here: two exponent digits
  if (n > 1) *p++ = '.', p = put_raw(p, std::string_view(d + 1, n - 1));
  *p++ = 'e', *p++ = '-';
  *p++ = static_cast<char>('0' + -x / 10), *p++ = static_cast<char>('0' + -x % 10);
  return p;
}

}  // namespace

char* put_number(char* p, double v) {
  if (!std::isfinite(v)) return put_raw(p, "null");
  const double a = std::fabs(v);
  if (a < 9e15) {
    const auto i = static_cast<int64_t>(v);
    if (static_cast<double>(i) == v) return std::to_chars(p, p + kNumberMax, i).ptr;
    // The most places that keep k below 10^15: one candidate k, checked by dividing back
    // (exact IEEE division), so a wrong guess only costs the slow path.
    static constexpr double kScale[5] = {1, 1e3, 1e6, 1e9, 1e12};
    const int s3 = a < 1e3 ? 4 : a < 1e6 ? 3 : a < 1e9 ? 2 : a < 1e12 ? 1 : 0;
    if (s3 > 0) {
      const auto k = static_cast<int64_t>(a * kScale[s3] + 0.5);
      if (k > 0 && static_cast<double>(k) / kScale[s3] == a) return put_decimal(p, v < 0, k, 3 * s3);
    }
  }
  return std::to_chars(p, p + kNumberMax, v).ptr;  // shortest round-trip form: deterministic
}

namespace {
// 1: the byte needs an escape in a JSON string ('"', '\\', controls).
constexpr auto kEscape = [] {
  std::array<bool, 256> e{};
  for (int c = 0; c < 0x20; ++c) e[c] = true;
  e['"'] = e['\\'] = true;
  return e;
}();
}  // namespace

char* put_string(char* p, std::string_view s) {
  *p++ = '"';
  for (const char ch : s) {  // byte by byte: names and keys are short, a call to memcpy is not
    const auto c = static_cast<unsigned char>(ch);
    if (!kEscape[c]) {
      *p++ = ch;
    } else if (c >= 0x20) {
      *p++ = '\\', *p++ = ch;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      p = put_raw(p, "\\u00");
      *p++ = kHex[c >> 4], *p++ = kHex[c & 15];
    }
  }
  *p++ = '"';
  return p;
}

char* put_milli(char* p, int64_t m) {
  // Below 10^15 thousandths put_number takes its fast path and writes these digits (fixed:
  // 0.001 has no shorter exponent form); beyond (|v| >= 10^12), it writes at most 22 chars.
  if (m > -1'000'000'000'000'000 && m < 1'000'000'000'000'000) return put_us(p, m);
  return put_number(p, static_cast<double>(m) / 1000.0);
}

char* put_us(char* p, int64_t ns) {
  const uint64_t a = ns < 0 ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  if (ns < 0) *p++ = '-';
  p = std::to_chars(p, p + 21, a / 1000).ptr;
  if (const auto frac = static_cast<unsigned>(a % 1000)) {  // ".5", ".05", ".123": no trailing zeros
    *p++ = '.', *p++ = static_cast<char>('0' + frac / 100);
    if (frac % 100) {
      *p++ = static_cast<char>('0' + frac / 10 % 10);
      if (frac % 10) *p++ = static_cast<char>('0' + frac % 10);
    }
  }
  return p;
}

double dur_within(double ts, double limit) {
  double d = std::max(0.0, limit - ts);  // within an ulp or two of the answer
  for (int i = 0; i < 64 && d > 0 && ts + d > limit; ++i) d = std::nextafter(d, -INFINITY);
  for (int i = 0; i < 64; ++i) {
    const double up = std::nextafter(d, INFINITY);
    if (ts + up > limit) break;
    d = up;
  }
  return d;
}

double dur_double(int64_t ts_ns, int64_t dur_ns) {
  const double ts = static_cast<double>(ts_ns) / 1000.0;  // = the parsed decimal: both correctly rounded
  const double end = static_cast<double>(ts_ns + dur_ns) / 1000.0;
  double d = static_cast<double>(dur_ns) / 1000.0;
  if (ts + d == end) return d;
  d = end - ts;  // exact when end <= 2 ts (Sterbenz); otherwise step to the double that fits
  for (int i = 0; i < 8 && ts + d != end; ++i) d = std::nextafter(d, ts + d < end ? INFINITY : -INFINITY);
  if (ts + d != end) d = dur_within(ts, end);  // no such double: end an ulp early, never late
  return d;
}

char* put_dur_us(char* p, int64_t ts_ns, int64_t dur_ns) {
  const double d = dur_double(ts_ns, dur_ns);
  if (d == static_cast<double>(dur_ns) / 1000.0) return put_us(p, dur_ns);
  return std::to_chars(p, p + kNumberMax, d).ptr;
}

}  // namespace tinypynq::traces
