// SPDX-License-Identifier: MIT
// tinypynq — the register block every PL unit shares (docs/hw-spec.md §7.2) and the interface
// through which the PL top (pl_top.h) drives a unit's command.
//
//   UnitRegs r({pl_reg::VEC_ID, 0x0102, 0, 0, /*scalars=*/true});
//   if (r.write(pl_reg::CTRL, pl_reg::CTRL_START)) { ... PlTop decides: r.accept(t0) or r.reject(code) }
//   r.finish_at(t_done);      // the thread knows when the last output beat moves
//   r.catch_up(t);            // before any access in cycle t: DONE appears from t_done + 1
//   uint32_t st = r.read(pl_reg::STATUS, t);
//
// Completion is evaluated lazily from cycle numbers, so a register access from a temporally
// decoupled initiator (ahead of the SystemC kernel) sees the same state as the RTL would in
// that cycle, whether or not the unit's thread has already reached t_done.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/fp/beat_schedule.h"
#include "models/fp/pl_stream.h"
#include "models/tlm/axis.h"

namespace tinypynq::tlm {

namespace pl_reg {
// Windows inside the PL top's slave window; addresses are offsets from 0x4003_0000.
inline constexpr uint32_t SYS_BASE = 0x00000, VEC_BASE = 0x10000, RED_BASE = 0x20000,
                          MMU_BASE = 0x30000, WINDOW = 0x10000, TOP_BYTES = 0x40000;
// SYS (§7.1)
inline constexpr uint32_t SYS_ID = 0x00, SYS_VERSION = 0x04, SYS_ROUTE = 0x08, SYS_BUSY = 0x0C,
                          SYS_FCLK_HZ = 0x10, SYS_TIME_LO = 0x14, SYS_TIME_HI = 0x18;
inline constexpr uint32_t SYS_ID_VALUE = 0x5450'594E, VERSION_VALUE = 0x0001'0000;
// Common unit block (§7.2)
inline constexpr uint32_t CTRL = 0x00, STATUS = 0x04, OP = 0x08, SIZE0 = 0x0C, SIZE1 = 0x10,
                          SIZE2 = 0x14, CYCLES_LO = 0x18, CYCLES_HI = 0x1C, SCALAR_A = 0x20,
                          SCALAR_B = 0x24, SCALAR_C = 0x28, ID = 0x30, CFG0 = 0x34, CFG1 = 0x38,
                          CFG2 = 0x3C;
inline constexpr uint32_t CTRL_START = 1u << 0, CTRL_IRQ_EN = 1u << 1;
inline constexpr uint32_t ST_BUSY = 1u << 0, ST_DONE = 1u << 1, ST_ERR = 1u << 2,
                          ST_W_RANGE = 1u << 8, ST_W_TLAST = 1u << 9;
inline constexpr unsigned ST_ERR_CODE_SHIFT = 4;
inline constexpr uint8_t ERR_BAD_OP = 1, ERR_BAD_SIZE = 2, ERR_BUSY = 3;
inline constexpr uint32_t VEC_ID = 0x5645'4331, RED_ID = 0x5245'4431, MMU_ID = 0x4D4D'5531;
// VEC.OP (§7.3), RED.OP (§7.4), MMU.OP (§7.5)
inline constexpr uint32_t VEC_OPCODE_MASK = 0x3F, VEC_A_SCALAR = 1u << 8, VEC_B_SCALAR = 1u << 9,
                          VEC_C_SCALAR = 1u << 10, RED_MAX = 1u << 0, MMU_LOADW = 1u << 0;
// Stream length limit in elements: floor((2^26 - 1) / 4), the DMA LENGTH limit (§6.1).
inline constexpr uint64_t MAX_STREAM_ELEMS = 16'777'215;
}  // namespace pl_reg

// OP, SIZEn and SCALARn as captured by an accepted START (§7.2: later writes only affect the
// next command).
struct UnitCommand {
  uint32_t op = 0;
  uint32_t size[3] = {0, 0, 0};
  uint32_t scalar[3] = {0, 0, 0};
};

class UnitRegs {
 public:
  static constexpr Cycle kUnknown = ~Cycle{0};
  struct Ident {
    uint32_t id, cfg0, cfg1, cfg2;
    bool scalars;  // SCALAR_A/B/C exist (vector only; elsewhere they read 0)
  };
  explicit UnitRegs(const Ident& ident) : id_(ident) {}

