// SPDX-License-Identifier: MIT
// tinypynq — when the beats of an AXI-Stream transfer can move, as a closed-form schedule.
//
// The DMA models describe a stream's timing with one of these instead of a SystemC event per
// beat, so a command of a million beats costs a few arithmetic operations per beat:
//
//   pl::BeatSchedule s{.start = 106, .num = 1, .den = 1};  // one beat per cycle from cycle 106
//   s.at(0) == 106; s.at(15) == 121;
//   pl::BeatSchedule w{.start = 10, .burst_beats = 16, .burst_gap = 5};  // S2MM: 5 idle cycles per burst
//   w.at(16) == 10 + 16 + 5;
//
// For an input stream (MM2S -> unit), at(i) is the first cycle in which beat i can be valid (its
// data is in the DMA's FIFO); the DMA presents beat i from max(at(i), handshake of beat i-1 + 1).
// For the output stream (unit -> S2MM), at(j) is the first cycle in which the S2MM channel can
// accept beat j: TREADY(t) = (t >= at(number of beats accepted so far)).
// A source whose beats follow no closed form (a v2 view reader, docs/pl-v2.md "Line buffer and
// timing") gives an explicit per-beat table instead: with `table` set, at(i) = table[i] for
// i < table_beats and the closed-form fields are ignored (keep start = table[0] and num = den = 1,
// a lower bound, for readers that only look at them). Beyond the table, beats follow one per
// cycle. The table is not owned: it must outlive every use of the schedule.
//   pl::BeatSchedule t{.start = v[0], .table = v.data(), .table_beats = v.size()};
// Cycles are absolute FCLK0 cycles (cycle 0 = reset). Pure C++20, no SystemC.
#pragma once

#include <cstdint>

namespace tinypynq::pl {

struct BeatSchedule {
  uint64_t start = 0;        // earliest cycle of beat 0
  uint32_t num = 1;          // steady-state cycles per beat = num / den (must be >= 1)
  uint32_t den = 1;
  uint32_t burst_beats = 0;  // 0: no burst structure; else burst_gap idle cycles after every burst
  uint32_t burst_gap = 0;
  const uint64_t* table = nullptr;  // per-beat mode: at(i) = table[i] (see above)
  uint64_t table_beats = 0;

  constexpr bool tabled() const noexcept { return table != nullptr && table_beats != 0; }
  constexpr uint64_t at(uint64_t i) const noexcept {
    if (tabled()) return i < table_beats ? table[i] : table[table_beats - 1] + (i - table_beats + 1);
    return start + (i * num) / den + (burst_beats ? (i / burst_beats) * burst_gap : 0);
  }
};

// at(i0), at(i0 + step), at(i0 + 2 step), ... without a division per step (the same values:
// quotients and remainders are carried), for loops that walk a schedule burst by burst.
class BeatStepper {
 public:
  BeatStepper(const BeatSchedule& s, uint64_t i0, uint64_t step) noexcept : s_(s), i_(i0), step_(step) {
    const uint64_t t = i0 * s.num, dt = step * s.num;
    q_ = t / s.den, r_ = t % s.den, dq_ = dt / s.den, dr_ = dt % s.den;
    if (s.burst_beats) {
      bq_ = i0 / s.burst_beats, br_ = i0 % s.burst_beats;
      sq_ = step / s.burst_beats, sr_ = step % s.burst_beats;
    }
  }
  uint64_t value() const noexcept {
    if (s_.tabled()) return s_.at(i_);
    return s_.start + q_ + (s_.burst_beats ? bq_ * s_.burst_gap : 0);
  }
  void next() noexcept {
    i_ += step_;
    q_ += dq_, r_ += dr_;
    if (r_ >= s_.den) ++q_, r_ -= s_.den;
    if (s_.burst_beats) {
      bq_ += sq_, br_ += sr_;
      if (br_ >= s_.burst_beats) ++bq_, br_ -= s_.burst_beats;
    }
  }

 private:
  BeatSchedule s_;
  uint64_t i_ = 0, step_ = 0;
  uint64_t q_ = 0, r_ = 0, dq_ = 0, dr_ = 0, bq_ = 0, br_ = 0, sq_ = 0, sr_ = 0;
};

}  // namespace tinypynq::pl
