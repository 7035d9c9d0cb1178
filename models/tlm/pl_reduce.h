// SPDX-License-Identifier: MIT
// tinypynq — the reduce unit of docs/hw-spec.md §6.2 (SUM/MAX over rows of L elements, rows
// packed back to back on stream A, two results per output beat) as a PlUnit driven by PlTop:
// bits from pl::reduce_sum / pl::reduce_max, timing from pl::time_reduce (§8.2).
//
//   PlReduce red;                              // registers at RED 0x4005_0000
//   UnitCommand c{.op = 0 /*SUM*/, .size = {rows, len}};
//   if (red.check(c) == 0) { UnitResult r = red.run(c, t0, streams, s2mm_ready, nullptr); }
#pragma once

#include <vector>

#include "models/tlm/pl_regs.h"

namespace tinypynq::vp {

class PlReduce final : public PlUnit {
 public:
  // built: the PL has the unit (BoardConfig::reduce_unit); without it CFG0.BUILT reads 0 and
  // every START is rejected with BAD_OP.
  explicit PlReduce(bool built = true);
  uint8_t check(const UnitCommand& c) const override;
  void input_beats(const UnitCommand& c, uint64_t beats[3]) const override;
  UnitResult run(const UnitCommand& c, Cycle t0, const StreamIn* const in[3],
                 const pl::BeatSchedule& r, pl::BeatLog* log) override;
  pl::CmdTiming retime(const UnitCommand& c, Cycle t0, const StreamIn* const in[3], const pl::BeatSchedule& r,
                       pl::BeatLog* log) const override;
  std::string describe(const UnitCommand& c) const override;

 private:
  bool built_;
  std::vector<uint32_t> out_, scratch_;
};

}  // namespace tinypynq::vp