  uint32_t read(uint32_t off, Cycle t);  // t = cycle of the access (after catch_up(t))
  bool write(uint32_t off, uint32_t v);  // true: a CTRL write with START = 1 (caller decides)
  void reset();                          // aresetn: every register to its reset value

  void reject(uint8_t code);  // a rejected START: only ERR/ERR_CODE change
  void accept(Cycle t0);      // an accepted START in cycle t0: clear status, capture operands
  void finish_at(Cycle t_done) { t_done_ = t_done; }  // BUSY until t_done, DONE from t_done + 1
  void warn(uint32_t st_bits) { status_ |= st_bits; } // ST_W_RANGE / ST_W_TLAST (sticky)
  void catch_up(Cycle t);     // apply the completion if t > t_done

  bool running() const { return running_; }          // accepted and not complete (after catch_up)
  bool busy_at(Cycle t) const { return running_ && t > t0_; }  // STATUS.BUSY in cycle t
  bool irq_level() const { return (status_ & pl_reg::ST_DONE) && irq_en_; }
  const UnitCommand& command() const { return cmd_; }  // captured by the last accepted START
  const UnitCommand& live() const { return live_; }     // what the registers read now
  Cycle t0() const { return t0_; }
  Cycle t_done() const { return t_done_; }

 private:
  const Ident id_;
  UnitCommand live_, cmd_;
  bool irq_en_ = false;
  uint32_t status_ = 0;  // DONE, ERR, ERR_CODE, W_RANGE, W_TLAST (BUSY is computed)
  bool running_ = false;
  Cycle t0_ = 0, t_done_ = kUnknown;
  uint64_t cycles_ = 0;     // CYCLES of the last completed command
  uint32_t cycles_hi_ = 0;  // latched by a CYCLES_LO read
};

// What a unit produced for one command: result bits in a buffer the unit owns (valid until its
// next command) and the timing of every stream.
struct UnitResult {
  const uint8_t* out = nullptr;
  uint64_t out_bytes = 0;
  pl::CmdTiming timing;
  uint32_t warnings = 0;  // ST_W_RANGE from the datapath
};

// One PL unit: its registers plus the command semantics PlTop needs. Not a SystemC module: the
// PL runs one command at a time (§1), so one thread in PlTop drives whichever unit is routed.
class PlUnit {
 public:
  PlUnit(const char* name, const UnitRegs::Ident& ident) : regs(ident), name_(name) {}
  virtual ~PlUnit() = default;
  PlUnit(const PlUnit&) = delete;
  PlUnit& operator=(const PlUnit&) = delete;
  const char* name() const { return name_; }

  // ERR_CODE for a START with these operands, 0 = accept (§6 limits, §7.2 codes).
  virtual uint8_t check(const UnitCommand& c) const = 0;
  virtual void on_accept(const UnitCommand& c) {}  // matmul: the weight tile it will load
  virtual void on_reset() {}
  // Beats the command takes from streams A, B, C (0 = not used); R carries the output.
  virtual void input_beats(const UnitCommand& c, uint64_t beats[3]) const = 0;
  // Compute the result and the timing. in[s] is non-null for every stream with beats > 0 and
  // holds at least that many beats; r = when stream R can accept each beat.
  virtual UnitResult run(const UnitCommand& c, Cycle t0, const StreamIn* const in[3],
                         const pl::BeatSchedule& r, pl::BeatLog* log) = 0;
  virtual std::string describe(const UnitCommand& c) const = 0;  // "ADD N=1000" for messages

  UnitRegs regs;

 protected:
  // The first n 32-bit elements of a transfer: a pointer into the DMA's data (zero copy) when
  // it is aligned and long enough, else a copy in `scratch` with missing bytes read as 0.
  static const uint32_t* words(const StreamIn& in, uint64_t n, std::vector<uint32_t>& scratch);
  static const uint8_t* bytes_of(const std::vector<uint32_t>& v) {
    return reinterpret_cast<const uint8_t*>(v.data());
  }

 private:
  const char* name_;
};

}  // namespace tinypynq::tlm
