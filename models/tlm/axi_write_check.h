// SPDX-License-Identifier: MIT
// tinypynq — the AXI rules the view writer's write bursts must obey (docs/pl-v2.md "v2 step 3",
// AXI rules), checked on every burst apart from the writer that issues them (as
// axi_fill_check.h for the readers' fills; the RTL writer will carry the same SVA assertions).
//
//   vp::AxiWriteChecker chk;
//   if (auto why = chk.check(burst, base, limit, ddr_bytes)) SC_REPORT_ERROR("vw", why->c_str());
//
// Rules (AMBA AXI3, ARM IHI 0022; HP ports are AXI3, 64-bit, UG585 §5.4):
//  * AWSIZE = 3: the address is 8-byte aligned (A3.4.1, aligned INCR);
//  * AWLEN + 1 = 1 .. 16 beats (AXI3 INCR maximum);
//  * a burst must not cross a 4 KB boundary (A3.4.1);
//  * WSTRB (A3.4.3) enables only bytes of [BASE, BASE + LIMIT), in whole 32-bit words; the first
//    and last beats enable at least one byte (a burst is trimmed to its written beats);
//  * every beat lies in DDR.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/fp/view_writer.h"

namespace tinypynq::vp {

class AxiWriteChecker {
 public:
  static constexpr uint64_t kBeatBytes = 8, kMaxBeats = 16, kBoundary = 4096;

  // Empty when the burst is legal, else the rule it breaks.
  std::optional<std::string> check(const pl::Burst& b, uint64_t base, uint64_t limit, uint64_t ddr_bytes) {
    ++checked_;
    const uint64_t end = b.addr + kBeatBytes * b.beats;
    if (b.addr % kBeatBytes) return fail("address not 8-byte aligned (AWSIZE = 3)", b);
    if (b.beats == 0 || b.beats > kMaxBeats) return fail("AWLEN + 1 outside 1..16 (AXI3 INCR)", b);
    if (b.addr / kBoundary != (end - 1) / kBoundary) return fail("burst crosses a 4 KB boundary", b);
    if (end > ddr_bytes) return fail("writes past the end of DDR", b);
    if (b.beats < kMaxBeats && (b.words >> (2 * b.beats)) != 0) return fail("WSTRB set past the burst's last beat", b);
    if (b.strb(0) == 0 || b.strb(b.beats - 1) == 0) return fail("first or last beat with WSTRB = 0", b);
    for (uint32_t w = 0; w < 2 * b.beats; ++w)
      if ((b.words >> w & 1) && (b.addr + 4 * w < base || b.addr + 4 * w + 4 > base + limit))
        return fail("WSTRB enables a byte outside [BASE, BASE + LIMIT)", b);
    return std::nullopt;
  }
  uint64_t checked() const { return checked_; }
  uint64_t violations() const { return violations_; }

 private:
  std::optional<std::string> fail(const char* rule, const pl::Burst& b) {
    ++violations_;
    static const char* d = "0123456789abcdef";
    std::string a;
    uint64_t v = b.addr;
    do a.insert(a.begin(), d[v & 15]), v >>= 4; while (v);
    return std::string("AXI rule: ") + rule + " (burst at 0x" + a + ", " + std::to_string(b.beats) + " beats, AW in cycle " +
           std::to_string(b.aw) + ")";
  }
  uint64_t checked_ = 0, violations_ = 0;
};

}  // namespace tinypynq::vp
