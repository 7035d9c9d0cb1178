// SPDX-License-Identifier: MIT
// tinypynq — the PL of docs/hw-spec.md as one TLM-2.0 module: the AXI4-Lite slave holding SYS,
// VEC, RED and MMU (§7), the stream router (§2.4) and the three units (§6), bit-exact and
// cycle-exact (§8) with no SystemC event per beat or per cycle.
//
//   PlTop pl("tinypynq_pl", board_cfg);               // R, C, WDEPTH, KMAX, NMAX, FCLK0
//   gp0_interconnect.m_axi_pl.bind(pl.s_axi);          // carries OFFSETS from 0x4003_0000
//   pl.bind_streams(&dma0.mm2s(), &dma1.mm2s(), &dma2.mm2s(), &dma0.s2mm());  // A, B, C, R
//   pl.bind_irq(&ps7, 4, 5, 6);                        // IRQ_F2P lines of vec, red, mmu
//   ... sc_start; on a hang: std::cerr << pl.describe();
//
// Register accesses (s_axi): the address is the offset inside the 256 KiB window
// 0x4003_0000..0x4006_FFFF (the interconnect subtracts 0x4003_0000): SYS 0x00000, VEC 0x10000,
// RED 0x20000, MMU 0x30000. Only whole 32-bit accesses: data length 4 and streaming width >= 4
// (else TLM_BURST_ERROR_RESPONSE), byte enables all on (else TLM_BYTE_ENABLE_ERROR_RESPONSE),
// word-aligned offsets < 0x40000 (else TLM_ADDRESS_ERROR_RESPONSE) — the conventions of the
// DMA model. Unmapped offsets read 0 and ignore writes (OKAY). An access annotated with delay d
// happens in cycle ceil((sc_time_stamp() + d) / period), like the DMA's; b_transport never
// waits and adds one cycle to d (the AXI-Lite response follows the handshake, §7).
//
// A START write in cycle t0 is checked (BUSY, BAD_OP, BAD_SIZE) and captured at once; the PL
// thread then waits until every stream the command uses is armed, computes the result bits
// (models/fp) and every handshake (models/fp/pl_stream.h), puts the output packet to R,
// reports each input's last handshake with take_all(), and sets DONE at t_done + 1. Reads of
// STATUS/CYCLES/BUSY evaluate the command's cycles, so an initiator ahead of the kernel sees
// the state of the cycle it reads in.
//
// Transfers whose beat count differs from the command's: STATUS.W_TLAST. A longer transfer is
// used by count and its extra beats are dropped (take_all at the last beat used; the RTL would
// leave them in the DMA for the next command). A shorter one leaves the unit waiting for beats
// that never come: nothing is taken or put, BUSY stays 1, describe() names the stream, and the
// simulation has no pending activity, so the platform's hang detection reports it. reset()
// (aresetn) recovers.
//
// Streams armed late: the timing is computed once every stream the command needs is armed. If
// R is armed only after input beats could already have moved (S2MM programmed after START),
// take_all() may name a cycle before the current time; the DMA model clamps it to now, so that
// MM2S IOC comes late by the difference while CYCLES and R stay exact. The §7.2 programming
// order (S2MM, then MM2S C/B/A, then START) never does this.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <functional>
#include <memory>
#include <string>

#include "base/board_config.h"
#include "models/fp/pl_stream.h"
#include "models/tlm/axis.h"
#include "models/tlm/pl_block.h"
#include "models/tlm/pl_regs.h"

namespace tinypynq::vp {

class PlVector;
class PlReduce;
class PlMatmul;

class PlTop : public sc_core::sc_module, public PlBlock {
 public:
  tlm_utils::simple_target_socket<PlTop> s_axi;

  SC_HAS_PROCESS(PlTop);
  // Uses pl_clock_hz and mm_rows, mm_cols, mm_wdepth, mm_kmax, mm_nmax (R must be even).
  PlTop(sc_core::sc_module_name name, const BoardConfig& cfg);
  ~PlTop() override;

  // Streams A, B, C (MM2S sources) and R (the S2MM sink). A null source is "not connected":
  // a command that needs it hangs (describe() says so). r must not be null.
  void bind_streams(AxisSource* a, AxisSource* b, AxisSource* c, AxisSink* r) override;
  // Level interrupt lines (IRQ_F2P) of the vector, reduce and matmul units (§2.5).
  void bind_irq(IrqSink* irq, unsigned line_vec = 4, unsigned line_red = 5, unsigned line_mmu = 6) override;

  // aresetn: every register to its reset value, route none, a running command abandoned (its
  // streams are left as they are), matmul tile forgotten. Call between sc_start()s.
  void reset() override;

  tlm::tlm_target_socket<>& socket() override { return s_axi; }
  std::string describe() const override;  // state in one line: for hang reports
  const PlCommandRecord& last_command() const override { return last_; }
  uint64_t commands() const override { return commands_; }  // commands whose timing was computed
  // Called once per command when its timing is known (before t_done): trace writers.
  void set_command_observer(std::function<void(const PlCommandRecord&)> fn) override { observer_ = std::move(fn); }
  // Per-beat handshake cycles of every later command go here (nullptr: off, the default).
  void set_beat_log(pl::BeatLog* log) { log_ = log; }

  sc_core::sc_time clock_period() const { return period_; }
  Cycle cycle_at(const sc_core::sc_time& t) const;  // ceil(t / period)

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  uint32_t sys_read(uint32_t off, Cycle t);
  void start(unsigned unit, Cycle t0);
  void thread();
  void execute(unsigned unit);
  bool wait_for(const sc_core::sc_event& ev);  // false: reset() abandoned the command
  bool wait_until(Cycle c);
  void hang(const std::string& why);
  void stream_error(PlUnit& u, unsigned s);
  void irq_method();
  void update_irqs();
  sc_core::sc_time time_of(Cycle c) const;

  const sc_core::sc_time period_;
  const uint32_t fclk_hz_;
  const uint32_t version_;  // SYS.VERSION: 1.0, or 2.0 for pl_version 2
  std::unique_ptr<PlVector> vec_;
  std::unique_ptr<PlReduce> red_;
  std::unique_ptr<PlMatmul> mmu_;
  PlUnit* units_[3];
  AxisSource* src_[3] = {nullptr, nullptr, nullptr};
  AxisSink* sink_ = nullptr;
  IrqSink* irq_ = nullptr;
  unsigned irq_line_[3] = {4, 5, 6};
  bool irq_sent_[3] = {false, false, false};

  unsigned route_ = 0;       // SYS.ROUTE: 0 none, 1 vector, 2 reduce, 3 matmul
  unsigned active_ = 0;      // unit of the pending/running command
  bool pending_ = false;     // accepted START not yet picked up by the thread
  uint64_t gen_ = 0;         // bumped by reset(): waits of an abandoned command return false
  uint32_t time_hi_ = 0;     // SYS.TIME_HI latched by a TIME_LO read
  Cycle time_base_ = 0;      // the cycle SYS.TIME counts from (the last reset)
  std::string waiting_;      // what the running command waits for (describe())
  PlCommandRecord last_;
  uint64_t commands_ = 0;
  std::function<void(const PlCommandRecord&)> observer_;
  pl::BeatLog* log_ = nullptr;
  sc_core::sc_event cmd_ev_, reset_ev_, irq_ev_;
};

}  // namespace tinypynq::vp
