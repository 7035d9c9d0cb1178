// SPDX-License-Identifier: MIT
// tinypynq — the timing question a DMA asks its HP port: "I want to move `beats` 64-bit beats
// at `addr` starting in cycle `start`; when can each beat move?"
//
// Carried as an extension on a TLM_IGNORE_COMMAND generic payload (address and length set, no
// data): the ps7 HP port answers with TLM_OK_RESPONSE and fills `sched`, or with
// TLM_ADDRESS_ERROR_RESPONSE when [addr, addr+length) is not in DDR (the DMA then sets
// DMADecErr, as the interconnect's DECERR would). The data itself moves through DMI.
//
//   HpStreamExt ext{.write = false, .start = now_cycle, .beats = n};
//   tlm::tlm_generic_payload gp;  gp.set_command(tlm::TLM_IGNORE_COMMAND);
//   gp.set_address(sa); gp.set_data_length(bytes); gp.set_extension(&ext);
//   m_axi_mm2s->b_transport(gp, delay);   ...   gp.clear_extension(&ext);
#pragma once

#include <tlm>

#include <cstdint>

#include "models/fp/beat_schedule.h"

namespace tinypynq::vp {

struct HpStreamExt : tlm::tlm_extension<HpStreamExt> {
  bool write = false;    // S2MM (write to DDR) or MM2S (read)
  uint64_t start = 0;    // cycle of the first address phase (ARVALID/AWVALID)
  uint64_t beats = 0;    // beats of the requesting DMA's data width
  unsigned beat_bytes = 8;    // the DMA's memory-map data width in bytes (4 or 8; HP is 64-bit)
  unsigned burst_beats = 16;  // the DMA's max burst length
  // false: answer only (the rate now), the transfer is not counted as in flight and its bytes
  // not as moved; a writer that learns its rate before its beats (VW at START) asks again later.
  bool reserve = true;
  pl::BeatSchedule sched;     // out: read: first cycle beat i's data is at the DMA; write: first
                              // cycle beat i's data can be written (accepted by the port)
  uint64_t done = 0;          // out, write only: cycle of the last write response (BVALID)

  tlm::tlm_extension_base* clone() const override { return new HpStreamExt(*this); }
  void copy_from(const tlm::tlm_extension_base& e) override {
    *this = static_cast<const HpStreamExt&>(e);
  }
};

}  // namespace tinypynq::vp
