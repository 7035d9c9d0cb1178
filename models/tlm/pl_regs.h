// SPDX-License-Identifier: MIT
// tinypynq — the register block every PL unit shares (docs/hw-spec.md §7.2) and the interface
// through which the PL top (pl_top.h) drives a unit's command.
//
//   UnitRegs r({pl_reg::VEC_ID, hw::vec::CFG0_VALUE, 0, 0, /*scalars=*/true});
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

#include "hw/tp_contract.h"
#include "models/fp/beat_schedule.h"
#include "models/fp/pl_stream.h"
#include "models/tlm/axis.h"

namespace tinypynq::vp {

// The PL top's and every unit's register names as the models use them; all values come from the
// generated contract (hw/pl_contract.json -> hw/tp_contract.h), nothing is defined here.
namespace pl_reg {
// Windows inside the PL top's slave window; addresses are offsets from PL_TOP (0x4003_0000).
inline constexpr uint32_t SYS_BASE = hw::win::SYS_OFFSET, VEC_BASE = hw::win::VEC_OFFSET,
                          RED_BASE = hw::win::RED_OFFSET, MMU_BASE = hw::win::MMU_OFFSET,
                          WINDOW = static_cast<uint32_t>(hw::win::SYS_SIZE),
                          TOP_BYTES = static_cast<uint32_t>(hw::win::PL_TOP_SIZE);
static_assert(hw::win::VEC_SIZE == WINDOW && hw::win::RED_SIZE == WINDOW && hw::win::MMU_SIZE == WINDOW,
              "PlTop decodes the unit windows as equal-sized slices of PL_TOP");
// SYS (§7.1)
inline constexpr uint32_t SYS_ID = hw::sys::ID, SYS_VERSION = hw::sys::VERSION, SYS_ROUTE = hw::sys::ROUTE,
                          SYS_BUSY = hw::sys::BUSY, SYS_FCLK_HZ = hw::sys::FCLK_HZ,
                          SYS_TIME_LO = hw::sys::TIME_LO, SYS_TIME_HI = hw::sys::TIME_HI;
inline constexpr uint32_t SYS_ID_VALUE = hw::sys::ID_RESET, VERSION_VALUE = hw::sys::VERSION_RESET;
// SYS.VERSION of a PL: its major version is the board config's pl_version (hw/pl_contract.json).
constexpr uint32_t sys_version(unsigned pl_version) {
  return pl_version >= 2 ? static_cast<uint32_t>(hw::limits::SYS_VERSION_V2) : hw::sys::VERSION_RESET;
}
// Common unit block (§7.2)
inline constexpr uint32_t CTRL = hw::unit::CTRL, STATUS = hw::unit::STATUS, OP = hw::unit::OP,
                          SIZE0 = hw::unit::SIZE0, SIZE1 = hw::unit::SIZE1, SIZE2 = hw::unit::SIZE2,
                          CYCLES_LO = hw::unit::CYCLES_LO, CYCLES_HI = hw::unit::CYCLES_HI,
                          SCALAR_A = hw::unit::SCALAR_A, SCALAR_B = hw::unit::SCALAR_B,
                          SCALAR_C = hw::unit::SCALAR_C, ID = hw::unit::ID, CFG0 = hw::unit::CFG0,
                          CFG1 = hw::unit::CFG1, CFG2 = hw::unit::CFG2;
inline constexpr uint32_t CTRL_START = hw::unit::CTRL_START.mask, CTRL_IRQ_EN = hw::unit::CTRL_IRQ_EN.mask;
inline constexpr uint32_t ST_BUSY = hw::unit::STATUS_BUSY.mask, ST_DONE = hw::unit::STATUS_DONE.mask,
                          ST_ERR = hw::unit::STATUS_ERR.mask, ST_W_RANGE = hw::unit::STATUS_W_RANGE.mask,
                          ST_W_TLAST = hw::unit::STATUS_W_TLAST.mask;
inline constexpr unsigned ST_ERR_CODE_SHIFT = hw::unit::STATUS_ERR_CODE.shift;
inline constexpr uint32_t ST_ERR_CODE_MASK = hw::unit::STATUS_ERR_CODE.mask;
inline constexpr uint8_t ERR_BAD_OP = static_cast<uint8_t>(hw::ErrCode::BAD_OP),
                         ERR_BAD_SIZE = static_cast<uint8_t>(hw::ErrCode::BAD_SIZE),
                         ERR_BUSY = static_cast<uint8_t>(hw::ErrCode::BUSY),
                         ERR_STREAM = static_cast<uint8_t>(hw::ErrCode::STREAM);  // v2: vr_err
inline constexpr uint32_t VEC_ID = hw::vec::ID_VALUE, RED_ID = hw::red::ID_VALUE, MMU_ID = hw::mmu::ID_VALUE;
// VEC.OP (§7.3), RED.OP (§7.4), MMU.OP (§7.5)
inline constexpr uint32_t VEC_OPCODE_MASK = hw::vec::OP_OPCODE.mask, VEC_A_SCALAR = hw::vec::OP_A_SCALAR.mask,
                          VEC_B_SCALAR = hw::vec::OP_B_SCALAR.mask, VEC_C_SCALAR = hw::vec::OP_C_SCALAR.mask,
                          RED_MAX = hw::red::OP_MAX.mask, MMU_LOADW = hw::mmu::OP_LOADW.mask;
// Stream length limit in elements: floor((2^26 - 1) / 4), the DMA LENGTH limit (§6.1).
inline constexpr uint64_t MAX_STREAM_ELEMS = hw::limits::MAX_STREAM_ELEMS;
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

class PlUnit;
// run() of u, then, while a source whose beat times depend on its consumer (AxisSource::replans:
// a v2 view reader) changes its table given the unit's handshakes, or the sink of R whose
// TREADY depends on the unit's offers (AxisSink::replans: the view writer) changes its accept
// table, the timing again with the new tables (PlUnit::retime): a fixed point, since a beat's
// time depends only on earlier beats' handshakes and the handshakes only grow. R's schedule is
// sink->ready() (r when sink is null). `log` (may be null) gets the final handshakes.
// PlTop and the rtl target's lockstep shadow run every command through it.
UnitResult run_with_sources(PlUnit& u, const UnitCommand& c, Cycle t0, const StreamIn* const in[3],
                            AxisSource* const src[3], AxisSink* sink, const pl::BeatSchedule& r, pl::BeatLog* log);

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
  // The timing of run() alone (no data): for a source that replans from the unit's handshakes.
  virtual pl::CmdTiming retime(const UnitCommand& c, Cycle t0, const StreamIn* const in[3],
                               const pl::BeatSchedule& r, pl::BeatLog* log) const = 0;
  virtual std::string describe(const UnitCommand& c) const = 0;  // "ADD N=1000" for messages
  // For the next run() (PlTop): the sink that takes its result and the inputs, so that the unit
  // may compute straight into the S2MM destination (out_words); nullptr afterwards.
  void direct_output(AxisSink* sink, const StreamIn* const* in) {
    direct_sink_ = sink;
    direct_in_ = in;
  }

  UnitRegs regs;

 protected:
  // The first n 32-bit elements of a transfer: a pointer into the DMA's data (zero copy) when
  // it is aligned and long enough, else a copy in `scratch` with missing bytes read as 0.
  static const uint32_t* words(const StreamIn& in, uint64_t n, std::vector<uint32_t>& scratch);
  static const uint8_t* bytes_of(const std::vector<uint32_t>& v) {
    return reinterpret_cast<const uint8_t*>(v.data());
  }
  // Where run() writes n result words: the sink's DDR destination when it takes them all and no
  // input stream's bytes overlap it (the copy in put() is saved; the bits and the timing are
  // the same), else `own`, resized.
  uint32_t* out_words(uint64_t n, std::vector<uint32_t>& own);

 private:
  const char* name_;
  AxisSink* direct_sink_ = nullptr;
  const StreamIn* const* direct_in_ = nullptr;
};

}  // namespace tinypynq::vp
