// SPDX-License-Identifier: MIT
// tinypynq — the vector unit of docs/hw-spec.md §6.1 (every elementwise op, 2 lanes + SFU) as a
// PlUnit driven by PlTop: bits from pl::vec_apply_n, timing from pl::time_vector (§8.2).
//
//   PlVector vec(cfg.sfu_datapaths(), cfg.stream_c());   // registers at VEC 0x4004_0000
//   UnitCommand c{.op = 0x01 /*ADD*/, .size = {1000}};
//   if (vec.check(c) == 0) { UnitResult r = vec.run(c, t0, streams, s2mm_ready, nullptr); }
#pragma once

#include <vector>

#include "models/tlm/pl_regs.h"

namespace tinypynq::vp {

class PlVector final : public PlUnit {
 public:
  // sfu_dps: the SFU datapaths built (BoardConfig::sfu_datapaths(); default all); stream_c:
  // whether the PL has stream C (BoardConfig::stream_c(); without it an opcode with three
  // operands whose C is not C_SCALAR is rejected with BAD_OP).
  explicit PlVector(uint32_t sfu_dps = hw::kSfuDpAll, bool stream_c = true);
  uint8_t check(const UnitCommand& c) const override;
  void input_beats(const UnitCommand& c, uint64_t beats[3]) const override;
  UnitResult run(const UnitCommand& c, Cycle t0, const StreamIn* const in[3],
                 const pl::BeatSchedule& r, pl::BeatLog* log) override;
  pl::CmdTiming retime(const UnitCommand& c, Cycle t0, const StreamIn* const in[3], const pl::BeatSchedule& r,
                       pl::BeatLog* log) const override;
  std::string describe(const UnitCommand& c) const override;

 private:
  // Which of A, B, C the command streams: operands the op has and that are not scalar.
  static void streamed(const UnitCommand& c, bool s[3]);
  uint32_t sfu_dps_;
  bool stream_c_;
  std::vector<uint32_t> out_, scratch_[3];
};

}  // namespace tinypynq::vp
