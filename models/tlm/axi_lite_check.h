// SPDX-License-Identifier: MIT
// tinypynq — the AXI-Lite access rule every PL register window of the TLM platform applies
// (view readers, view writer, command queue): whole aligned 32-bit accesses inside the
// window with every byte enabled. The answer is the TLM error response the bus would give.
//
//   if (auto st = vp::lite_check(gp, window_bytes); st != tlm::TLM_OK_RESPONSE)
//     return gp.set_response_status(st);
#pragma once

#include <cstdint>

#include <tlm>

namespace tinypynq::vp {

inline tlm::tlm_response_status lite_check(const tlm::tlm_generic_payload& gp, uint64_t bytes) {
  if (gp.get_data_length() != 4 || gp.get_streaming_width() < 4) return tlm::TLM_BURST_ERROR_RESPONSE;
  if (gp.get_address() % 4 || gp.get_address() >= bytes) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (const unsigned char* be = gp.get_byte_enable_ptr()) {
    const unsigned n = gp.get_byte_enable_length();
    for (unsigned i = 0; i < 4; ++i)
      if (n == 0 || be[i % n] != TLM_BYTE_ENABLED) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  }
  return tlm::TLM_OK_RESPONSE;
}

}  // namespace tinypynq::vp
