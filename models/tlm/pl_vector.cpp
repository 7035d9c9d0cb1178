// SPDX-License-Identifier: MIT
#include "models/tlm/pl_vector.h"

#include <string>

#include "models/fp/pl_units.h"

namespace tinypynq::vp {

using namespace pl_reg;

// CFG0: lanes [7:0] = 2, SFUs [15:8] = 1 (§7.2), SFU_DPS [21:16] = the datapaths built,
// STREAM_C [22]
PlVector::PlVector(uint32_t sfu_dps, bool stream_c)
    : PlUnit(hw::unit_name(hw::Unit::kVector),
             {VEC_ID,
              hw::vec::CFG0_LANES.put(hw::vec::CFG0_LANES_VALUE) | hw::vec::CFG0_SFUS.put(hw::vec::CFG0_SFUS_VALUE) |
                  hw::vec::CFG0_SFU_DPS.put(sfu_dps) | hw::vec::CFG0_STREAM_C.put(stream_c ? 1 : 0),
              0, 0, hw::unit_info(hw::Unit::kVector).scalars}),
      sfu_dps_(sfu_dps & hw::kSfuDpAll),
      stream_c_(stream_c) {}

uint8_t PlVector::check(const UnitCommand& c) const {
  // An undefined opcode is reported before a bad size (both make the START fail); so is an SFU
  // opcode whose datapath this PL was built without (hw/pl_contract.json sfu_datapaths).
  const uint32_t code = c.op & VEC_OPCODE_MASK;
  if (!pl::vec_op_info(code)) return ERR_BAD_OP;
  if ((hw::sfu_datapath_of(code) & ~sfu_dps_) != 0) return ERR_BAD_OP;
  // ... and, on a PL without stream C, an opcode that would read C from it
  if (!stream_c_ && pl::vec_op_info(code)->arity == 3 && !(c.op & (VEC_A_SCALAR << 2))) return ERR_BAD_OP;
  if (c.size[0] == 0 || c.size[0] > MAX_STREAM_ELEMS) return ERR_BAD_SIZE;
  return 0;
}

void PlVector::streamed(const UnitCommand& c, bool s[3]) {
  const unsigned arity = pl::vec_op_info(c.op & VEC_OPCODE_MASK)->arity;
  for (unsigned k = 0; k < 3; ++k) s[k] = k < arity && !(c.op & (VEC_A_SCALAR << k));
}

void PlVector::input_beats(const UnitCommand& c, uint64_t beats[3]) const {
  bool s[3];
  streamed(c, s);
  for (unsigned k = 0; k < 3; ++k) beats[k] = s[k] ? (uint64_t{c.size[0]} + 1) / 2 : 0;
}

UnitResult PlVector::run(const UnitCommand& c, Cycle t0, const StreamIn* const in[3],
                         const pl::BeatSchedule& r, pl::BeatLog* log) {
  const pl::VecOpInfo* info = pl::vec_op_info(c.op & VEC_OPCODE_MASK);
  const uint64_t n = c.size[0];
  bool s[3];
  streamed(c, s);
  const uint32_t* x[3] = {nullptr, nullptr, nullptr};
  const pl::BeatSchedule* sched[3] = {nullptr, nullptr, nullptr};
  for (unsigned k = 0; k < 3; ++k)
    if (s[k]) {
      x[k] = words(*in[k], n, scratch_[k]);
      sched[k] = &in[k]->valid;
    }
  uint32_t* out = out_words(n, out_);
  bool range = false;
  pl::vec_apply_n(info->op, x[0], x[1], x[2], c.scalar[0], c.scalar[1], c.scalar[2], out, n, &range);
  UnitResult res;
  res.out = reinterpret_cast<const uint8_t*>(out);
  res.out_bytes = 4 * n;
  res.timing = pl::time_vector(info->op, n, t0, sched, r, log);
  res.warnings = range ? ST_W_RANGE : 0;
  return res;
}

pl::CmdTiming PlVector::retime(const UnitCommand& c, Cycle t0, const StreamIn* const in[3], const pl::BeatSchedule& r,
                               pl::BeatLog* log) const {
  const pl::VecOpInfo* info = pl::vec_op_info(c.op & VEC_OPCODE_MASK);
  bool s[3];
  streamed(c, s);
  const pl::BeatSchedule* sched[3] = {nullptr, nullptr, nullptr};
  for (unsigned k = 0; k < 3; ++k)
    if (s[k]) sched[k] = &in[k]->valid;
  return pl::time_vector(info->op, c.size[0], t0, sched, r, log);
}

std::string PlVector::describe(const UnitCommand& c) const {
  const pl::VecOpInfo* info = pl::vec_op_info(c.op & VEC_OPCODE_MASK);
  std::string s = std::string(info ? info->name : "?") + " N=" + std::to_string(c.size[0]);
  for (unsigned k = 0; k < 3; ++k)
    if (c.op & (VEC_A_SCALAR << k)) s += std::string(" ") + char('A' + k) + "=scalar";
  return s;
}

}  // namespace tinypynq::vp
