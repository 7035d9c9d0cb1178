// SPDX-License-Identifier: MIT
// tinypynq — the AXI rules a view reader's line fills must obey (docs/pl-v2.md "AXI rules"),
// checked on every fill, apart from the reader that issues them (the RTL reader will carry
// the same checks as SVA assertions; a protocol checker is kept separate from the bridge it
// watches, as libsystemctlm-soc's AXI checkers are).
//
//   vp::AxiFillChecker chk;                          // one per master port
//   if (auto why = chk.check(fill, base, limit, ddr_bytes)) SC_REPORT_ERROR("vr0", why->c_str());
//   chk.checked();                                   // fills seen so far
//
// Rules (AMBA AXI3 spec, ARM IHI 0022; the HP port is AXI3 with 64-bit data, UG585 §5.4):
//  * ARSIZE = 3 (8-byte beats): the address is 8-byte aligned (IHI 0022 A3.4.1, aligned INCR);
//  * ARLEN + 1 = 1 .. 16 beats (AXI3 INCR maximum; the HP port's, UG585 Table 5-9);
//  * a burst must not cross a 4 KB boundary (IHI 0022 A3.4.1);
//  * the reader only reads its buffer: every beat overlaps [BASE, BASE + LIMIT) (the beats that
//    contain the buffer's words, so an 8-byte beat may cover 4 bytes before a 4-aligned BASE)
//    and lies in DDR.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/fp/view_reader.h"

namespace tinypynq::vp {

class AxiFillChecker {
 public:
  static constexpr uint64_t kBeatBytes = 8, kMaxBeats = 16, kBoundary = 4096;

  // Empty when the fill is legal, else what rule it breaks.
  std::optional<std::string> check(const pl::Fill& f, uint64_t base, uint64_t limit, uint64_t ddr_bytes) {
    ++checked_;
    const uint64_t end = f.addr + kBeatBytes * f.beats;
    const uint64_t lo = base & ~(kBeatBytes - 1), hi = (base + limit + kBeatBytes - 1) & ~(kBeatBytes - 1);
    if (f.addr % kBeatBytes) return fail("address not 8-byte aligned (ARSIZE = 3)", f);
    if (f.beats == 0 || f.beats > kMaxBeats) return fail("ARLEN + 1 outside 1..16 (AXI3 INCR)", f);
    if (f.addr / kBoundary != (end - 1) / kBoundary) return fail("burst crosses a 4 KB boundary", f);
    if (f.addr < lo || end > hi) return fail("reads outside [BASE, BASE + LIMIT)", f);
    if (end > ddr_bytes) return fail("reads past the end of DDR", f);
    return std::nullopt;
  }
  uint64_t checked() const { return checked_; }
  uint64_t violations() const { return violations_; }

 private:
  std::optional<std::string> fail(const char* rule, const pl::Fill& f) {
    ++violations_;
    return std::string("AXI rule: ") + rule + " (fill at 0x" + hex(f.addr) + ", " + std::to_string(f.beats) +
           " beats, issued in cycle " + std::to_string(f.issue) + ")";
  }
  static std::string hex(uint64_t v) {
    static const char* d = "0123456789abcdef";
    std::string s;
    do s.insert(s.begin(), d[v & 15]), v >>= 4; while (v);
    return s;
  }
  uint64_t checked_ = 0, violations_ = 0;
};

}  // namespace tinypynq::vp
