// Target registration, in one place: cpu (always), tlm (when built with SystemC), rtl (when
// the Verilated PL and SystemC were built). The CLI and the tests both register through here.
//   runtime::register_targets("");              // default board
//   runtime::register_targets("my_board.json"); // a board config file (docs/board-config.md)
//   Tensor t = Tensor::rand({4}, "tlm");
#pragma once
#include <string>

#include "base/board_config.h"
#include "cosim/wave_options.h"

namespace tinypynq::runtime {

// waves: waveforms of the rtl target's PL for the whole run (none by default).
// rtl_writer (or TINYPYNQ_RTL_WRITER=1): the rtl target's view writer in RTL too (cosim/rtl_pl.h).
void register_targets(const std::string& board_file, const cosim::WaveOptions& waves = {}, bool rtl_writer = false,
                      bool rtl_queue = false);
const BoardConfig& board_config();  // the configuration in use
// The rtl target's lockstep checker over the whole process so far (set-up included): commands
// the Verilated PL completed, how many were compared with the TLM models (all equal: the first
// difference stops the run), cycles actually clocked. valid = false without an rtl platform.
struct RtlLockstep {
  bool valid = false;
  uint64_t commands = 0, checked = 0, clocked_cycles = 0;
  // pl_version 2: the RTL readers against the TLM readers (fills and beats compared; "late": after
  // the TLM plan, allowed where the unit lags, docs/pl-v2.md "v2 on the rtl target")
  uint64_t reader_fills = 0, reader_fills_late = 0, reader_beats = 0, reader_beats_late = 0;
  // --rtl-writer: the RTL writer's transfers, bursts and R beats compared with the TLM writer's
  uint64_t writer_transfers = 0, writer_bursts = 0, writer_beats = 0;
  // --rtl-queue: the RTL queue's register-bus accesses, slot fetches and record words compared
  uint64_t queue_accesses = 0, queue_fetches = 0, queue_record_words = 0, queue_fetch_timing_differs = 0;
};
RtlLockstep rtl_lockstep();
bool have_tlm();
bool have_rtl();
std::string default_target();       // "tlm" when built, else "cpu"
// Registers with a config object instead of a file (tests).
void register_targets(const BoardConfig& cfg, const cosim::WaveOptions& waves = {}, bool rtl_writer = false,
                      bool rtl_queue = false);

}  // namespace tinypynq::runtime
