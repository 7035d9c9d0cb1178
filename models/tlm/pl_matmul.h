// SPDX-License-Identifier: MIT
// tinypynq — the matmul unit of docs/hw-spec.md §6.3 (C = A·W, output-stationary R x C array,
// weight tile kept in WBUF across commands) as a PlUnit driven by PlTop: bits from pl::matmul,
// timing from pl::time_matmul (§8.3).
//
//   PlMatmul mmu(pl::MatmulConfig{.rows = 4, .cols = 4});   // registers at MMU 0x4006_0000
//   UnitCommand c{.op = pl_reg::MMU_LOADW, .size = {m, k, n}};  // load W from stream B
//   UnitCommand d{.op = 0, .size = {m2, k, n}};                 // reuse the tile (same K, N)
#pragma once

#include <vector>

#include "base/board_config.h"
#include "models/fp/pl_units.h"
#include "models/tlm/pl_regs.h"

namespace tinypynq::vp {

// The array and buffer sizes of the board configuration (mm_rows, mm_cols, ...).
pl::MatmulConfig matmul_config(const BoardConfig& c);

class PlMatmul final : public PlUnit {
 public:
  explicit PlMatmul(const pl::MatmulConfig& cfg);  // throws std::invalid_argument (R odd or 0)
  uint8_t check(const UnitCommand& c) const override;
  void on_accept(const UnitCommand& c) override;
  void on_reset() override { tile_ = false; }
  void input_beats(const UnitCommand& c, uint64_t beats[3]) const override;
  UnitResult run(const UnitCommand& c, Cycle t0, const StreamIn* const in[3],
                 const pl::BeatSchedule& r, pl::BeatLog* log) override;
  pl::CmdTiming retime(const UnitCommand& c, Cycle t0, const StreamIn* const in[3], const pl::BeatSchedule& r,
                       pl::BeatLog* log) const override;
  std::string describe(const UnitCommand& c) const override;
  const pl::MatmulConfig& config() const { return cfg_; }

 private:
  pl::MatmulConfig cfg_;
  bool tile_ = false;            // a LOADW command was accepted since reset
  uint32_t tile_k_ = 0, tile_n_ = 0;
  std::vector<uint32_t> wbuf_;   // WBUF contents (K x N, row-major): persists across commands
  std::vector<uint32_t> out_, scratch_a_, scratch_w_;
};

}  // namespace tinypynq::vp
