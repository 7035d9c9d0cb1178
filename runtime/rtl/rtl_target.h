// SPDX-License-Identifier: MIT
// tinypynq — the `rtl` target: the tlm platform with the PL replaced by the Verilated RTL
// (rtl_pl.h), every command checked against the TLM unit models as it runs.
//
//   cosim::register_rtl_target(BoardConfig::defaults());   // device("rtl") now runs the RTL
//   Tensor t = Tensor::rand({1024}, "rtl");
//
// Register it together with the tlm target, before either is used: SystemC elaborates once
// per process, so both platforms are built at the first use of either.
#pragma once

#include <cstdint>
#include <string>

#include "base/board_config.h"
#include "cosim/wave_options.h"

namespace tinypynq::cosim {

struct RtlTargetOptions {
  WaveOptions waves;     // waveform of the whole run (none by default; cosim/wave_options.h)
  bool lockstep = true;  // check every command against the TLM unit models
  bool rtl_writer = false;  // pl_version 2: the view writer in RTL too (cosim/rtl_pl.h RtlPlOptions)
  bool rtl_queue = false;   // ... the writer and the command queue: the board's v2 PL (RtlPlOptions)
};

void register_rtl_target(const BoardConfig& cfg, const RtlTargetOptions& opt = {});

// Figures of the rtl platform (zeros before it was built).
struct RtlTargetStats {
  uint64_t commands = 0;         // commands the RTL completed
  uint64_t checked = 0;          // of them, compared with the TLM models (all matched)
  uint64_t clocked_cycles = 0;   // cycles the Verilated design was evaluated
  // pl_version 2: the RTL readers' fills and beats compared with the TLM readers', and of them
  // those later than the TLM plan allowed for a lagging unit (docs/pl-v2.md "v2 on the rtl target")
  uint64_t reader_fills = 0, reader_fills_late = 0, reader_beats = 0, reader_beats_late = 0;
  // rtl_writer: the RTL writer's transfers, bursts and R beats compared with the TLM writer's
  uint64_t writer_transfers = 0, writer_bursts = 0, writer_beats = 0;
  // rtl_queue: the RTL queue's register-bus accesses, slot fetches and record words compared
  uint64_t queue_accesses = 0, queue_fetches = 0, queue_record_words = 0, queue_fetch_timing_differs = 0;
};
RtlTargetStats rtl_target_stats();

}  // namespace tinypynq::cosim
