// SPDX-License-Identifier: MIT
// tinypynq — unit-level constants of docs/hw-spec.md shared by the TLM models, the RTL testbenches
// and the runtime: vector opcodes with arity / issue interval / latency, the element function of
// each opcode, and the ideal-case (no stall) cycle counts of every command (hw-spec §7).
// Pure C++20, no SystemC.
#pragma once

#include <cstdint>

#include "hw/tp_contract.h"

namespace tinypynq::pl {

// ---- vector unit opcodes (OP[5:0], hw-spec §6.1): the generated contract's enum
// (hw/pl_contract.json), so the models, the runtime and the RTL share one list.
using VecOp = hw::VecOp;

struct VecOpInfo {
  VecOp op;
  const char* name;
  uint8_t arity;    // number of operands (A, B, C)
  uint8_t ii;       // issue interval in cycles per beat: 1 (lane ops) or 2 (SFU ops)
  uint8_t latency;  // P_op: cycles from input-beat acceptance to output-beat TVALID
};

// nullptr for an opcode that is not defined (the unit reports ERR_CODE=BAD_OP). The table is
// built from the contract's opcodes (name, arity, II, P).
const VecOpInfo* vec_op_info(uint32_t opcode) noexcept;

// One element of a vector command. Operands not used by the op are ignored. *range is set
// (never cleared) for MOD beyond its exact range and SIN beyond kSinMaxArg (STATUS.W_RANGE).
uint32_t vec_apply(VecOp op, uint32_t a, uint32_t b, uint32_t c, bool* range = nullptr) noexcept;

// A whole vector command on buffers: out[i] = vec_apply(op, A[i], B[i], C[i]) for i < n, where an
// operand pointer that is nullptr means "scalar" and the matching scalar value is used instead.
void vec_apply_n(VecOp op, const uint32_t* a, const uint32_t* b, const uint32_t* c, uint32_t sa,
                 uint32_t sb, uint32_t sc, uint32_t* out, uint64_t n, bool* range = nullptr) noexcept;

// ---- reduce unit (hw-spec §6.2) --------------------------------------------------------------
using RedOp = hw::RedOp;
inline constexpr uint32_t kReduceLatency = hw::red::CFG0_LATENCY_VALUE;  // P_RED
// A whole SUM command: out[r] = reduce_sum(x + r * len, len) for r < rows (pl_float.h), the same
// bits; the 8 partial sums of the unit's order are the 8 lanes of two SIMD registers.
void reduce_sum_rows(const uint32_t* x, uint64_t rows, uint64_t len, uint32_t* out) noexcept;
// A whole MAX command: out[r] = reduce_max(x + r * len, len), the same bits (MAX is associative).
void reduce_max_rows(const uint32_t* x, uint64_t rows, uint64_t len, uint32_t* out) noexcept;

// ---- matmul unit (hw-spec §6.3) --------------------------------------------------------------
struct MatmulConfig {
  uint32_t rows = 4;        // R: PE rows (A rows per block); must be even
  uint32_t cols = 4;        // C: PE columns
  uint32_t fadd_lat = 4;    // L_A: FADD latency = strips interleaved per PE
  uint32_t fmul_lat = 3;    // L_M
  uint32_t wdepth = 16384;  // words per weight bank (C banks)
  uint32_t kmax = 2048;
  uint32_t nmax = 1024;
  // D_MM: cycles from the end of a block's compute window to its last OBUF write (+1)
  constexpr uint32_t drain() const noexcept {
    return rows + cols + fmul_lat + fadd_lat + rows * fadd_lat + 2;
  }
  constexpr uint32_t pass_cycles(uint32_t k) const noexcept {
    return fadd_lat * (k > rows ? k : rows);
  }
  constexpr uint32_t passes(uint32_t n) const noexcept {
    return (n + cols * fadd_lat - 1) / (cols * fadd_lat);
  }
};

// ---- ideal-case cycle counts (every input beat valid as soon as the unit can take it, output
// always ready). CYCLES register = cycle of the last output handshake - cycle of the START write.
uint64_t vector_cycles_ideal(VecOp op, uint64_t n) noexcept;
uint64_t reduce_cycles_ideal(uint64_t rows, uint64_t len) noexcept;
uint64_t matmul_cycles_ideal(uint64_t m, uint64_t k, uint64_t n, bool load_w,
                             const MatmulConfig& cfg = {}) noexcept;

}  // namespace tinypynq::pl
