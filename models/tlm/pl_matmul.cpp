// SPDX-License-Identifier: MIT
#include "models/tlm/pl_matmul.h"

#include <stdexcept>
#include <string>

#include "models/fp/pl_float.h"

namespace tinypynq::vp {

using namespace pl_reg;

namespace {
UnitRegs::Ident ident(const pl::MatmulConfig& c) {
  // CFG0: R, C, L_A, L_M; CFG1: WDEPTH; CFG2: KMAX, NMAX (the fields of the contract)
  using namespace hw::mmu;
  return {MMU_ID,
          CFG0_ROWS.put(c.rows) | CFG0_COLS.put(c.cols) | CFG0_FADD_LAT.put(c.fadd_lat) | CFG0_FMUL_LAT.put(c.fmul_lat),
          CFG1_WDEPTH.put(c.wdepth), CFG2_KMAX.put(c.kmax) | CFG2_NMAX.put(c.nmax), false};
}
}  // namespace

pl::MatmulConfig matmul_config(const BoardConfig& c) {
  pl::MatmulConfig m;
  m.rows = c.mm_rows;
  m.cols = c.mm_cols;
  m.wdepth = c.mm_wdepth;
  m.kmax = c.mm_kmax;
  m.nmax = c.mm_nmax;
  return m;
}

PlMatmul::PlMatmul(const pl::MatmulConfig& cfg) : PlUnit(hw::unit_name(hw::Unit::kMatmul), ident(cfg)), cfg_(cfg) {
  // Blocks of R rows must end on a beat boundary (§6.3), and the fields must fit CFG0.
  if (cfg.rows == 0 || cfg.rows % 2 || cfg.rows > 255 || cfg.cols == 0 || cfg.cols > 255)
    throw std::invalid_argument("PlMatmul: R must be even and in [2, 254], C in [1, 255]");
}

uint8_t PlMatmul::check(const UnitCommand& c) const {
  const uint64_t m = c.size[0], k = c.size[1], n = c.size[2];
  if (m == 0 || k == 0 || n == 0 || k > cfg_.kmax || n > cfg_.nmax) return ERR_BAD_SIZE;
  if (m * k > MAX_STREAM_ELEMS || m * n > MAX_STREAM_ELEMS) return ERR_BAD_SIZE;
  if (k * ((n + cfg_.cols - 1) / cfg_.cols) > cfg_.wdepth) return ERR_BAD_SIZE;
  if (!(c.op & MMU_LOADW) && (!tile_ || k != tile_k_ || n != tile_n_)) return ERR_BAD_SIZE;
  return 0;  // OP[0] = LOADW; the other bits are ignored, so no BAD_OP
}

void PlMatmul::on_accept(const UnitCommand& c) {
  // WBUF is overwritten from the first W beat on, so the tile changes at acceptance.
  if (c.op & MMU_LOADW) {
    tile_ = true;
    tile_k_ = c.size[1];
    tile_n_ = c.size[2];
  }
}

void PlMatmul::input_beats(const UnitCommand& c, uint64_t beats[3]) const {
  const uint64_t m = c.size[0], k = c.size[1], n = c.size[2];
  beats[0] = (m * k + 1) / 2;  // every full block has R*K (even) elements
  beats[1] = (c.op & MMU_LOADW) ? (k * n + 1) / 2 : 0;
  beats[2] = 0;
}

UnitResult PlMatmul::run(const UnitCommand& c, Cycle t0, const StreamIn* const in[3],
                         const pl::BeatSchedule& r, pl::BeatLog* log) {
  const uint64_t m = c.size[0], k = c.size[1], n = c.size[2];
  const bool load_w = c.op & MMU_LOADW;
  if (load_w) {
    const uint32_t* w = words(*in[1], k * n, scratch_w_);
    wbuf_.assign(w, w + k * n);  // the BRAM copy: the DDR buffer may change before reuse
  }
  const uint32_t* a = words(*in[0], m * k, scratch_a_);
  uint32_t* out = out_words(m * n, out_);
  pl::matmul(a, wbuf_.data(), out, m, k, n);
  UnitResult res;
  res.out = reinterpret_cast<const uint8_t*>(out);
  res.out_bytes = 4 * m * n;
  res.timing = pl::time_matmul(m, k, n, load_w, cfg_, t0, in[0]->valid,
                               load_w ? &in[1]->valid : nullptr, r, log);
  return res;
}

pl::CmdTiming PlMatmul::retime(const UnitCommand& c, Cycle t0, const StreamIn* const in[3], const pl::BeatSchedule& r,
                               pl::BeatLog* log) const {
  const bool load_w = c.op & MMU_LOADW;
  return pl::time_matmul(c.size[0], c.size[1], c.size[2], load_w, cfg_, t0, in[0]->valid,
                         load_w ? &in[1]->valid : nullptr, r, log);
}

std::string PlMatmul::describe(const UnitCommand& c) const {
  return "MATMUL " + std::to_string(c.size[0]) + "x" + std::to_string(c.size[1]) + "x" +
         std::to_string(c.size[2]) + (c.op & MMU_LOADW ? " LOADW" : "");
}

}  // namespace tinypynq::vp
