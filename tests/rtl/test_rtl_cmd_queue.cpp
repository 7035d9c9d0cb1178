// SPDX-License-Identifier: MIT
// Co-simulation of the RTL command queue (rtl/cq/tp_cmd_queue.sv), Verilated and driven cycle by
// cycle, against the spec's timing (docs/pl-v2.md "v2 step 4", "Timing (normative ...)"): the
// recurrences test_cmd_queue_tlm checks on the TLM block (models/tlm/cmd_queue_tlm.cpp),
//   f_e = max(avail_e, s_{e-1}), h_e = f_e + lat + 16 cpb, r_e = h_e + 1 + lat + (B_e - 16) cpb,
//   s_e = max(r_e, end_{e-1} + 1), write i in s_e + 1 + 2i, u_e = s_e + 1 + 2 NWRITES,
//   end_e = d_e + 8, the record in end_e + 1, b_e = end_e + 2 + lat_w, COMPLETED in b_e + 1,
// with the error rules of the RTL header (the TLM's, see docs/pl-v2.md "Done in step 4: the RTL
// queue"). The bench plays the PS (AXI-Lite: ring set-up, doorbells at random times, a poll of
// COMPLETED / STATUS whenever it is idle), the HP3 port (a_f = max(i_f + lat, a_{f-1}) + n cpb,
// the last R beat in a_f - 1, as test_rtl_view_reader's; B lat_w cycles after the record), the
// PL's register bus (AW/W and AR accepted at once, the response the next cycle, as
// tp_axil_slave) and VW (its STATUS DONE or ERR d_e cycles after the unit check). Per case it
// compares every register write's cycle, address and data, every sequencer read's cycle and
// address, every record's cycle, address and data, every poll's value in its cycle, the IRQ
// level in every cycle and the final STATUS / COMPLETED / HEAD / ERR_INDEX / ERR_INFO.
// TINYPYNQ_CQ_COSIM_COUNT sets the number of cases (default 300).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "cosim/block_cosim.h"

namespace {

unsigned case_count() {
  const char* s = std::getenv("TINYPYNQ_CQ_COSIM_COUNT");
  return s ? static_cast<unsigned>(std::strtoul(s, nullptr, 10)) : 300;
}

// The loop is the library's (cosim/block_cosim.cpp; `tinypynq cosim --unit cmd_queue`).
TEST(RtlCmdQueue, RandomRingsMatchTheSpecsTiming) {
  const unsigned n = case_count();
  const tinypynq::cosim::BlockCosimReport r = tinypynq::cosim::cosim_cmd_queue(n, 20261204);
  std::printf("[rtl cmd queue] %s\n", r.str().c_str());
  EXPECT_EQ(r.compared, n);
  EXPECT_EQ(r.exact, n) << r.first_mismatch;
}

}  // namespace
