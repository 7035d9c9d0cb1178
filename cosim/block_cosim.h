// SPDX-License-Identifier: MIT
// tinypynq co-simulation of the pl_version 2 data movers (docs/pl-v2.md): seeded random view
// descriptors through the Verilated view reader (rtl/vr) and view writer (rtl/vw), each
// against its reference model (models/fp/view_reader.h, view_writer.h: the normative timing the
// TLM blocks use), bit for bit and cycle for cycle. `tinypynq cosim --unit view_reader` runs it.
//
//   cosim::BlockCosimReport r = cosim::cosim_view_reader(/*count=*/2000, /*seed=*/1);
//   std::puts(r.str().c_str());          // "view_reader, seed 1: 2000 descriptors ..."
//   if (!r.first_mismatch.empty()) ...   // the descriptor, the element or fill, both values, cycles
//   cosim::cosim_cmd_queue(300, 1);      // the queue's RTL: random rings
//
// Every fifth descriptor is broken (each error code of the block's table occurs), the HP port's
// latency and rate vary, the writer's producer keeps pace, lags or starts late, some packets
// are short or long. A run stops at the first mismatch.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tinypynq::cosim {

struct BlockCosimReport {
  std::string block;            // "view_reader", "view_writer", "cmd_queue"
  uint64_t seed = 0;
  unsigned compared = 0;        // descriptors run (up to and including a mismatch)
  unsigned exact = 0;           // bit- and cycle-exact among them
  unsigned accepted = 0, rejected = 0;
  uint64_t transfers = 0;       // reader: line fills; writer: bursts
  uint64_t beats = 0;           // stream beats
  unsigned codes[16] = {};      // cases per expected ERR_CODE (0 = accepted)
  std::vector<std::pair<std::string, uint64_t>> counts;  // what was compared: {"fills", n}, ...
  std::string first_mismatch;   // empty: all exact
  double seconds = 0;           // wall time
  std::string str() const;      // one line
};

BlockCosimReport cosim_view_reader(unsigned count, uint64_t seed);
BlockCosimReport cosim_view_writer(unsigned count, uint64_t seed);
// Random rings through the RTL command queue (rtl/cq) against the spec's timing recurrences
// (docs/pl-v2.md "v2 step 4"): every register write, sequencer read, result record, poll and
// the IRQ level per cycle; back-pressure, resets in flight, every error code.
BlockCosimReport cosim_cmd_queue(unsigned count, uint64_t seed);

}  // namespace tinypynq::cosim
