// SPDX-License-Identifier: MIT
#include "runtime/rtl/rtl_target.h"

#include <stdexcept>
#include <string>

#include "base/check.h"
#include "cosim/rtl_pl.h"
#include "models/tlm/platform.h"
#include "runtime/tlm/tlm_driver.h"
#include "tensor/device.h"

namespace tinypynq::cosim {

void register_rtl_target(const BoardConfig& cfg, const RtlTargetOptions& opt) {
  // pl_version 2 (docs/pl-v2.md "v2 on the rtl target"): the platform builds the v2 data movers
  // (models/tlm/platform.cpp) and binds their streams to the Verilated PL as v1 binds the DMAs'.
  // The Verilated PL has the unit sizes and the clock it was built with. A board configuration
  // with others is valid for every other target (tlm), so only the rtl target refuses it, and
  // only when it is used: no rtl platform is declared (it would be elaborated, and checked,
  // together with the tlm one at the first use of either).
  std::string mismatch;
  try {
    RtlPl::check_config(cfg);
  } catch (const std::invalid_argument& e) {
    mismatch = e.what();
  }
  if (!mismatch.empty()) {
    register_device("rtl", [mismatch]() -> std::unique_ptr<Device> { throw std::invalid_argument(mismatch); });
    return;
  }
  RtlPlOptions o;
  o.waves = opt.waves;
  o.lockstep = opt.lockstep;
  o.rtl_writer = opt.rtl_writer;
  o.rtl_queue = opt.rtl_queue;
  vp::register_platform_target("rtl", cfg, [o](const char* name, const BoardConfig& c) {
    return std::unique_ptr<vp::PlBlock>(new RtlPl(name, c, o));
  });
}

RtlTargetStats rtl_target_stats() {
  RtlTargetStats s;
  for (vp::Platform* p : vp::Platform::all())
    if (p->kind() == "rtl")
      if (auto* r = dynamic_cast<RtlPl*>(&p->pl())) {
        s.commands = r->commands();
        s.checked = r->checked_commands();
        s.clocked_cycles = r->clocked_cycles();
        s.reader_fills = r->reader_fills(), s.reader_fills_late = r->reader_fills_late();
        s.reader_beats = r->reader_beats(), s.reader_beats_late = r->reader_beats_late();
        s.writer_transfers = r->writer_transfers(), s.writer_bursts = r->writer_bursts();
        s.writer_beats = r->writer_beats();
        s.queue_accesses = r->queue_accesses(), s.queue_fetches = r->queue_fetches();
        s.queue_record_words = r->queue_record_words(), s.queue_fetch_timing_differs = r->queue_fetch_timing_differs();
      }
  return s;
}

}  // namespace tinypynq::cosim
