// SPDX-License-Identifier: MIT
#include "models/tlm/pl_reduce.h"

#include <string>

#include "models/fp/pl_float.h"
#include "models/fp/pl_units.h"

namespace tinypynq::vp {

using namespace pl_reg;

// CFG0: P_RED [7:0] (§7.2), BUILT [8]
PlReduce::PlReduce(bool built)
    : PlUnit(hw::unit_name(hw::Unit::kReduce),
             {RED_ID, hw::red::CFG0_LATENCY.put(hw::red::CFG0_LATENCY_VALUE) | hw::red::CFG0_BUILT.put(built ? 1 : 0), 0,
              0, hw::unit_info(hw::Unit::kReduce).scalars}),
      built_(built) {}

uint8_t PlReduce::check(const UnitCommand& c) const {
  if (!built_) return ERR_BAD_OP;  // a PL built without the unit (CFG0.BUILT = 0)
  const uint64_t rows = c.size[0], len = c.size[1];  // 64-bit: the product cannot wrap
  if (rows == 0 || len == 0 || rows * len > MAX_STREAM_ELEMS) return ERR_BAD_SIZE;
  return 0;  // OP[0] selects SUM/MAX; the other bits are ignored, so no BAD_OP
}

void PlReduce::input_beats(const UnitCommand& c, uint64_t beats[3]) const {
  beats[0] = (uint64_t{c.size[0]} * c.size[1] + 1) / 2;
  beats[1] = beats[2] = 0;
}

UnitResult PlReduce::run(const UnitCommand& c, Cycle t0, const StreamIn* const in[3],
                         const pl::BeatSchedule& r, pl::BeatLog* log) {
  const uint64_t rows = c.size[0], len = c.size[1];
  const uint32_t* x = words(*in[0], rows * len, scratch_);
  out_.resize(rows);
  const bool max = c.op & RED_MAX;
  if (max)
    pl::reduce_max_rows(x, rows, len, out_.data());
  else
    pl::reduce_sum_rows(x, rows, len, out_.data());
  UnitResult res;
  res.out = bytes_of(out_);
  res.out_bytes = 4 * rows;
  res.timing = pl::time_reduce(rows, len, t0, in[0]->valid, r, log);
  return res;
}

pl::CmdTiming PlReduce::retime(const UnitCommand& c, Cycle t0, const StreamIn* const in[3], const pl::BeatSchedule& r,
                               pl::BeatLog* log) const {
  return pl::time_reduce(c.size[0], c.size[1], t0, in[0]->valid, r, log);
}

std::string PlReduce::describe(const UnitCommand& c) const {
  return std::string(c.op & RED_MAX ? "MAX" : "SUM") + " ROWS=" + std::to_string(c.size[0]) +
         " L=" + std::to_string(c.size[1]);
}

}  // namespace tinypynq::vp
