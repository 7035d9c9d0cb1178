// SPDX-License-Identifier: MIT
// tinypynq — the cycle model of docs/hw-spec.md §8.2 (vector, reduce) and §8.3 (matmul)
// evaluated against stream schedules, event by event: O(beats) integer work per command, no
// per-cycle loop, whatever the idle stretches. Same CYCLES and the same handshake cycle of every
// beat as pl::PipelineModel stepped per cycle (pl_timing.h) and the literal §8.3 recurrence.
//
//   pl::BeatSchedule a{.start = 105, .num = 3, .den = 2};          // stream A (DMA0 MM2S)
//   pl::BeatSchedule r{.start = 140, .burst_beats = 16, .burst_gap = 5};  // stream R (S2MM)
//   const pl::BeatSchedule* in[3] = {&a, nullptr, nullptr};         // B scalar, no C
//   pl::CmdTiming t = pl::time_vector(pl::VecOp::MUL, 1000, 100, in, r);
//   // t.cycles -> CYCLES register, t.t_done -> TLAST handshake, t.in_last[0] -> DMA0 MM2S done
//
// Stream semantics (absolute FCLK0 cycles; t0 = cycle of the START write, busy from t0 + 1):
//  * input stream s, beat i can handshake in cycle t iff t >= sched_s.at(i), t is after the
//    handshake of beat i-1 and the unit's TREADY is 1 in t (§8.2/§8.3); the DMA holds the beat
//    valid until it is taken;
//  * output beat j can handshake in cycle t iff the unit has it valid in t and t >= out.at(j).
// A stream that never becomes valid would hang the RTL; here every schedule is finite, so
// every call terminates (the TLM handles short transfers before calling).
// Pure C++20, no SystemC.
#pragma once

#include <cstdint>
#include <vector>

#include "models/fp/beat_schedule.h"
#include "models/fp/pl_units.h"

namespace tinypynq::pl {

struct CmdTiming {
  uint64_t t_done = 0;              // handshake cycle of the last output beat (TLAST)
  uint64_t cycles = 0;              // CYCLES = t_done - t0
  uint64_t in_last[3] = {0, 0, 0};  // handshake cycle of the last beat of A, B, C; 0 = not streamed
};

// Optional per-beat handshake cycles (traces, co-simulation checks). in[s] is empty for a stream
// the command does not use. Filling it costs a vector push per beat.
struct BeatLog {
  std::vector<uint64_t> in[3];
  std::vector<uint64_t> out;
  // The first cycle output beat j is valid on R (out[j] - out_valid[j] = cycles R held it back):
  // what a sink that plans from the producer's offers (the v2 view writer) is given.
  std::vector<uint64_t> out_valid;
  void clear() {
    for (auto& v : in) v.clear();
    out.clear();
    out_valid.clear();
  }
};

// Vector command of n >= 1 elements (opcode must be defined, see vec_op_info). in[s] = schedule
// of stream A/B/C, nullptr when that operand is a scalar register or the op does not have it
// (all nullptr = a fill). Beats: ceil(n/2) on every streamed input and on R.
// The same evaluations without the memo (time_vector/time_reduce/time_matmul remember the
// relative timing of commands they have seen; these always walk the beats). A tabled schedule
// (BeatSchedule::table, a v2 view reader's per-beat valid cycles) is honoured beat by beat: input
// beat i is taken no earlier than table[i]. The memoised forms bypass the memo for a command
// with any tabled schedule (a table is not a key).
CmdTiming time_vector_exact(VecOp op, uint64_t n, uint64_t t0, const BeatSchedule* const in[3],
                            const BeatSchedule& out, BeatLog* log = nullptr);
CmdTiming time_reduce_exact(uint64_t rows, uint64_t len, uint64_t t0, const BeatSchedule& a,
                            const BeatSchedule& out, BeatLog* log = nullptr);
CmdTiming time_matmul_exact(uint64_t m, uint64_t k, uint64_t n, bool load_w, const MatmulConfig& cfg,
                            uint64_t t0, const BeatSchedule& a, const BeatSchedule* w,
                            const BeatSchedule& out, BeatLog* log = nullptr);
CmdTiming time_vector(VecOp op, uint64_t n, uint64_t t0, const BeatSchedule* const in[3],
                      const BeatSchedule& out, BeatLog* log = nullptr);

// Reduce command, rows >= 1, len >= 1: ceil(rows*len/2) beats on A, ceil(rows/2) on R.
CmdTiming time_reduce(uint64_t rows, uint64_t len, uint64_t t0, const BeatSchedule& a,
                      const BeatSchedule& out, BeatLog* log = nullptr);

// Matmul command M x K x N (all >= 1). w: schedule of stream B, used (and required) only when
// load_w; with load_w = false the weight tile already in WBUF is used and B is not touched.
CmdTiming time_matmul(uint64_t m, uint64_t k, uint64_t n, bool load_w, const MatmulConfig& cfg,
                      uint64_t t0, const BeatSchedule& a, const BeatSchedule* w,
                      const BeatSchedule& out, BeatLog* log = nullptr);

// Walks at(0), at(1), ... of a schedule with additions only (at() divides twice per call); a
// tabled schedule (BeatSchedule::table) is walked by index.
class ScheduleCursor {
 public:
  ScheduleCursor() noexcept : ScheduleCursor(BeatSchedule{}) {}
  explicit ScheduleCursor(const BeatSchedule& s) noexcept
      : cur_(s.tabled() ? s.table[0] : s.start), step_(s.den ? s.num / s.den : s.num),
        rem_(s.den ? s.num % s.den : 0), den_(s.den ? s.den : 1), bb_(s.burst_beats),
        gap_(s.burst_gap), tab_(s.tabled() ? s.table : nullptr), tab_n_(s.table_beats) {}
  uint64_t cur() const noexcept { return cur_; }  // at(i) of the current beat i
  void next() noexcept {                          // i -> i + 1
    if (tab_) [[unlikely]] {
      cur_ = (++tab_i_ < tab_n_) ? tab_[tab_i_] : cur_ + 1;
      return;
    }
    cur_ += step_;
    acc_ += rem_;
    if (acc_ >= den_) {
      acc_ -= den_;
      ++cur_;
    }
    if (bb_ && ++in_burst_ == bb_) {
      in_burst_ = 0;
      cur_ += gap_;
    }
  }

 private:
  uint64_t cur_;
  uint32_t step_, rem_, den_, bb_, gap_;
  uint32_t acc_ = 0, in_burst_ = 0;
  const uint64_t* tab_;
  uint64_t tab_n_, tab_i_ = 0;
};

}  // namespace tinypynq::pl
